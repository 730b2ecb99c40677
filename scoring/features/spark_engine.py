"""Spark runner of the feature build: the DuckDB runner's queries (`scoring.features.sql`) as Spark SQL.

The interim Parquet tables become temporary views with the names, columns and checks the DuckDB runner gives
them (`scoring.features.engine`); every query is transpiled (`scoring.features.dialect`), none is written
twice. The per-client blocks are left-joined on the application rows in Spark, clients without rows getting
the feature defaults as in `scoring.features.build`. Spark writes the result as Parquet parts into a staging
folder beside the output (on a cluster: a folder every node sees at the same path), which is read back in
output order and written atomically as the one features.parquet that `scoring train` reads.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from scoring.data.schema import SECONDARY_TABLES, TARGET
from scoring.features.aggregation import Output
from scoring.features.build import HEAD, BuildSummary, finish_build
from scoring.features.catalog import table_outputs
from scoring.features.dialect import to_spark
from scoring.features.engine import (
    APPLICATION,
    FeatureError,
    application_columns,
    check_application,
    check_columns,
    empty_select,
)
from scoring.features.specs import TABLE_SPECS
from scoring.features.sql import KEY, application_select, table_query
from scoring.spark import spark_job

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame, SparkSession

ORDER = ("_PART", "_ORD")
ROW_INDEX = "_metadata.row_index"  # a Parquet row's position in its file, as DuckDB's file_row_number


def _col(name: str) -> Column:
    from pyspark.sql import functions as F

    return F.col(f"`{name}`")


def _application_frame(spark: SparkSession, path: Path, split: str) -> DataFrame:
    """One application file with TARGET (null for test rows), SPLIT, _PART and _ORD, as in DuckDB."""
    from pyspark.sql import functions as F

    check_application(path, split)
    target = _col(TARGET) if split == "train" else F.lit(None).cast("bigint").alias(TARGET)
    return spark.read.parquet(str(path)).select(
        *(_col(c.name) for c in application_columns()),
        target,
        F.lit(split).alias("SPLIT"),
        F.lit(0 if split == "train" else 1).alias(ORDER[0]),
        F.col(ROW_INDEX).alias(ORDER[1]),
    )


def register_spark_parquet(spark: SparkSession, interim_dir: Path) -> list[str]:
    """Temporary views over data/interim/<table>.parquet; returns the secondary tables that have no file."""
    train, test = interim_dir / "application_train.parquet", interim_dir / "application_test.parquet"
    if not train.exists():
        raise FeatureError(f"{train}: application_train is required; run `scoring ingest` first")
    application = _application_frame(spark, train, "train")
    if test.exists():
        application = application.unionByName(_application_frame(spark, test, "test"))
    application.createOrReplaceTempView(APPLICATION)
    missing = []
    for table in SECONDARY_TABLES:
        path = interim_dir / f"{table}.parquet"
        if path.exists():
            check_columns(table, str(path), list(pl.read_parquet_schema(path)))
            spark.read.parquet(str(path)).createOrReplaceTempView(table)
        else:
            spark.sql(to_spark(empty_select(table))).createOrReplaceTempView(table)
            missing.append(table)
    return missing


def _defaulted(output: Output) -> Column:
    """A table's feature on the application rows: its default (FLOAT) for clients without rows."""
    from pyspark.sql import functions as F

    name, default = output.feature.name, output.feature.default
    if default is None:
        return _col(name)
    return F.coalesce(_col(name), F.lit(default).cast("float")).alias(name)


def feature_frame(spark: SparkSession) -> DataFrame:
    """SK_ID_CURR, TARGET, SPLIT, every feature, _PART and _ORD of the registered tables (lazy)."""
    frame = spark.sql(to_spark(application_select((*HEAD, *ORDER))))
    columns = [_col(c) for c in frame.columns]
    for spec, outs in zip(TABLE_SPECS, table_outputs(), strict=True):
        frame = frame.join(spark.sql(to_spark(table_query(spec, outs))), on=KEY, how="left")
        columns += [_defaulted(o) for o in outs]
    return frame.select(columns)


def _collect(frame: DataFrame, staging: Path) -> pl.DataFrame:
    """Spark writes the frame's parts into `staging`; they come back as one frame in output order."""
    frame.write.mode("overwrite").parquet(str(staging))
    parts = pl.scan_parquet(staging / "*.parquet")
    return parts.sort(list(ORDER)).drop(list(ORDER)).collect()


def build_features_spark(
    interim_dir: Path, out_path: Path, dictionary_path: Path, spark: SparkSession
) -> BuildSummary:
    """`build_features` on Spark: the same features.parquet (columns, order, types, values) and dictionary."""
    start = time.perf_counter()
    what = f"the feature build of {interim_dir}"
    with spark_job(what):
        missing = register_spark_parquet(spark, Path(interim_dir))
    out_path.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=out_path.parent, prefix=f".spark-{out_path.stem}-"))
    try:
        with spark_job(what):
            table = _collect(feature_frame(spark), staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return finish_build(table, out_path, dictionary_path, missing, start)
