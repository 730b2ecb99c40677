"""Fixtures of the feature tests: the sample rows (real, else synthetic) ingested and built once."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from scoring.data.ingest import ingest_tables
from scoring.features.build import BuildSummary, build_features


@dataclass(frozen=True)
class BuiltSample:
    interim: Path
    summary: BuildSummary


@pytest.fixture(scope="session")
def built_sample(sample_rows: Path, tmp_path_factory: pytest.TempPathFactory) -> BuiltSample:
    """The sample rows ingested into data/interim/ and turned into features.parquet."""
    home = tmp_path_factory.mktemp("sample")
    ingest_tables(sample_rows, home / "interim")
    summary = build_features(
        home / "interim", home / "processed" / "features.parquet", home / "processed" / "dictionary.json"
    )
    return BuiltSample(home / "interim", summary)
