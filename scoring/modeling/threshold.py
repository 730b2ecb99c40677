"""Cost of every decision threshold at once, by sorting: the threshold that minimises the business cost.

A client is refused when its probability of default is >= the threshold. Sorting the probabilities in
decreasing order, refusing the top k clients is one threshold; cumulative sums give the confusion matrix and
the cost of every k in one pass. Tied probabilities are refused or accepted together.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scoring.modeling.cost import CostSpec


@dataclass(frozen=True)
class CostCurve:
    """Cost and confusion counts for each distinct threshold, from "accept everyone" to "refuse everyone"."""

    thresholds: np.ndarray
    cost: np.ndarray
    tp: np.ndarray
    fp: np.ndarray
    n: int
    n_positive: int

    @property
    def fn(self) -> np.ndarray:
        return self.n_positive - self.tp

    @property
    def tn(self) -> np.ndarray:
        return (self.n - self.n_positive) - self.fp

    @property
    def accept_all_cost(self) -> float:
        return float(self.cost[0])

    @property
    def best_index(self) -> int:
        """First index of the minimum cost: the highest threshold (fewest refusals) among ties."""
        return int(np.argmin(self.cost))

    @property
    def best_threshold(self) -> float:
        return float(self.thresholds[self.best_index])

    @property
    def best_cost(self) -> float:
        return float(self.cost[self.best_index])

    def index_at(self, threshold: float) -> int:
        """Index of the curve point that makes the same decisions as ``threshold``."""
        return max(int(np.searchsorted(-self.thresholds, -threshold, side="right")) - 1, 0)

    def approval_rate(self) -> np.ndarray:
        return 1.0 - (self.tp + self.fp) / self.n


def _check(y_true: np.ndarray, prob: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y_true)
    p = np.asarray(prob, dtype=np.float64)
    if y.shape != p.shape or y.ndim != 1 or len(y) == 0:
        raise ValueError(
            f"labels {y.shape} and probabilities {p.shape} must be two 1-d arrays of equal length"
        )
    if not np.isfinite(p).all():
        raise ValueError(f"{int((~np.isfinite(p)).sum())} probabilities are missing or infinite")
    if not np.isin(y, (0, 1)).all():
        raise ValueError("labels must be 0/1")
    return y.astype(bool), p


def cost_curve(y_true: np.ndarray, prob: np.ndarray, fn_cost: np.ndarray, fp_cost: np.ndarray) -> CostCurve:
    """Cost of every distinct threshold, given per-client FN and FP costs, in O(n log n)."""
    y, p = _check(y_true, prob)
    order = np.argsort(-p, kind="stable")
    p_sorted, y_sorted = p[order], y[order]
    tp = np.concatenate([[0], np.cumsum(y_sorted)])
    fp = np.arange(len(p) + 1) - tp
    fn_saved = np.concatenate([[0.0], np.cumsum(np.where(y_sorted, fn_cost[order], 0.0))])
    fp_paid = np.concatenate([[0.0], np.cumsum(np.where(y_sorted, 0.0, fp_cost[order]))])
    cost = fn_cost[y].sum() - fn_saved + fp_paid
    # Cut after k clients only where the next probability is strictly lower (end of a group of ties).
    k = np.concatenate([[0], np.flatnonzero(np.diff(p_sorted) < 0) + 1, [len(p)]])
    above_max = np.nextafter(p_sorted[0], np.inf)
    thresholds = np.where(k == 0, above_max, p_sorted[np.maximum(k - 1, 0)])
    return CostCurve(thresholds, cost[k], tp[k], fp[k], len(p), int(y.sum()))


def curve_for(
    y_true: np.ndarray,
    prob: np.ndarray,
    spec: CostSpec,
    amount: np.ndarray | None = None,
    weight: np.ndarray | None = None,
) -> CostCurve:
    """Cost curve under a cost specification (credit amounts needed in monetary mode; each client's costs
    times its sample weight when given)."""
    fn_cost, fp_cost = spec.client_costs(len(np.asarray(y_true)), amount)
    if weight is not None:
        fn_cost, fp_cost = fn_cost * weight, fp_cost * weight
    return cost_curve(y_true, prob, fn_cost, fp_cost)


def best_threshold(
    y_true: np.ndarray, prob: np.ndarray, spec: CostSpec, amount: np.ndarray | None = None
) -> tuple[float, float]:
    """The cost-minimising threshold and its total cost."""
    curve = curve_for(y_true, prob, spec, amount)
    return curve.best_threshold, curve.best_cost
