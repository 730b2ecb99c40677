"""Evidently drift reports of current applicants against the training data."""
