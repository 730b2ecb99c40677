"""Batch scoring: every client of the feature table scored by a model bundle, written as Parquet parts.

`score_frame` is the one function that turns feature rows into scores: both engines call it on each of
their partitions (DuckDB: record batches in a thread pool, here; Spark: `mapInArrow` with the scorer
broadcast, `scoring.serving.batch_spark`), so a new output column is added there once. A row holds the
calibrated probability of default, the decision (the strategy's when one is given: accept, refer or refuse,
with the codes of its rules that fired in `rules_fired`, comma-separated; else the bundle's threshold's), the
score points and, unless turned off, the (up to 4) reason codes pushing towards the decision (towards
refusal for a referral), strongest first, as the API gives them.

With a strategy, the engine decides: its rules read the home's ingested applications
(`data/interim/application_{train,test}.parquet`) joined to the feature table, the offer's figures of the
requested loan are added beside the PD when they read them (`decision_inputs`), and the decision and the
fired rules are the strategy's generated SQL (`decision_sql` on DuckDB, `spark_decision` on Spark) over the
rule columns and the probability; `score_frame` then takes them as given.
The output folder holds `part-*.parquet` files with the columns of SCORE_SCHEMA, replaced as a whole
(atomically).
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
import pyarrow as pa

from scoring.errors import ScoringError
from scoring.explain.by_code import CodeGrouping
from scoring.explain.points import PointsScale
from scoring.explain.reason_codes import catalogue
from scoring.features.duckdb_runner import connect
from scoring.features.expr import quote_ident, quote_str
from scoring.features.loan_rows import LoanRows
from scoring.io import atomic_dir, write_parquet_atomic
from scoring.modeling.bundle import Bundle
from scoring.offer.requested_loan import offer_names
from scoring.serving.facts import APPLICATION_TABLES
from scoring.strategy.conditions import TEXT
from scoring.strategy.decide import decision_sql, offer_columns, rules_fired_sql
from scoring.strategy.definition import Strategy
from scoring.strategy.names import raw_columns
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
    "rules_fired": pl.String,
}
DECIDED = ("probability", "decision", "rules_fired")  # given by the engine when a strategy decides
CHUNK_ROWS = 50_000
PARTS = "*.parquet"


class BatchError(ScoringError, RuntimeError):
    """The feature table cannot be scored (absent, or lacking the model's features)."""


@dataclass(frozen=True)
class BatchScorer:
    """A bundle with what a batch row needs besides it: the points scale, whether to give reason codes
    (they cost a SHAP computation per row), and the strategy that decides (None: the bundle's threshold)
    with the folder of the ingested applications its rules read."""

    bundle: Bundle
    scale: PointsScale = PointsScale()
    reasons: bool = True
    strategy: Strategy | None = None
    interim_dir: Path | None = None

    @property
    def rule_columns(self) -> tuple[list[str], list[str]]:
        """The raw application columns and the features the strategy's rules read (beyond the model's)."""
        if self.strategy is None:
            return [], []
        raw, names = raw_columns(), sorted(self.strategy.columns)
        model = set(self.bundle.feature_names)
        return [n for n in names if n in raw], [n for n in names if n not in raw and n not in model]

    def raw_paths(self) -> list[Path]:
        """The ingested application files the rules read (none when they read no raw column)."""
        if not self.rule_columns[0]:
            return []
        paths = [self.interim_dir / f"{t}.parquet" for t in APPLICATION_TABLES] if self.interim_dir else []
        found = [p for p in paths if p.is_file()]
        if not found:
            named = " or ".join(map(str, paths)) or "ingested application file"
            raise BatchError(f"the strategy's rules read application fields: no {named} (`scoring ingest`)")
        return found

    @cached_property
    def loan_rows(self) -> LoanRows:
        return LoanRows(self.bundle.feature_names)

    @cached_property
    def grouping(self) -> CodeGrouping:
        return CodeGrouping.of(catalogue(), self.bundle.feature_names)

    def decide_sql(self, con: duckdb.DuckDBPyConnection, frame: pl.DataFrame) -> pl.DataFrame:
        """The decision and fired rules of rows holding the rule columns and `probability` (DuckDB)."""
        con.register("scored", frame.to_arrow())
        try:
            decision, fired = decision_sql(self.strategy), rules_fired_sql(self.strategy)
            return con.sql(f"SELECT {decision} AS decision, {fired} AS rules_fired FROM scored").pl()
        finally:
            con.unregister("scored")

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
    if all(c in frame.columns for c in DECIDED):  # decided by the engine with the strategy
        probability = frame.get_column("probability").cast(pl.Float64).to_numpy()
        decision = frame.get_column("decision").cast(pl.String)
        rules_fired = frame.get_column("rules_fired").cast(pl.String)
    else:
        probability = bundle.predict_proba(X)
        decision = pl.Series([Decision.at(p, threshold).value for p in probability.tolist()], dtype=pl.String)
        rules_fired = pl.Series([None] * frame.height, dtype=pl.String)
    refused = (decision != Decision.ACCEPT.value).to_numpy()
    if scorer.reasons:
        reasons = scorer.reason_codes(X, refused)
    else:
        reasons = [[None] * frame.height for _ in REASON_COLUMNS]
    return pl.DataFrame(
        {
            KEY: frame.get_column(KEY),
            "probability": probability,
            "decision": decision,
            "threshold": [threshold] * frame.height,
            "points": scorer.scale.of_many(probability),
            "model_version": [bundle.version] * frame.height,
            **dict(zip(REASON_COLUMNS, reasons, strict=True)),
            "rules_fired": rules_fired,
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
    referred: int = 0
    strategy: str | None = None

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else float("nan")

    def describe(self) -> str:
        share = self.refused / self.rows if self.rows else 0.0
        referred = self.referred / self.rows if self.rows else 0.0
        decided = f"strategy {self.strategy}" if self.strategy else "the bundle's threshold"
        return (
            f"scored {self.rows:,} clients with model {self.model_version} on {self.engine} in "
            f"{self.seconds:.1f} s ({self.rows_per_second:,.0f} rows/s), decided by {decided}: "
            f"{self.refused:,} refused ({share:.1%}), {self.referred:,} referred ({referred:.1%}) "
            f"-> {self.out_dir} ({self.parts} parts)"
        )


def check_features(features_path: Path, bundle: Bundle, extra: Sequence[str] = ()) -> None:
    """Fail naming the file when it is absent or lacks SK_ID_CURR, one of the model's features or one of
    `extra` (read by the strategy's rules)."""
    if not features_path.is_file():
        raise BatchError(f"features file {features_path} not found (run `scoring features`)")
    present = pl.read_parquet_schema(features_path)
    missing = [c for c in (KEY, *bundle.feature_names, *extra) if c not in present]
    if missing:
        raise BatchError(
            f"{features_path}: {len(missing)} column(s) model {bundle.version} needs are missing, "
            f"e.g. {', '.join(missing[:5])}"
        )


def summarise(out_dir: Path, engine: Engine, scorer: BatchScorer, start: float) -> BatchSummary:
    """The summary of a finished run, counted from the parts it wrote (a referral is neither a refusal nor
    an acceptance)."""
    parts = sorted(out_dir.glob(PARTS))
    decisions = pl.scan_parquet(parts).select("decision").collect().get_column("decision")
    return BatchSummary(
        out_dir=out_dir,
        engine=engine,
        model_version=scorer.bundle.version,
        rows=decisions.len(),
        refused=int((decisions == Decision.REFUSE.value).sum()),
        parts=len(parts),
        seconds=time.perf_counter() - start,
        referred=int((decisions == Decision.REFER.value).sum()),
        strategy=None if scorer.strategy is None else scorer.strategy.name,
    )


def decision_inputs(scorer: BatchScorer, frame: pl.DataFrame) -> pl.DataFrame:
    """The calibrated PD of each row and, when the strategy's rules read them, the offer's figures of the
    requested loan (OFFER_*: `offer_columns`, the pandas paths' own), for the strategy's SQL."""
    bundle = scorer.bundle
    X = bundle.matrix(frame)
    probability = bundle.predict_proba(X)
    figures = {}
    if scorer.strategy is not None:
        at_loan = scorer.loan_rows.probability_of(X, frame, bundle.predict_proba)
        figures = offer_columns(scorer.strategy, frame, probability, at_loan)
    types = offer_names()
    return pl.DataFrame(
        [
            pl.Series("probability", probability, dtype=pl.Float64),
            *(
                pl.Series(name, list(values), dtype=pl.String if types[name] == TEXT else pl.Float64)
                for name, values in figures.items()
            ),
        ]
    )


def _write_part(scorer: BatchScorer, batch: pa.RecordBatch, path: Path) -> None:
    frame = pl.from_arrow(batch)
    if scorer.strategy is not None:
        frame = frame.hstack(decision_inputs(scorer, frame))
        with duckdb.connect() as con:
            frame = frame.with_columns(scorer.decide_sql(con, frame))
    write_parquet_atomic(path, score_frame(scorer, frame))


def source_sql(scorer: BatchScorer, features_path: Path) -> str:
    """The rows to score: the model's features and, with a strategy, the columns its rules read."""
    raw, extra = scorer.rule_columns
    features = ", ".join(quote_ident(c) for c in (KEY, *scorer.bundle.feature_names, *extra))
    query = f"SELECT {features} FROM read_parquet({quote_str(str(features_path))})"
    paths = scorer.raw_paths()
    if not paths:
        return query
    listed = ", ".join(quote_str(str(p)) for p in paths)
    columns = ", ".join(quote_ident(c) for c in (KEY, *raw))
    applications = f"SELECT {columns} FROM read_parquet([{listed}], union_by_name = true)"
    return f"SELECT * FROM ({query}) LEFT JOIN ({applications}) USING ({quote_ident(KEY)})"


def score_duckdb(
    scorer: BatchScorer, features_path: Path, out_dir: Path, threads: int = 2, chunk_rows: int = CHUNK_ROWS
) -> BatchSummary:
    """Score in-process: DuckDB streams record batches, `threads` of them scored at a time, one part each."""
    start = time.perf_counter()
    bundle = scorer.bundle
    check_features(features_path, bundle, scorer.rule_columns[1])
    query = source_sql(scorer, features_path)
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
    return summarise(out_dir, Engine.DUCKDB, scorer, start)
