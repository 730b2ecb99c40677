"""Raw tables: schema, ingestion and the synthetic generator."""
