"""Paths of the project, all derived from one setting: the SCORING_HOME environment variable."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEMO_CLIENTS = 30_000
TEST_SHARE = 48_744 / 307_511


@dataclass(frozen=True)
class Paths:
    """Every directory the pipeline reads or writes, under one home directory."""

    home: Path

    @property
    def data(self) -> Path:
        return self.home / "data"

    @property
    def raw(self) -> Path:
        return self.data / "raw"

    @property
    def synthetic(self) -> Path:
        return self.raw / "synthetic"

    @property
    def interim(self) -> Path:
        return self.data / "interim"

    @property
    def processed(self) -> Path:
        return self.data / "processed"

    @property
    def features(self) -> Path:
        return self.processed / "features.parquet"

    @property
    def feature_dictionary(self) -> Path:
        return self.processed / "feature_dictionary.json"

    @property
    def models(self) -> Path:
        return self.home / "models"

    @property
    def reports(self) -> Path:
        return self.home / "reports"


def get_paths() -> Paths:
    """Paths under $SCORING_HOME (default: the project root), read at call time."""
    return Paths(Path(os.environ.get("SCORING_HOME", PROJECT_ROOT)).resolve())


def default_raw_dir() -> Path:
    """The real Kaggle files in data/raw/ when present, else the synthetic twin in data/raw/synthetic/."""
    paths = get_paths()
    real = [paths.raw / f"application_train.{ext}" for ext in ("csv", "parquet")]
    return paths.raw if any(p.exists() for p in real) else paths.synthetic
