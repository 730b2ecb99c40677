"""The feature build on Spark equals DuckDB's: every feature of every client, same file layout (the real
sample here on the local[2] session; the synthetic population with its extremes on a standalone cluster:
tests/spark/test_cluster.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

from scoring.data.schema import SECONDARY_TABLES
from scoring.features.duckdb_runner import FeatureError, connect, register_parquet
from scoring.features.spark_engine import build_features_spark, register_spark_parquet
from scoring.home import Paths
from tests.features.conftest import BuiltSample
from tests.spark.conftest import assert_same_features

pytestmark = pytest.mark.spark
SPARK_TYPES = {"string": "VARCHAR", "double": "DOUBLE", "bigint": "BIGINT"}


def test_real_sample_features_equal_duckdb(spark: object, built_sample: BuiltSample, tmp_path: Path) -> None:
    summary = build_features_spark(
        built_sample.interim, tmp_path / "features.parquet", tmp_path / "dictionary.json", spark
    )
    assert (summary.train_rows, summary.test_rows) == (
        built_sample.summary.train_rows,
        built_sample.summary.test_rows,
    )
    assert summary.missing_tables == ()
    expected = pl.read_parquet(built_sample.summary.features_path)
    assert_same_features(expected, pl.read_parquet(summary.features_path))


def test_absent_tables_are_empty_views_with_duckdb_columns_and_types(
    spark: object, synthetic_home: Path, tmp_path: Path
) -> None:
    interim = tmp_path / "interim"
    interim.mkdir()
    for name in ("application_train", "application_test"):
        shutil.copy(Paths(synthetic_home).interim / f"{name}.parquet", interim)
    assert register_spark_parquet(spark, interim) == list(SECONDARY_TABLES)
    with connect(1) as con:
        register_parquet(con, interim)
        for table in SECONDARY_TABLES:
            view = spark.table(table)
            duck = con.sql(f'SELECT * FROM "{table}"')
            assert view.count() == 0 and view.columns == duck.columns
            assert [SPARK_TYPES[f.dataType.simpleString()] for f in view.schema.fields] == [
                str(t) for t in duck.types
            ]


def test_missing_application_train_is_named(spark: object, tmp_path: Path) -> None:
    with pytest.raises(FeatureError, match=r"application_train\.parquet.*scoring ingest"):
        register_spark_parquet(spark, tmp_path)


def test_views_declare_the_schema_spark_would_infer(spark: object, synthetic_home: Path) -> None:
    interim = Paths(synthetic_home).interim
    register_spark_parquet(spark, interim)  # declared from the files' footers: no schema-inference job
    for table in SECONDARY_TABLES:
        inferred = spark.read.parquet(str(interim / f"{table}.parquet")).schema
        assert spark.table(table).schema == inferred, table
