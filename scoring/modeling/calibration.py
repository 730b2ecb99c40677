"""Calibration: from a model's raw score (log-odds) to a probability of default that means what it says.

Three methods, each a non-decreasing function of the raw score (so a monotone model stays monotone):

- ``platt``: a logistic regression on the raw score, ``p = 1 / (1 + exp(-(a * s + b)))``;
- ``isotonic``: centred isotonic regression: the pool-adjacent-violators fit, then a line through the centres
  of its blocks (flat beyond the first and last centre), so the probability keeps the model's ranking between
  blocks instead of tying whole blocks;
- ``venn_abers``: inductive Venn-ABERS: for a score s, p0 and p1 are the isotonic fits at s of the calibration
  rows plus (s, 0) and plus (s, 1); the probability is p1 / (1 - p0 + p1). Computed on a grid of scores (the
  calibration rows pooled into at most 1,000 quantile groups, 200 grid points) and interpolated linearly.

Isotonic and Venn-ABERS are stored as knots ``(x, y)`` evaluated by linear interpolation, Platt as ``(a, b)``.
The method is chosen by cross-validation on out-of-fold raw scores: lowest log-loss of the held-out folds.
Rows of one client (repeated cross-validation gives a client several out-of-fold scores) stay in one fold.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit
from sklearn.isotonic import isotonic_regression
from sklearn.model_selection import StratifiedKFold

from scoring.errors import ScoringError
from scoring.modeling.metrics import probability_metrics

PLATT = "platt"
ISOTONIC = "isotonic"
VENN_ABERS = "venn_abers"
METHODS = (PLATT, ISOTONIC, VENN_ABERS)
FLOOR = 1e-4  # no client is told a probability of default of exactly 0 or 1
MAX_GROUPS = 1_000
VENN_ABERS_GRID = 200


class CalibrationError(ScoringError, ValueError):
    """A calibrator cannot be fitted or read."""


@dataclass(frozen=True)
class Calibrator:
    """A fitted calibration map: ``platt`` (params a, b) or knots ``x`` -> ``y`` (isotonic, Venn-ABERS)."""

    method: str
    a: float = 1.0
    b: float = 0.0
    x: tuple[float, ...] = ()
    y: tuple[float, ...] = ()

    def __call__(self, raw: np.ndarray) -> np.ndarray:
        """Calibrated probability of default of raw scores (log-odds)."""
        s = np.asarray(raw, dtype=np.float64)
        p = expit(self.a * s + self.b) if self.method == PLATT else np.interp(s, self.x, self.y)
        return np.clip(p, FLOOR, 1 - FLOOR)

    def to_dict(self) -> dict:
        if self.method == PLATT:
            return {"method": PLATT, "a": self.a, "b": self.b}
        return {"method": self.method, "x": list(self.x), "y": list(self.y)}

    @classmethod
    def from_dict(cls, data: dict) -> Calibrator:
        method = data.get("method")
        if method == PLATT:
            return cls(PLATT, a=float(data["a"]), b=float(data["b"]))
        if method in (ISOTONIC, VENN_ABERS):
            x, y = tuple(map(float, data["x"])), tuple(map(float, data["y"]))
            if not x or len(x) != len(y) or np.any(np.diff(x) < 0) or np.any(np.diff(y) < -1e-12):
                raise CalibrationError(f"calibrator {method}: knots must be non-empty and non-decreasing")
            return cls(method, x=x, y=y)
        raise CalibrationError(f"calibrator method {method!r} is not one of {', '.join(METHODS)}")


def _groups(raw: np.ndarray, y: np.ndarray, max_groups: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sorted distinct scores (or quantile groups of them): mean score, count, defaults."""
    order = np.argsort(raw, kind="stable")
    s, t = raw[order], y[order].astype(np.float64)
    cut = np.flatnonzero(np.diff(s) > 0) + 1
    if len(cut) + 1 > max_groups:
        cut = np.unique(np.searchsorted(s, np.quantile(s, np.linspace(0, 1, max_groups + 1)[1:-1]), "right"))
        cut = cut[(cut > 0) & (cut < len(s))]
    starts = np.concatenate([[0], cut])
    counts = np.diff(np.concatenate([starts, [len(s)]])).astype(np.float64)
    return np.add.reduceat(s, starts) / counts, counts, np.add.reduceat(t, starts)


def fit_platt(
    raw: np.ndarray, y: np.ndarray, iterations: int = 50, weight: np.ndarray | None = None
) -> Calibrator:
    """Logistic regression of the outcome on the raw score (maximum likelihood by Newton's method; rows
    weighted by ``weight`` when given)."""
    s, t = np.asarray(raw, dtype=np.float64), np.asarray(y, dtype=np.float64)
    w = np.ones_like(s) if weight is None else np.asarray(weight, dtype=np.float64)
    design = np.column_stack([s, np.ones_like(s)])
    rate = min(max(np.average(t, weights=w), 1e-6), 1 - 1e-6)
    params = np.array([1.0, np.log(rate / (1 - rate)) - np.average(s, weights=w)])
    for _ in range(iterations):
        p = expit(design @ params)
        hessian = design.T @ (design * (w * p * (1 - p))[:, None]) + 1e-9 * np.eye(2)
        step = np.linalg.solve(hessian, design.T @ (w * (t - p)))
        params = params + step
        if np.max(np.abs(step)) < 1e-10:
            break
    return Calibrator(PLATT, a=float(params[0]), b=float(params[1]))


