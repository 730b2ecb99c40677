"""Batch scoring on Spark: the feature table's partitions scored in parallel with the bundle broadcast.

Each partition goes through `scoring.serving.batch.score_frame` as Arrow record batches (`mapInArrow`), so
the scores are the in-process engine's and the API's. With a strategy, a first pass adds each row's
probability, Spark decides with the strategy's generated SQL (`spark_decision`, `spark_rules_fired`) over the
rule columns (the ingested applications joined to the features), and the second pass scores with that
decision. On a cluster the executors need the `scoring` package
(installed in their Python, or shipped with `--py-files`), and the paths must be on storage every node sees.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl
import pyarrow as pa

from scoring.io import atomic_dir
from scoring.offer.requested_loan import offer_names
from scoring.serving.batch import (
    KEY,
    SCORE_SCHEMA,
    BatchScorer,
    BatchSummary,
    check_features,
    decision_inputs,
    score_frame,
    summarise,
)
from scoring.spark import spark_job
from scoring.strategy.conditions import TEXT
from scoring.strategy.decide import spark_decision, spark_rules_fired
from scoring.vocabulary import Engine

if TYPE_CHECKING:
    from pyspark import Broadcast
    from pyspark.sql import DataFrame, SparkSession

ARROW_SCHEMA = pl.DataFrame(schema=SCORE_SCHEMA).to_arrow().schema
_SPARK_TYPES = {pl.Int64: "long", pl.Float64: "double", pl.String: "string"}
SPARK_SCHEMA = ", ".join(f"{name} {_SPARK_TYPES[dtype]}" for name, dtype in SCORE_SCHEMA.items())


def _score_batches(shared: Broadcast, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """One partition's scores (runs on the executors)."""
    scorer = shared.value
    for batch in batches:
        scored = score_frame(scorer, pl.from_arrow(batch)).to_arrow().cast(ARROW_SCHEMA)
        yield from scored.to_batches()


def _probabilities(shared: Broadcast, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """The rows of a partition with their calibrated probability of default and the offer's figures the
    strategy's rules read (runs on the executors; `decision_inputs`, as the DuckDB engine)."""
    scorer = shared.value
    for batch in batches:
        added = decision_inputs(scorer, pl.from_arrow(batch)).to_arrow()
        for name in added.column_names:
            column = added.column(name).combine_chunks()
            text = column.type == pa.large_string()
            batch = batch.append_column(name, column.cast(pa.string()) if text else column)
        yield batch


def _decided(scorer: BatchScorer, frame: DataFrame, spark: SparkSession, shared: Broadcast) -> DataFrame:
    """The rows with their probability, the strategy's decision and the rules that fired."""
    from pyspark.sql.types import DoubleType, StringType, StructField, StructType

    raw = scorer.rule_columns[0]
    paths = scorer.raw_paths()
    if paths:
        applications = spark.read.option("mergeSchema", "true").parquet(*map(str, paths))
        frame = frame.join(applications.select(KEY, *(f"`{c}`" for c in raw)), on=KEY, how="left")
    strategy = scorer.strategy
    types = offer_names()
    added = [("probability", DoubleType())] + [
        (name, StringType() if types[name] == TEXT else DoubleType()) for name in strategy.offer_figures
    ]
    schema = StructType([*frame.schema.fields, *(StructField(n, t) for n, t in added)])
    scored = frame.mapInArrow(partial(_probabilities, shared), schema)
    return scored.withColumn("decision", spark_decision(strategy)).withColumn(
        "rules_fired", spark_rules_fired(strategy)
    )


def score_spark(
    scorer: BatchScorer,
    features_path: Path,
    out_dir: Path,
    spark: SparkSession,
    partitions: int | None = None,
) -> BatchSummary:
    """Score every client of features.parquet on Spark; one part per partition (`partitions` if given)."""
    from pyspark.sql import functions as F

    start = time.perf_counter()
    bundle = scorer.bundle
    extra = scorer.rule_columns[1]
    check_features(features_path, bundle, extra)
    with spark_job(f"reading {features_path}"):
        frame = spark.read.parquet(str(features_path)).select(
            *(F.col(f"`{c}`") for c in (KEY, *bundle.feature_names, *extra))
        )
    shared = spark.sparkContext.broadcast(scorer)
    try:
        if scorer.strategy is not None:
            frame = _decided(scorer, frame, spark, shared)
        if partitions:
            frame = frame.repartition(partitions)
        scored = frame.mapInArrow(partial(_score_batches, shared), SPARK_SCHEMA)
        with spark_job(f"batch scoring of {features_path}"), atomic_dir(out_dir, replace=True) as staging:
            scored.write.mode("overwrite").parquet(str(staging))
    finally:
        shared.destroy()
    return summarise(out_dir, Engine.SPARK, scorer, start)
