"""SHAP values of a LightGBM model from its own TreeSHAP (``pred_contrib``): per client and global.

For a binary model the contributions are in log-odds: the contributions of a client plus the base value
(the last column of ``pred_contrib``, the same for every client) equal the model's raw score.
"""

from __future__ import annotations

from dataclasses import dataclass

import lightgbm as lgb
import numpy as np


@dataclass(frozen=True)
class Contributions:
    """SHAP values (clients x features, log-odds) and the base value."""

    values: np.ndarray
    base_value: float

    def raw_score(self) -> np.ndarray:
        return self.values.sum(axis=1) + self.base_value


def contributions(
    booster: lgb.Booster, X: np.ndarray, num_iteration: int | None = None, threads: int | None = None
) -> Contributions:
    """Per-client SHAP values of ``X`` and the model's base value."""
    kwargs = {} if threads is None else {"num_threads": threads}
    out = np.asarray(booster.predict(X, pred_contrib=True, num_iteration=num_iteration, **kwargs))
    return Contributions(out[:, :-1], float(out[0, -1]) if len(out) else 0.0)


def mean_abs_shap(values: np.ndarray) -> np.ndarray:
    """Global importance of each feature: mean absolute SHAP value over clients."""
    return np.abs(values).mean(axis=0)


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