def fit_isotonic(raw: np.ndarray, y: np.ndarray) -> Calibrator:
    """Centred isotonic regression: knots at the centres of the pooled blocks."""
    mean_s, counts, defaults = _groups(np.asarray(raw, np.float64), np.asarray(y), np.iinfo(np.int32).max)
    fitted = isotonic_regression(defaults / counts, sample_weight=counts)
    block = np.concatenate([[0], np.flatnonzero(np.diff(fitted) > 0) + 1])
    weight = np.add.reduceat(counts, block)
    centre = np.add.reduceat(mean_s * counts, block) / weight
    return Calibrator(ISOTONIC, x=tuple(centre.tolist()), y=tuple(fitted[block].tolist()))


def fit_venn_abers(raw: np.ndarray, y: np.ndarray) -> Calibrator:
    """Inductive Venn-ABERS on a grid of scores: p1 / (1 - p0 + p1) from the two augmented isotonic fits."""
    mean_s, counts, defaults = _groups(np.asarray(raw, np.float64), np.asarray(y), MAX_GROUPS)
    grid = np.unique(np.quantile(mean_s, np.linspace(0, 1, min(VENN_ABERS_GRID, len(mean_s)))))
    p0, p1 = np.empty(len(grid)), np.empty(len(grid))
    for i, g in enumerate(grid):
        at = int(np.searchsorted(mean_s, g))
        n = np.insert(counts, at, 1.0)
        for label, out in ((0.0, p0), (1.0, p1)):
            d = np.insert(defaults, at, label)
            out[i] = isotonic_regression(d / n, sample_weight=n)[at]
    merged = np.maximum.accumulate(p1 / (1 - p0 + p1))  # non-decreasing in theory; this removes 1e-17 noise
    return Calibrator(VENN_ABERS, x=tuple(grid.tolist()), y=tuple(merged.tolist()))


FITTERS = {PLATT: fit_platt, ISOTONIC: fit_isotonic, VENN_ABERS: fit_venn_abers}


def fit_calibrator(
    method: str, raw: np.ndarray, y: np.ndarray, weight: np.ndarray | None = None
) -> Calibrator:
    """Fit ``method``; sample weights only with Platt's (the choice below keeps to it when weighted)."""
    if method not in FITTERS:
        raise CalibrationError(f"calibrator method {method!r} is not one of {', '.join(METHODS)}")
    if len(np.unique(y)) < 2:
        raise CalibrationError("calibration needs defaulted and repaid clients")
    if weight is not None:
        if method != PLATT:
            raise CalibrationError(f"calibrator method {method!r} takes no sample weights (platt does)")
        return fit_platt(np.asarray(raw, np.float64), np.asarray(y), weight=weight)
    return FITTERS[method](np.asarray(raw, np.float64), np.asarray(y))


@dataclass(frozen=True)
class CalibrationChoice:
    """The chosen calibrator (fitted on every row), the CV table of every method and the cross-fitted
    probabilities of the chosen method (each row calibrated by a map fitted without its client)."""

    calibrator: Calibrator
    table: list[dict]
    crossfit: np.ndarray

    @property
    def method(self) -> str:
        return self.calibrator.method


def _client_folds(y: np.ndarray, groups: np.ndarray, folds: int, seed: int) -> np.ndarray:
    """Fold number of each row; every row of one client (group) in the same fold, stratified on outcome."""
    clients, first = np.unique(groups, return_index=True)
    client_fold = np.empty(len(clients), dtype=np.int64)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for k, (_, held) in enumerate(splitter.split(np.zeros(len(clients)), y[first])):
        client_fold[held] = k
    return client_fold[np.searchsorted(clients, groups)]


def choose_calibrator(
    raw: np.ndarray,
    y: np.ndarray,
    groups: np.ndarray | None = None,
    folds: int = 5,
    seed: int = 0,
    methods: tuple[str, ...] = METHODS,
    weight: np.ndarray | None = None,
) -> CalibrationChoice:
    """Cross-validate each method on the out-of-fold raw scores; keep the lowest held-out log-loss (with
    sample weights: Platt's, weighted)."""
    raw, y = np.asarray(raw, np.float64), np.asarray(y)
    methods = (PLATT,) if weight is not None else methods
    w = np.ones(len(y)) if weight is None else np.asarray(weight, np.float64)
    groups = np.arange(len(y)) if groups is None else np.asarray(groups)
    fold = _client_folds(y, groups, folds, seed)
    table, crossfit = [], {}
    for method in methods:
        prob = np.empty(len(y))
        for k in range(folds):
            held = fold == k
            fold_weight = None if weight is None else w[~held]
            prob[held] = fit_calibrator(method, raw[~held], y[~held], fold_weight)(raw[held])
        crossfit[method] = prob
        table.append({"method": method, **probability_metrics(y, prob)})
    best = min(table, key=lambda row: row["log_loss"])
    for row in table:
        row["selected"] = row is best
    chosen = best["method"]
    return CalibrationChoice(fit_calibrator(chosen, raw, y, weight), table, crossfit[chosen])
