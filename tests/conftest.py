"""Shared fixtures: the raw sample tables (real rows, else a synthetic twin) and one small scoring home."""

from __future__ import annotations

from pathlib import Path

import pytest
from argon2 import PasswordHasher

import scoring.db.security
from tests.support.home import build_home, write_raw_subset
from tests.support.sample import has_real_rows, real_sample_dir, synthetic_sample

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def sample_rows(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seven raw tables with the exact Kaggle schema: the real sample rows if present, else synthetic."""
    real = real_sample_dir()
    return real if has_real_rows(real) else synthetic_sample(tmp_path_factory.mktemp("synthetic-sample"))


@pytest.fixture(scope="session")
def real_sample() -> Path:
    """The real sample rows, for the few checks about the real rows themselves (skipped without them)."""
    path = real_sample_dir()
    if not has_real_rows(path):
        pytest.skip(f"real sample rows not found in {path} (set HOMECREDIT_SAMPLE)")
    return path


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory: pytest.TempPathFactory, sample_rows: Path) -> Path:
    """A scoring home: 500 + 120 clients of the sample rows, ingested, featurised, trained and promoted."""
    home = tmp_path_factory.mktemp("demo-home")
    build_home(home, write_raw_subset(sample_rows, home / "data" / "raw"))
    return home


FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=16384, parallelism=1)


@pytest.fixture
def fast_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id with light parameters: the tests check behaviour, not the production cost of a hash."""
    monkeypatch.setattr(scoring.db.security, "HASHER", FAST_HASHER)
