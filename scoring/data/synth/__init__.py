"""Synthetic twin of the Home Credit data: the 7 Kaggle tables, calibrated on real rows, with known truth."""

from scoring.data.synth.drifted_batch import DRIFT_KEYS, parse_drift, validate_drift
from scoring.data.synth.errors import GenerationError
from scoring.data.synth.generate import GenerationSummary, generate_tables

__all__ = [
    "DRIFT_KEYS",
    "GenerationError",
    "GenerationSummary",
    "generate_tables",
    "parse_drift",
    "validate_drift",
]
