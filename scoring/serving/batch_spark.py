"""Batch scoring on Spark: the feature table's partitions scored in parallel with the bundle broadcast.

Each partition goes through `scoring.serving.batch.score_frame` as Arrow record batches (`mapInArrow`), so
the scores are the in-process engine's and the API's. On a cluster the executors need the `scoring` package
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
from scoring.modeling.bundle import Bundle
from scoring.serving.batch import KEY, BatchSummary, check_features, score_frame, summarise
from scoring.spark import spark_job
from scoring.vocabulary import Engine

if TYPE_CHECKING:
    from pyspark import Broadcast
    from pyspark.sql import SparkSession

ARROW_SCHEMA = pa.schema(
    [
        (KEY, pa.int64()),
        ("probability", pa.float64()),
        ("decision", pa.string()),
        ("threshold", pa.float64()),
        ("model_version", pa.string()),
    ]
)
SPARK_SCHEMA = "SK_ID_CURR long, probability double, decision string, threshold double, model_version string"


def _score_batches(shared: Broadcast, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """One partition's scores (runs on the executors)."""
    bundle = shared.value
    for batch in batches:
        scored = score_frame(bundle, pl.from_arrow(batch)).to_arrow().cast(ARROW_SCHEMA)
        yield from scored.to_batches()


def score_spark(
    bundle: Bundle, features_path: Path, out_dir: Path, spark: SparkSession, partitions: int | None = None
) -> BatchSummary:
    """Score every client of features.parquet on Spark; one part per partition (`partitions` if given)."""
    from pyspark.sql import functions as F

    start = time.perf_counter()
    check_features(features_path, bundle)
    with spark_job(f"reading {features_path}"):
        frame = spark.read.parquet(str(features_path)).select(
            *(F.col(f"`{c}`") for c in (KEY, *bundle.feature_names))
        )
    if partitions:
        frame = frame.repartition(partitions)
    shared = spark.sparkContext.broadcast(bundle)
    try:
        scored = frame.mapInArrow(partial(_score_batches, shared), SPARK_SCHEMA)
        with spark_job(f"batch scoring of {features_path}"), atomic_dir(out_dir, replace=True) as staging:
            scored.write.mode("overwrite").parquet(str(staging))
    finally:
        shared.destroy()
    return summarise(out_dir, Engine.SPARK, bundle, start)
