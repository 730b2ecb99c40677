"""One exception base: every exception class the library defines derives from `ScoringError`."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import scoring
from scoring.errors import ScoringError


def library_exceptions() -> dict[str, type[BaseException]]:
    """Every exception class defined in a `scoring` module (pyspark-only modules included when importable)."""
    found = {}
    for module_info in pkgutil.walk_packages(scoring.__path__, "scoring."):
        if ".migrations" in module_info.name:
            continue
        module = importlib.import_module(module_info.name)
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, Exception)
                and value.__module__ == module_info.name
            ):
                found[f"{module.__name__}.{name}"] = value
    return found


def test_every_library_exception_is_a_scoring_error() -> None:
    found = library_exceptions()
    assert len(found) > 30  # the walk did find the library's errors
    assert sorted(name for name, cls in found.items() if not issubclass(cls, ScoringError)) == []
