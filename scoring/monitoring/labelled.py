"""The data of a retrain: the newest labelled clients, split in time.

Labelled clients come from two places: the training rows of features.parquet (TARGET known) and the
applicants the API scored whose outcome was loaded since (`scoring labels`). An applicant's features are its
row in the client store (features.parquet, which the API serves from), found through the prediction log's
salted client hash: the log itself keeps only a minimised vector (`scoring.serving.log_privacy`), fit for
drift, not for training. Applicants scored from a posted application (not in the client store) cannot be
used until their application is ingested.

The out-of-time window is the last `window_days` of score dates among labelled applicants; the challenger
learns from every training row plus the labelled applicants scored before the window, and both models are
judged on the window. Applicants already among the training rows are left to those rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import polars as pl
from sqlalchemy import Engine

from scoring.errors import ScoringError
from scoring.modeling.dataset import ID, SPLIT, TARGET
from scoring.monitoring.outcomes import labelled_scores
from scoring.serving.prediction_log import client_hash

WINDOW_START, WINDOW_END = "window_start", "window_end"
HASH = "client_hash"


class RetrainError(ScoringError, ValueError):
    """The data cannot support a retrain (message says why)."""


@dataclass(frozen=True)
class RetrainData:
    """Training rows (features.parquet layout) and the labelled out-of-time window (the same columns with
    `outcome`, `created_at` and `model_version` of the score)."""

    training: pl.DataFrame
    window: pl.DataFrame
    features: list[str]
    start: datetime
    end: datetime
    from_log: int

    def describe_window(self) -> dict:
        y = self.window["outcome"]
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "clients": self.window.height,
            "defaults": int(y.sum()),
            "default_rate": float(y.mean()) if self.window.height else None,
        }

    def describe_training(self) -> dict:
        return {
            "clients": self.training.height,
            "from_features_file": self.training.height - self.from_log,
            "from_prediction_log": self.from_log,
            "defaults": int(self.training[TARGET].sum()),
            "features": len(self.features),
        }


def _hashed(frame: pl.DataFrame, salt: bytes) -> pl.Series:
    return pl.Series(HASH, [client_hash(int(i), salt) for i in frame[ID].to_list()], dtype=pl.String)


def _applicants(store: pl.DataFrame, labelled: pl.DataFrame, salt: bytes) -> pl.DataFrame:
    """Labelled applicants with their client-store features (the store's training rows left out)."""
    candidates = store.filter(pl.col(SPLIT) != "train")
    candidates = candidates.with_columns(_hashed(candidates, salt))
    scores = labelled.select(HASH, "created_at", "model_version", "outcome")
    return candidates.join(scores, on=HASH, how="inner").drop(HASH)


def retrain_data(features_path: Path, engine: Engine, salt: bytes, window_days: int) -> RetrainData:
    """Training rows and out-of-time window; RetrainError when no labelled applicant is known."""
    if not features_path.exists():
        raise RetrainError(f"{features_path} not found: run `scoring features` first")
    store = pl.read_parquet(features_path)
    labelled = labelled_scores(engine)
    applicants = _applicants(store, labelled, salt) if labelled.height else labelled
    if applicants.height == 0:
        raise RetrainError(
            "no labelled applicant of the client store in the prediction log: load outcomes with "
            "`scoring labels --file CSV`"
        )
    features = [c for c in store.columns if c not in (ID, TARGET, SPLIT)]
    end = applicants["created_at"].max() + timedelta(microseconds=1)
    start = end - timedelta(days=window_days)
    window = applicants.filter(pl.col("created_at") >= start)
    before = applicants.filter(pl.col("created_at") < start).with_columns(
        pl.col("outcome").cast(store.schema[TARGET]).alias(TARGET), pl.lit("train").alias(SPLIT)
    )
    columns = [ID, TARGET, SPLIT, *features]
    train = store.filter(pl.col(SPLIT) == "train").select(columns)
    training = pl.concat([train, before.select(columns)], how="vertical")
    return RetrainData(training, window, features, start, end, before.height)
