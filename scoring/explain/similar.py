"""Similar clients: nearest neighbours in a standardised, importance-weighted space of the top features.

How the space is built is `SPACE_DESCRIPTION` (the API returns it with the neighbours).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CLIP = 5.0
SPACE_DESCRIPTION = (
    "The space: the `n` numeric features with the largest mean |SHAP| (categorical codes are left out: their "
    "order means nothing). Each is centred on the median and divided by the standard deviation of the "
    "reference clients, clipped to ±5 so one extreme value cannot dominate, and weighted by the square root "
    "of its share of the total mean |SHAP|, so the distance counts a feature as much as the model does. A "
    "missing value sits at the median (0 after centring). The distance is Euclidean in that space."
)


def _select(matrix: np.ndarray, rows: np.ndarray | None, columns: np.ndarray) -> np.ndarray:
    """matrix[rows][:, columns] as float64, without copying the other columns."""
    sub = matrix[:, columns]
    return np.asarray(sub if rows is None else sub[rows], dtype=np.float64)


@dataclass(frozen=True)
class NeighbourSpace:
    """The transformation of feature rows into the neighbour space (fitted on reference clients)."""

    columns: np.ndarray
    center: np.ndarray
    scale: np.ndarray
    weight: np.ndarray

    @classmethod
    def fit(
        cls, matrix: np.ndarray, columns: np.ndarray, importance: np.ndarray, rows: np.ndarray | None = None
    ) -> NeighbourSpace:
        """Fit on `rows` of `matrix` (all by default), using `columns` weighted by their `importance`."""
        columns = np.asarray(columns, dtype=np.int64)
        sub = _select(matrix, rows, columns)
        all_missing = np.isnan(sub).all(axis=0)
        center = np.where(all_missing, 0.0, np.nanmedian(np.where(all_missing, 0.0, sub), axis=0))
        std = np.where(all_missing, 1.0, np.nanstd(np.where(all_missing, 0.0, sub), axis=0))
        scale = np.where(std > 0, std, 1.0)
        share = np.asarray(importance, dtype=np.float64)
        share = share / share.sum() if share.sum() > 0 else np.full(len(columns), 1.0 / len(columns))
        return cls(columns, center, scale, np.sqrt(share))

    def transform(self, matrix: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """`rows` (all by default) of a feature matrix (model order) as points of the space (float32)."""
        sub = _select(matrix, rows, self.columns)
        z = np.clip((sub - self.center) / self.scale, -CLIP, CLIP)
        return (np.nan_to_num(z, nan=0.0) * self.weight).astype(np.float32)


def nearest(
    points: np.ndarray, query: np.ndarray, k: int, exclude: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Indices and distances of the k points nearest to `query`, nearest first, never `exclude`."""
    distance = np.sqrt(np.square(points - query[None, :]).sum(axis=1, dtype=np.float64))
    if exclude is not None:
        distance[exclude] = np.inf
    k = min(k, len(points) - (exclude is not None))
    if k <= 0:
        return np.empty(0, dtype=np.int64), np.empty(0)
    candidates = np.argpartition(distance, k - 1)[:k]
    order = candidates[np.lexsort((candidates, distance[candidates]))]
    return order, distance[order]
