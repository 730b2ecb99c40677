"""Homes built once per test run: the first pytest-xdist worker to need one builds it under a lock in the
run's shared temporary folder, every worker then takes a copy of its own (a home's runtime files, the API's
spool and log, stay private to the worker, as with a home per worker)."""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

DONE = ".built"  # written last: a folder without it is a build that failed half-way


def _shared_root(factory: pytest.TempPathFactory) -> Path | None:
    """The folder the workers of this run share (None outside pytest-xdist: the build is private anyway)."""
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        return None
    return factory.getbasetemp().parent


def built_once(factory: pytest.TempPathFactory, name: str, build: Callable[[Path], object]) -> Path:
    """A private copy of the folder `build` fills, built once per run whoever asks first."""
    root = _shared_root(factory)
    if root is None:
        home = factory.mktemp(name)
        build(home)
        return home
    cached = root / f"shared-{name}"
    with open(root / f"shared-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (cached / DONE).exists():
            shutil.rmtree(cached, ignore_errors=True)
            cached.mkdir()
            build(cached)
            (cached / DONE).touch()
    home = factory.mktemp(name) / "home"
    shutil.copytree(cached, home, ignore=shutil.ignore_patterns(DONE))
    return home
