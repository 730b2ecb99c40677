"""Training, business cost, threshold, model bundle and model card."""
