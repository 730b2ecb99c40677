"""Batch scoring: every client of the feature table scored by a model bundle, written as Parquet parts.

`score_frame` is the one function that turns feature rows into scores: both engines call it on each of
their partitions (DuckDB: record batches in a thread pool, here; Spark: `mapInArrow` with the scorer
broadcast, `scoring.serving.batch_spark`), so a new output column is added there once. A row holds the
calibrated probability of default, the decision at the bundle's threshold, the score points and, unless
turned off, the (up to 4) reason codes pushing towards the decision, strongest first, as the API gives them.
The output folder holds `part-*.parquet` files with the columns of SCORE_SCHEMA, replaced as a whole
(atomically).
"""

from __future__ import annotations

import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa

from scoring.explain.by_code import CodeGrouping
from scoring.explain.points import PointsScale
from scoring.explain.reason_codes import catalogue
from scoring.features.engine import connect
from scoring.features.expr import quote_ident, quote_str
from scoring.io import atomic_dir, write_parquet_atomic
from scoring.modeling.bundle import Bundle
from scoring.vocabulary import Decision, Engine

KEY = "SK_ID_CURR"
REASONS = 4
REASON_COLUMNS = tuple(f"reason_{i}" for i in range(1, REASONS + 1))
SCORE_SCHEMA = {
    KEY: pl.Int64,
    "probability": pl.Float64,
    "decision": pl.String,
    "threshold": pl.Float64,
    "points": pl.Float64,
    "model_version": pl.String,
    **dict.fromkeys(REASON_COLUMNS, pl.String),
}
CHUNK_ROWS = 50_000
PARTS = "*.parquet"


class BatchError(RuntimeError):
    """The feature table cannot be scored (absent, or lacking the model's features)."""


@dataclass(frozen=True)
class BatchScorer:
    """A bundle with what a batch row needs besides it: the points scale, and whether to give reason codes
    (they cost a SHAP computation per row)."""

    bundle: Bundle
    scale: PointsScale = PointsScale()
    reasons: bool = True

    @cached_property
    def grouping(self) -> CodeGrouping:
        return CodeGrouping.of(catalogue(), self.bundle.feature_names)

    def reason_codes(self, X: np.ndarray, refused: np.ndarray) -> list[list[str | None]]:
        """Per row, the codes pushing towards its decision (strongest first), None where fewer push."""
        by_code = self.grouping.sum(self.bundle.contributions(X).values)
        signed = by_code * np.where(refused, 1.0, -1.0)[:, None]
        order = np.argsort(-signed, axis=1, kind="stable")[:, :REASONS]
        pushing = np.take_along_axis(signed, order, axis=1) > 0
        codes = np.array(self.grouping.codes, dtype=object)[order]
        return np.where(pushing, codes, None).T.tolist()


def score_frame(scorer: BatchScorer, frame: pl.DataFrame) -> pl.DataFrame:
    """Scores of feature rows (SK_ID_CURR and the model's features), one row each, in the same order."""
    if frame.height == 0:
        return pl.DataFrame(schema=SCORE_SCHEMA)
    bundle = scorer.bundle
    threshold = bundle.threshold
    X = bundle.matrix(frame)
    probability = bundle.predict_proba(X)
    refused = probability >= threshold
    if scorer.reasons:
        reasons = scorer.reason_codes(X, refused)
    else:
        reasons = [[None] * frame.height for _ in REASON_COLUMNS]
    return pl.DataFrame(
        {
            KEY: frame.get_column(KEY),
            "probability": probability,
            "decision": [Decision.at(p, threshold).value for p in probability.tolist()],
            "threshold": [threshold] * frame.height,
            "points": scorer.scale.of_many(probability),
            "model_version": [bundle.version] * frame.height,
            **dict(zip(REASON_COLUMNS, reasons, strict=True)),
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


def _write_part(scorer: BatchScorer, batch: pa.RecordBatch, path: Path) -> None:
    write_parquet_atomic(path, score_frame(scorer, pl.from_arrow(batch)))


def score_duckdb(
    scorer: BatchScorer, features_path: Path, out_dir: Path, threads: int = 2, chunk_rows: int = CHUNK_ROWS
) -> BatchSummary:
    """Score in-process: DuckDB streams record batches, `threads` of them scored at a time, one part each."""
    start = time.perf_counter()
    bundle = scorer.bundle
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
            pending.append(pool.submit(_write_part, scorer, batch, staging / f"part-{index:05d}.parquet"))
            if len(pending) >= threads:
                pending.popleft().result()
        for future in pending:
            future.result()
    return summarise(out_dir, Engine.DUCKDB, bundle, start)
