"""The feature build on Spark equals DuckDB's: every feature of every client, same file layout."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from scoring.config import Paths
from scoring.features.build import build_features
from scoring.features.spark_engine import build_features_spark
from tests.features.conftest import BuiltSample
from tests.spark.conftest import assert_same_features

pytestmark = pytest.mark.spark


def test_synthetic_population_features_equal_duckdb(
    spark: object, synthetic_home: Path, tmp_path: Path
) -> None:
    paths = Paths(synthetic_home)
    summary = build_features_spark(
        paths.interim, tmp_path / "features.parquet", tmp_path / "feature_dictionary.json", spark
    )
    infinities = assert_same_features(pl.read_parquet(paths.features), pl.read_parquet(summary.features_path))
    assert infinities >= 3  # the extremes pushed into the interim tables came out infinite in both
    assert summary.missing_tables == ()
    assert (tmp_path / "feature_dictionary.json").read_text() == paths.feature_dictionary.read_text()


def test_real_sample_features_equal_duckdb(spark: object, built_sample: BuiltSample, tmp_path: Path) -> None:
    summary = build_features_spark(
        built_sample.interim, tmp_path / "features.parquet", tmp_path / "dictionary.json", spark
    )
    assert (summary.train_rows, summary.test_rows) == (built_sample.summary.train_rows, 7_107)
    expected = pl.read_parquet(built_sample.summary.features_path)
    assert_same_features(expected, pl.read_parquet(summary.features_path))


def test_absent_secondary_tables_give_the_same_defaults(
    spark: object, synthetic_home: Path, tmp_path: Path
) -> None:
    interim = tmp_path / "interim"
    interim.mkdir()
    for name in ("application_train", "application_test", "bureau"):
        (interim / f"{name}.parquet").write_bytes(
            (Paths(synthetic_home).interim / f"{name}.parquet").read_bytes()
        )
    duck = build_features(interim, tmp_path / "duck.parquet", tmp_path / "duck.json")
    summary = build_features_spark(interim, tmp_path / "spark.parquet", tmp_path / "spark.json", spark)
    assert summary.missing_tables == duck.missing_tables and "bureau_balance" in summary.missing_tables
    assert_same_features(pl.read_parquet(duck.features_path), pl.read_parquet(summary.features_path))
