"""The data of a retrain: the newest labelled clients, split in time.

Labelled clients come from two places: the training rows of features.parquet (TARGET known) and the
applicants the API scored whose outcome was loaded since (`scoring labels`), with the feature vector the
log kept. The out-of-time window is the last `window_days` of score dates among labelled applicants; the
challenger learns from every training row plus the labelled applicants scored before the window, and both
models are judged on the window. Applicants already among the training rows are left to those rows.

Log rows have no client ID: they get a stable negative SK_ID_CURR derived from their hash. The challenger
sees only the features the log holds for every labelled applicant (the logged versions' common features),
so that no training row lacks a column the others have.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import polars as pl
from sqlalchemy import Engine, select

from scoring.modeling.dataset import ID, SPLIT, TARGET
from scoring.monitoring.outcomes import labelled_scores
from scoring.serving.prediction_log import client_hash, model_features

WINDOW_START, WINDOW_END = "window_start", "window_end"


class RetrainError(ValueError):
    """The data cannot support a retrain (message says why)."""


@dataclass(frozen=True)
class RetrainData:
    """Training rows (features.parquet layout) and the labelled out-of-time window."""

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


def versions_features(engine: Engine) -> dict[str, list[str]]:
    """Feature names of each model version the log has seen."""
    with engine.connect() as conn:
        return {v: json.loads(n) for v, n in conn.execute(select(model_features)).all()}


def synthetic_id(hashes: pl.Series) -> pl.Series:
    """A stable negative ID per client hash (the first 13 hex digits), never colliding with real IDs."""
    return -(hashes.str.slice(0, 13).str.to_integer(base=16) + 1)


def _unknown_clients(labelled: pl.DataFrame, train_ids: pl.Series, salt: bytes) -> pl.DataFrame:
    known = {client_hash(int(i), salt) for i in train_ids.to_list()}
    return labelled.filter(~pl.col("client_hash").is_in(list(known)))


def _common_features(
    labelled: pl.DataFrame, by_version: dict[str, list[str]], schema: pl.Schema
) -> list[str]:
    versions = labelled["model_version"].unique().to_list()
    common = set(schema) - {ID, TARGET, SPLIT}
    for version in versions:
        common &= set(by_version.get(version, ()))
    return [name for name in schema if name in common]


def _log_rows(rows: pl.DataFrame, features: list[str], schema: pl.Schema) -> pl.DataFrame:
    return pl.DataFrame(
        {
            ID: synthetic_id(rows["client_hash"]).cast(schema[ID]),
            TARGET: rows["outcome"].cast(schema[TARGET]),
            SPLIT: pl.Series(["train"] * rows.height, dtype=schema[SPLIT]),
            **{name: rows[name].cast(schema[name], strict=False) for name in features},
        }
    )


def retrain_data(features_path: Path, engine: Engine, salt: bytes, window_days: int) -> RetrainData:
    """Training rows and out-of-time window; RetrainError when no labelled applicant is known."""
    if not features_path.exists():
        raise RetrainError(f"{features_path} not found: run `scoring features` first")
    train = pl.read_parquet(features_path).filter(pl.col(SPLIT) == "train")
    labelled = labelled_scores(engine, with_features=True)
    labelled = _unknown_clients(labelled, train[ID], salt) if labelled.height else labelled
    if labelled.height == 0:
        raise RetrainError(
            "no labelled applicant in the prediction log: load outcomes with `scoring labels --file CSV`"
        )
    features = _common_features(labelled, versions_features(engine), train.schema)
    if not features:
        raise RetrainError("the logged feature vectors share no feature with features.parquet")
    end = labelled["created_at"].max() + timedelta(microseconds=1)
    start = end - timedelta(days=window_days)
    window = labelled.filter(pl.col("created_at") >= start)
    before = labelled.filter(pl.col("created_at") < start)
    columns = [ID, TARGET, SPLIT, *features]
    training = pl.concat([train.select(columns), _log_rows(before, features, train.schema)], how="vertical")
    return RetrainData(training, window, features, start, end, before.height)
