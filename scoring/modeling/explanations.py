"""Explanations computed at training time: contributions of a client sample and the global importance."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from scoring.explain.shap_values import mean_abs_shap, stratified_rows
from scoring.modeling.bundle import PROBABILITY, SHAP_PREFIX
from scoring.modeling.calibration import Calibrator
from scoring.modeling.dataset import ID, TARGET, TrainingData
from scoring.modeling.models import ScoringModel

ADDITIVITY_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Explanations:
    """The bundle's SHAP sample frame, importance rows and base value."""

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


def explain(
    model: ScoringModel, calibrator: Calibrator, data: TrainingData, rows: int, seed: int, threads: int
) -> Explanations:
    """Contributions (log-odds) of ``rows`` training clients stratified on TARGET; mean |contribution| over
    them as importance. ``data`` holds exactly the model's features, in model order."""
    idx = stratified_rows(data.y, rows, seed)
    X = data.X[idx]
    values = np.asarray(model.contributions(X, threads), dtype=np.float64)
    base_value = model.base_value
    raw = np.asarray(model.raw_score(X, threads))
    error = float(np.max(np.abs(values.sum(axis=1) + base_value - raw), initial=0.0))
    if error > ADDITIVITY_TOLERANCE:
        raise RuntimeError(f"contributions + base value differ from the raw score by {error:.3g}")
    head = pl.DataFrame(
        {
            ID: pl.Series(data.ids[idx], dtype=pl.Int64),
            TARGET: pl.Series(data.y[idx], dtype=pl.Int64),
            PROBABILITY: calibrator(raw),
        }
    )
    frame = pl.from_numpy(X, schema=data.names)
    shap_frame = pl.from_numpy(values, schema=[SHAP_PREFIX + n for n in data.names])
    sample = pl.concat([head, frame, shap_frame], how="horizontal")
    return Explanations(sample, importance_rows(data, values, model.gain()), base_value)
