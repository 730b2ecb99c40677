"""Shared fixtures: where the real Home Credit sample rows live."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def sample_dir() -> Path:
    """The real sample rows: $HOMECREDIT_SAMPLE, else ../shared/data/homecredit-sample beside the repo."""
    return Path(os.environ.get("HOMECREDIT_SAMPLE", REPO.parent / "shared" / "data" / "homecredit-sample"))


@pytest.fixture(scope="session")
def real_sample() -> Path:
    path = sample_dir()
    if not (path / "application_train.csv").exists():
        pytest.skip(f"real sample rows not found in {path}")
    return path
