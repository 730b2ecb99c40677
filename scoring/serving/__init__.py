"""Serving: the model with its client store, precomputed scores and explanations, and the prediction log."""
