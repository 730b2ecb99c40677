"""What is computed from SHAP values: global importance, and the stratified sample they are computed on.

The values themselves come from the model (`scoring.modeling.models`: LightGBM's TreeSHAP through `tree_shap`,
exact linear terms otherwise): in log-odds, a client's contributions plus the base value equal its raw score.
"""

from __future__ import annotations

import numpy as np


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
