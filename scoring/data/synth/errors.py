"""The one error of the synthetic generator."""

from scoring.errors import ScoringError


class GenerationError(ScoringError):
    """The generation request is invalid (bad size, bad drift spec, unwritable output directory)."""
