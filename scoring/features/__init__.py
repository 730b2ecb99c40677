"""Per-client features over the seven tables, one definition for training and serving."""
