"""Spark runner of the feature build: the DuckDB runner's queries (`scoring.features.sql`) as Spark SQL.

The interim Parquet tables become temporary views with the names, columns and checks the DuckDB runner gives
them (`scoring.features.duckdb_runner`), their schemas declared from the files' footers (read by Polars)
rather than inferred by Spark, which runs a job per file to infer one; every query is transpiled
(`scoring.features.dialect`), none is written twice. The plan is the DuckDB runner's: one query for the
application rows and one per secondary table, each reading its table once and aggregating it in one pass per
grouping (one GROUP BY with every aggregate). Spark writes each of these blocks as Parquet parts (plain
floats, no dictionary) into a staging folder beside the output (on a cluster: a folder every node sees at the
same path), each block submitted from its own thread as soon as it is transpiled, with shuffle partitions and
file splits sized to the cores (`sized_settings`); the blocks are then aligned on the application rows in
output order by `scoring.features.build.aligned` (clients without rows get the feature defaults) and written
atomically as the one features.parquet that `scoring train` reads.

Joining the blocks in Spark instead made one stage carry all 600 columns, too many for Spark's whole-stage
code generation: on 34,755 clients that stage took half of the execution time, and the build 3 to 4 times
as long as now (docs/operations/scaling-out.md).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from scoring.data.schema import SECONDARY_TABLES, TARGET
from scoring.features.build import HEAD, BuildSummary, aligned, finish_build
from scoring.features.catalog import table_outputs
from scoring.features.dialect import to_spark
from scoring.features.duckdb_runner import (
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
SHUFFLE_PARTITIONS, SPLITS_PER_CORE = "spark.sql.shuffle.partitions", 2
MIN_SPLITS, OPEN_COST = "spark.sql.files.minPartitionNum", "spark.sql.files.openCostInBytes"
OPEN_COST_BYTES = 256 * 1024
# the staging parts are written once and read once: plain float columns (no dictionary: most features
# have as many distinct values as clients, and building the dictionary cost a quarter of the tasks' time)
STAGING = {"parquet.enable.dictionary": "false", "compression": "snappy"}
# Spark's types of the Parquet columns ingest writes: a view over a file with these is declared, not inferred
# (inferring a Parquet schema is a Spark job per file); a file with another type is left to Spark's inference
SPARK_TYPES = {
    pl.Int8: "ByteType",
    pl.Int16: "ShortType",
    pl.Int32: "IntegerType",
    pl.Int64: "LongType",
    pl.Float32: "FloatType",
    pl.Float64: "DoubleType",
    pl.String: "StringType",
    pl.Boolean: "BooleanType",
}


def _col(name: str) -> Column:
    from pyspark.sql import functions as F

    return F.col(f"`{name}`")


def _read(spark: SparkSession, path: Path, schema: pl.Schema) -> DataFrame:
    """The Parquet file `path` (with `schema`, Polars' reading of its footer) as a Spark frame."""
    from pyspark.sql import types

    reader = spark.read
    if all(kind in SPARK_TYPES for kind in schema.values()):
        fields = [
            types.StructField(name, getattr(types, SPARK_TYPES[kind])()) for name, kind in schema.items()
        ]
        reader = reader.schema(types.StructType(fields))
    return reader.parquet(str(path))


def _application_frame(spark: SparkSession, path: Path, split: str) -> DataFrame:
    """One application file with TARGET (null for test rows), SPLIT, _PART and _ORD, as in DuckDB."""
    from pyspark.sql import functions as F

    check_application(path, split)
    target = _col(TARGET) if split == "train" else F.lit(None).cast("bigint").alias(TARGET)
    return _read(spark, path, pl.read_parquet_schema(path)).select(
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
            schema = pl.read_parquet_schema(path)
            check_columns(table, str(path), list(schema))
            _read(spark, path, schema).createOrReplaceTempView(table)
        else:
            spark.sql(to_spark(empty_select(table))).createOrReplaceTempView(table)
            missing.append(table)
    return missing


def _queries() -> dict[str, str]:
    """The DuckDB queries of the application rows (head, features, _PART, _ORD) and of each table's
    per-client block, by block name."""
    queries = {APPLICATION: application_select((*HEAD, *ORDER))}
    for spec, outs in zip(TABLE_SPECS, table_outputs(), strict=True):
        queries[spec.prefix] = table_query(spec, outs)
    return queries


def _write_block(spark: SparkSession, query: str, folder: Path) -> None:
    """One block (Spark SQL) planned and written as Parquet parts under `folder`, its jobs named after it
    (Spark's UI and event log: `features: <block>`)."""
    spark.sparkContext.setJobDescription(f"features: {folder.name}")
    spark.sql(query).write.options(**STAGING).parquet(str(folder))


def _write_blocks(spark: SparkSession, staging: Path) -> None:
    """Each block written under `staging/<name>`, submitted as soon as it is transpiled: the driver
    transpiles the next block while Spark plans and runs the previous ones, and one table's small stages
    use the core another leaves idle."""
    queries = _queries()
    with ThreadPoolExecutor(max_workers=len(queries)) as pool:
        done = [
            pool.submit(_write_block, spark, to_spark(query), staging / name)
            for name, query in queries.items()
        ]
        for future in done:
            future.result()


def sized_settings(cores: int) -> dict[str, str]:
    """The build's settings for `cores` task slots: shuffle partitions and file splits at twice the cores.

    Spark's 200 shuffle partitions make every map task write 200 blocks for AQE to coalesce. A file is split
    into `bytes / minPartitionNum` pieces but never below `openCostInBytes` (4 MB): the interim tables are a
    few MB per million rows, so bureau_balance (27 M rows at full scale) was read and aggregated by one task
    while the other core idled; at 256 KB every table gets twice the cores in splits (a split is a set of
    row groups)."""
    slots = str(max(cores * SPLITS_PER_CORE, 1))
    return {SHUFFLE_PARTITIONS: slots, MIN_SPLITS: slots, OPEN_COST: str(OPEN_COST_BYTES)}


@contextmanager
def _sized_to_cores(spark: SparkSession) -> Iterator[None]:
    """`sized_settings` while the blocks run, each unless set at launch (`--conf` wins); the session's own
    settings are restored afterwards."""
    launch = spark.sparkContext.getConf()
    chosen = {
        key: value
        for key, value in sized_settings(spark.sparkContext.defaultParallelism).items()
        if not launch.contains(key)
    }
    before = {key: spark.conf.get(key, None) for key in chosen}
    for key, value in chosen.items():
        spark.conf.set(key, value)
    try:
        yield
    finally:
        for key, value in before.items():
            if value is None:
                spark.conf.unset(key)
            else:
                spark.conf.set(key, value)


def _assembled(staging: Path) -> pl.DataFrame:
    """The blocks aligned on the application rows in output order, as the DuckDB runner aligns them."""
    application = pl.read_parquet(staging / APPLICATION / "*.parquet").sort(list(ORDER)).drop(list(ORDER))
    keys = application.select(KEY)
    parts = [application]
    for spec, outs in zip(TABLE_SPECS, table_outputs(), strict=True):
        parts.append(aligned(keys, pl.read_parquet(staging / spec.prefix / "*.parquet"), outs))
    return pl.concat(parts, how="horizontal")


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
        with spark_job(what), _sized_to_cores(spark):
            _write_blocks(spark, staging)
        table = _assembled(staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return finish_build(table, out_path, dictionary_path, missing, start)
