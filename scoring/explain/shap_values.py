"""What is computed from SHAP values: global importance, the additivity check, the stratified sample.

The values themselves come from one place, `scoring.modeling.bundle.tree_shap` (LightGBM's TreeSHAP): for a
binary model they are in log-odds, and a client's contributions plus the base value equal its raw score.
"""

from __future__ import annotations

import lightgbm as lgb
import numpy as np

from scoring.modeling.bundle import Contributions


def mean_abs_shap(values: np.ndarray) -> np.ndarray:
    """Global importance of each feature: mean absolute SHAP value over clients."""
    return np.abs(values).mean(axis=0)


def additivity_error(
    booster: lgb.Booster, X: np.ndarray, shap: Contributions, num_iteration: int | None = None
) -> float:
    """Largest gap between contributions + base value and the model's raw score."""
    raw = np.asarray(booster.predict(X, raw_score=True, num_iteration=num_iteration))
    return float(np.max(np.abs(shap.raw_score() - raw))) if len(raw) else 0.0


def stratified_rows(y: np.ndarray, rows: int, seed: int) -> np.ndarray:
    """Sorted indices of at most ``rows`` clients with the same share of each class as ``y``."""
    if len(y) <= rows:
        return np.arange(len(y))
    rng = np.random.default_rng(seed)
    picked = []
    for label in np.unique(y):
        members = np.flatnonzero(y == label)
        take = max(1, round(rows * len(members) / len(y)))
        picked.append(rng.choice(members, size=min(take, len(members)), replace=False))
    return np.sort(np.concatenate(picked))
