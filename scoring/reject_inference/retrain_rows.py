"""Reject inference in `scoring retrain`: the challenger's training rows plus rows inferred for the applicants
the champion refuses.

The refused applicants are the client store's applicants (not training rows) with no known outcome, neither
in the training rows nor in the out-of-time window, whose champion probability of default is at or above its
threshold. Their probabilities of default are the champion's, as are the PD bands of parcelling (over the
training rows, whose outcomes are known). Training rows get weight 1 in the `SAMPLE_WEIGHT` column, the
inferred rows the method's weights (see `augment`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from scoring.modeling.bundle import Bundle
from scoring.modeling.dataset import ID, SPLIT, TARGET, WEIGHT
from scoring.reject_inference.augment import NONE, check_method, infer


def refused_applicants(
    store: pl.DataFrame, known: pl.Series, champion: Bundle
) -> tuple[pl.DataFrame, np.ndarray]:
    """Unlabelled applicants of the store the champion refuses, and their champion PD."""
    unlabelled = store.filter((pl.col(SPLIT) != "train") & ~pl.col(ID).is_in(known.implode()))
    if unlabelled.height == 0:
        return unlabelled, np.empty(0)
    probability = champion.predict_proba(champion.matrix(unlabelled))
    refused = champion.refuse(probability)
    return unlabelled.filter(pl.Series(refused)), probability[refused]


def with_inferred_rejects(
    features: Path, training: pl.DataFrame, window: pl.DataFrame, champion: Bundle, method: str, seed: int
) -> tuple[pl.DataFrame, dict]:
    """The training rows with `SAMPLE_WEIGHT`, plus the method's rows for the refused; and a summary."""
    if check_method(method) == NONE:
        return training, {"method": NONE}
    store = pl.read_parquet(features)
    known = pl.concat([training[ID], window[ID]])
    refused, reject_pd = refused_applicants(store, known, champion)
    accepted_pd = champion.predict_proba(champion.matrix(training))
    inferred = infer(method, accepted_pd, training[TARGET].to_numpy(), reject_pd, seed)
    picked = refused.select(training.columns)[inferred.reject.tolist()]
    added = picked.with_columns(
        pl.Series(TARGET, inferred.y).cast(training.schema[TARGET]),
        pl.lit("train").alias(SPLIT),
        pl.Series(WEIGHT, inferred.weight, dtype=pl.Float64),
    )
    rows = pl.concat([training.with_columns(pl.lit(1.0).alias(WEIGHT)), added], how="vertical")
    summary = {
        "method": method,
        "refused": refused.height,
        "rows_added": added.height,
        "inferred_defaults": float((inferred.weight * inferred.y).sum()),
    }
    return rows, summary
