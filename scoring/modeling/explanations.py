"""Explanations computed at training time: SHAP values of a client sample and the global importance."""

from __future__ import annotations

from dataclasses import dataclass

import lightgbm as lgb
import numpy as np
import polars as pl

from scoring.explain.shap_values import additivity_error, mean_abs_shap, stratified_rows
from scoring.modeling.bundle import PROBABILITY, SHAP_PREFIX, tree_shap
from scoring.modeling.dataset import ID, TARGET, TrainingData

ADDITIVITY_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Explanations:
    """The bundle's SHAP sample frame, importance rows and SHAP base value."""

    sample: pl.DataFrame
    importance: list[dict]
    base_value: float


def importance_rows(data: TrainingData, shap_values: np.ndarray, gain: np.ndarray) -> list[dict]:
    """{feature, label, mean_abs_shap, gain} per feature, most important first."""
    rows = [
        {"feature": f.name, "label": f.label, "mean_abs_shap": float(s), "gain": float(g)}
        for f, s, g in zip(data.features, mean_abs_shap(shap_values), gain, strict=True)
    ]
    return sorted(rows, key=lambda r: (-r["mean_abs_shap"], -r["gain"]))


def explain(booster: lgb.Booster, data: TrainingData, rows: int, seed: int, threads: int) -> Explanations:
    """SHAP values of ``rows`` training clients stratified on TARGET; mean |SHAP| over them as importance."""
    idx = stratified_rows(data.y, rows, seed)
    X = data.X[idx]
    shap = tree_shap(booster, X, threads)
    error = additivity_error(booster, X, shap)
    if error > ADDITIVITY_TOLERANCE:
        raise RuntimeError(
            f"SHAP additivity fails: contributions + base value differ from raw score by {error:.3g}"
        )
    head = pl.DataFrame(
        {
            ID: pl.Series(data.ids[idx], dtype=pl.Int64),
            TARGET: pl.Series(data.y[idx], dtype=pl.Int64),
            PROBABILITY: booster.predict(X),
        }
    )
    values = pl.from_numpy(X, schema=data.names)
    shap_frame = pl.from_numpy(shap.values.astype(np.float64), schema=[SHAP_PREFIX + n for n in data.names])
    sample = pl.concat([head, values, shap_frame], how="horizontal")
    importance = importance_rows(data, shap.values, booster.feature_importance("gain"))
    return Explanations(sample, importance, shap.base_value)
