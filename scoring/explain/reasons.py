"""Reasons in words: the features that raise and lower one client's risk the most, with their labels.

A reason is a feature with its SHAP contribution (log-odds): positive contributions raise the probability of
default, negative ones lower it. The client's value is shown as a person reads it: a categorical code becomes
its level, a missing value becomes None.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from scoring.features.feature import ModelFeature


@dataclass(frozen=True)
class Reason:
    """One feature's push on the risk: contribution in log-odds and the client's value."""

    feature: str
    label: str
    contribution: float
    value: float | str | None


def _largest(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k largest scores, largest first (ties: lower index first), in linear time."""
    k = min(k, len(scores))
    if k == 0:
        return np.empty(0, dtype=np.int64)
    top = np.argpartition(-scores, k - 1)[:k]
    return top[np.lexsort((top, -scores[top]))]


def top_reasons(
    contributions: np.ndarray,
    values: np.ndarray,
    features: Sequence[ModelFeature],
    k: int = 4,
) -> tuple[list[Reason], list[Reason]]:
    """Up to k features raising the risk (largest positive contributions first) and up to k lowering it."""
    contributions = np.asarray(contributions, dtype=np.float64)
    raising = [int(i) for i in _largest(contributions, k) if contributions[i] > 0]
    lowering = [int(i) for i in _largest(-contributions, k) if contributions[i] < 0]

    def reason(i: int) -> Reason:
        info = features[i]
        return Reason(info.name, info.label, float(contributions[i]), info.display(float(values[i])))

    return [reason(i) for i in raising], [reason(i) for i in lowering]
