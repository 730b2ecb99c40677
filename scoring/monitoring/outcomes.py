"""Outcomes analysis: known outcomes joined to the prediction log, by monthly cohort of the score.

A labelled client counts once, with the latest score the API gave them (what-if simulations left out) at
or before the date their outcome became known: the score the credit decision rested on. Per calendar month
of that score (UTC): applicants scored, clients with a known outcome, the realised default rate against
the mean probability of default the model gave them, and the realised AUC (when both outcomes occur).
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import polars as pl
from sqlalchemy import Engine

from scoring.modeling.metrics import safe_auc
from scoring.monitoring.labels import read_labels
from scoring.serving.prediction_log import read_predictions
from scoring.vocabulary import ScoreKind

MIN_AUC_CLIENTS = 30


def applicant_scores(
    engine: Engine, since: datetime | None = None, until: datetime | None = None, with_features: bool = False
) -> pl.DataFrame:
    """Logged scores of identified applicants (no what-if) in [since, until)."""
    frame = read_predictions(engine, since, until, with_features=with_features)
    return frame.filter((pl.col("kind") != ScoreKind.WHAT_IF.value) & pl.col("client_hash").is_not_null())


def join_outcomes(scores: pl.DataFrame, outcomes: pl.DataFrame) -> pl.DataFrame:
    """One row per labelled client: its latest score at or before `known_at`, with `outcome`, `known_at`."""
    joined = scores.join(outcomes, on="client_hash", how="inner").filter(
        pl.col("created_at") <= pl.col("known_at")
    )
    return joined.sort("created_at").unique(subset="client_hash", keep="last", maintain_order=True)


def labelled_scores(
    engine: Engine, since: datetime | None = None, until: datetime | None = None, with_features: bool = False
) -> pl.DataFrame:
    """Labelled clients scored in [since, until), as `join_outcomes` picks them."""
    return join_outcomes(applicant_scores(engine, since, until, with_features), read_labels(engine))


def _auc(y: np.ndarray, probability: np.ndarray) -> float | None:
    """Realised AUC, or None with fewer than MIN_AUC_CLIENTS clients or a single outcome."""
    if len(y) < MIN_AUC_CLIENTS:
        return None
    auc = safe_auc(y, probability)
    return None if np.isnan(auc) else auc


def _month(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(pl.col("created_at").dt.truncate("1mo").alias("cohort"))


def cohorts(scores: pl.DataFrame, labelled: pl.DataFrame) -> list[dict]:
    """Per month of the score: applicants, labelled clients, realised default rate, mean PD, realised AUC."""
    applicants = _month(scores).group_by("cohort").agg(pl.col("client_hash").n_unique().alias("applicants"))
    rows = []
    by_month = {c: frame for (c,), frame in _month(labelled).group_by("cohort")}
    for cohort, count in applicants.sort("cohort").iter_rows():
        frame = by_month.get(cohort)
        n = 0 if frame is None else frame.height
        row = {
            "cohort": cohort.strftime("%Y-%m"),
            "applicants": count,
            "labelled": n,
            "labelled_share": n / count if count else 0.0,
            "defaults": None,
            "default_rate": None,
            "mean_probability": None,
            "auc": None,
        }
        if n:
            y = frame["outcome"].to_numpy()
            row.update(
                defaults=int(y.sum()),
                default_rate=float(y.mean()),
                mean_probability=float(frame["probability"].mean()),
                auc=_auc(y, frame["probability"].to_numpy()),
            )
        rows.append(row)
    return rows


def outcome_cohorts(engine: Engine, since: datetime | None = None, until: datetime | None = None) -> dict:
    """The cohorts of [since, until) and the totals over them."""
    scores = applicant_scores(engine, since, until)
    labelled = join_outcomes(scores, read_labels(engine))
    y = labelled["outcome"].to_numpy()
    return {
        "cohorts": cohorts(scores, labelled),
        "applicants": scores["client_hash"].n_unique(),
        "labelled": labelled.height,
        "default_rate": float(y.mean()) if len(y) else None,
        "mean_probability": float(labelled["probability"].mean()) if len(y) else None,
        "auc": _auc(y, labelled["probability"].to_numpy()),
    }
