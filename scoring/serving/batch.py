"""Batch scoring: every client of the feature table scored by a model bundle, written as Parquet parts.

`score_frame` is the one function that turns feature rows into scores: both engines call it on each of
their partitions (DuckDB: record batches in a thread pool, here; Spark: `mapInArrow` with the bundle
broadcast, `scoring.serving.batch_spark`), so a new output column is added there once. The output folder
holds `part-*.parquet` files with the columns of SCORE_SCHEMA, replaced as a whole (atomically).
"""

from __future__ import annotations

import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pyarrow as pa

from scoring.features.engine import connect
from scoring.features.expr import quote_ident, quote_str
from scoring.io import atomic_dir, write_parquet_atomic
from scoring.modeling.bundle import Bundle
from scoring.vocabulary import Decision, Engine

KEY = "SK_ID_CURR"
SCORE_SCHEMA = {
    KEY: pl.Int64,
    "probability": pl.Float64,
    "decision": pl.String,
    "threshold": pl.Float64,
    "model_version": pl.String,
}
CHUNK_ROWS = 50_000
PARTS = "*.parquet"


class BatchError(RuntimeError):
    """The feature table cannot be scored (absent, or lacking the model's features)."""


def score_frame(bundle: Bundle, frame: pl.DataFrame) -> pl.DataFrame:
    """Scores of feature rows (SK_ID_CURR and the model's features), one row each, in the same order."""
    if frame.height == 0:
        return pl.DataFrame(schema=SCORE_SCHEMA)
    threshold = bundle.threshold
    probability = bundle.predict_proba(bundle.matrix(frame))
    return pl.DataFrame(
        {
            KEY: frame.get_column(KEY),
            "probability": probability,
            "decision": [Decision.at(p, threshold).value for p in probability.tolist()],
            "threshold": [threshold] * frame.height,
            "model_version": [bundle.version] * frame.height,
        },
        schema=SCORE_SCHEMA,
    )


@dataclass(frozen=True)
class BatchSummary:
    """What a batch scoring run wrote."""

    out_dir: Path
    engine: Engine
    model_version: str
    rows: int
    refused: int
    parts: int
    seconds: float

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else float("nan")

    def describe(self) -> str:
        share = self.refused / self.rows if self.rows else 0.0
        return (
            f"scored {self.rows:,} clients with model {self.model_version} on {self.engine} in "
            f"{self.seconds:.1f} s ({self.rows_per_second:,.0f} rows/s): {self.refused:,} refused "
            f"({share:.1%}) -> {self.out_dir} ({self.parts} parts)"
        )


def check_features(features_path: Path, bundle: Bundle) -> None:
    """Fail naming the file when it is absent or lacks SK_ID_CURR or one of the model's features."""
    if not features_path.is_file():
        raise BatchError(f"features file {features_path} not found (run `scoring features`)")
    present = pl.read_parquet_schema(features_path)
    missing = [c for c in (KEY, *bundle.feature_names) if c not in present]
    if missing:
        raise BatchError(
            f"{features_path}: {len(missing)} column(s) model {bundle.version} needs are missing, "
            f"e.g. {', '.join(missing[:5])}"
        )


def summarise(out_dir: Path, engine: Engine, bundle: Bundle, start: float) -> BatchSummary:
    """The summary of a finished run, counted from the parts it wrote."""
    parts = sorted(out_dir.glob(PARTS))
    decisions = pl.scan_parquet(parts).select("decision").collect().get_column("decision")
    return BatchSummary(
        out_dir=out_dir,
        engine=engine,
        model_version=bundle.version,
        rows=decisions.len(),
        refused=int((decisions == Decision.REFUSE.value).sum()),
        parts=len(parts),
        seconds=time.perf_counter() - start,
    )


def _write_part(bundle: Bundle, batch: pa.RecordBatch, path: Path) -> None:
    write_parquet_atomic(path, score_frame(bundle, pl.from_arrow(batch)))


def score_duckdb(
    bundle: Bundle, features_path: Path, out_dir: Path, threads: int = 2, chunk_rows: int = CHUNK_ROWS
) -> BatchSummary:
    """Score in-process: DuckDB streams record batches, `threads` of them scored at a time, one part each."""
    start = time.perf_counter()
    check_features(features_path, bundle)
    columns = ", ".join(quote_ident(c) for c in (KEY, *bundle.feature_names))
    query = f"SELECT {columns} FROM read_parquet({quote_str(str(features_path))})"
    with (
        connect(threads) as con,
        atomic_dir(out_dir, replace=True) as staging,
        ThreadPoolExecutor(threads) as pool,
    ):
        reader = con.sql(query).to_arrow_reader(chunk_rows)
        pending: deque[Future] = deque()
        for index, batch in enumerate(reader):
            pending.append(pool.submit(_write_part, bundle, batch, staging / f"part-{index:05d}.parquet"))
            if len(pending) >= threads:
                pending.popleft().result()
        for future in pending:
            future.result()
    return summarise(out_dir, Engine.DUCKDB, bundle, start)
