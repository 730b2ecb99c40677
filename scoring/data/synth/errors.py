"""The one error of the synthetic generator."""


class GenerationError(Exception):
    """The generation request is invalid (bad size, bad drift spec, unwritable output directory)."""
