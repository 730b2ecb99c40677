"""Fitting the scorecard: OptBinning's optimal binning per characteristic (monotonic trends from the policy),
weights of evidence, and a logistic regression with non-negative weights. See ``scorecard`` for the model."""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.isotonic import isotonic_regression

from scoring.modeling.linear import fit_linear
from scoring.modeling.scorecard import CATEGORICAL, NUMERIC, Characteristic, Scorecard

MAX_BINS = 8
MIN_BIN_SIZE = 0.05
SMOOTHING = 20.0  # pseudo-clients at the average default rate added to each bin's counts
C_SCORECARD = 1.0
TRENDS = {1: "ascending", -1: "descending", 0: "auto_asc_desc"}


def _binning(x: np.ndarray, y: np.ndarray, name: str, categorical: bool, direction: int) -> Characteristic:
    """Splits (numeric) or code groups (categorical) chosen by OptBinning; WoE filled in later."""
    from optbinning import OptimalBinning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if categorical:
            codes = np.array([None if np.isnan(v) else f"{v:g}" for v in x], dtype=object)
            binning = OptimalBinning(
                name=name, dtype="categorical", max_n_bins=MAX_BINS, min_bin_size=MIN_BIN_SIZE
            )
            binning.fit(codes, y)
            groups = tuple(tuple(sorted(float(c) for c in g)) for g in binning.splits)
            return Characteristic(name, CATEGORICAL, (), groups, (), 0.0, 0.0, 0.0)
        binning = OptimalBinning(
            name=name,
            dtype="numerical",
            monotonic_trend=TRENDS[direction],
            max_n_bins=MAX_BINS,
            min_bin_size=MIN_BIN_SIZE,
        )
        binning.fit(np.where(np.isfinite(x), x, np.nan), y)
        return Characteristic(name, NUMERIC, tuple(float(s) for s in binning.splits), (), (), 0.0, 0.0, 0.0)


def _with_woe(c: Characteristic, x: np.ndarray, y: np.ndarray, direction: int) -> Characteristic:
    """Risk-oriented, smoothed WoE of each bin and of missing values, with the bins' statistics. Smoothing
    pulls small bins towards 0 more than large ones, which could undo the binning's trend: the bins' WoE
    are projected back onto the policy's direction (weighted isotonic regression)."""
    index = c.bin_of(x)
    n_bins = c.n_bins + 1
    count = np.array([(index == i).sum() for i in range(n_bins)], dtype=np.float64)
    bad = np.array([y[index == i].sum() for i in range(n_bins)], dtype=np.float64)
    total_bad, total = float(y.sum()), float(len(y))
    rate = total_bad / total
    bad_s = bad + SMOOTHING * rate
    good_s = (count - bad) + SMOOTHING * (1 - rate)
    woe = np.log(bad_s / total_bad) - np.log(good_s / (total - total_bad))
    if c.kind == NUMERIC and direction:
        woe[:-1] = isotonic_regression(woe[:-1], sample_weight=count[:-1] + 1.0, increasing=direction > 0)
    stats = tuple(
        {"count": int(n), "defaults": int(b), "default_rate": float(b / n) if n else None}
        for n, b in zip(count, bad, strict=True)
    )
    return Characteristic(
        c.name, c.kind, c.splits, c.groups, tuple(woe[:-1].tolist()), float(woe[-1]), 0.0, 0.0, stats
    )


def fit_scorecard(
    X: np.ndarray, y: np.ndarray, names: list[str], categorical: list[bool], directions: list[int]
) -> Scorecard:
    """Bin each column of X, weight the bins by evidence and fit the non-negative logistic weights."""
    y = np.asarray(y).astype(np.int64)
    binned = [
        _with_woe(_binning(X[:, j].astype(np.float64), y, name, cat, d), X[:, j].astype(np.float64), y, d)
        for j, (name, cat, d) in enumerate(zip(names, categorical, directions, strict=True))
    ]
    draft = Scorecard(tuple(binned), 0.0)
    woe = draft.woe(X)  # complete: a scorecard has no missing terms, only a missing bin
    linear = fit_linear(woe, y, names, [1] * len(names), C_SCORECARD, compress=False)
    beta = linear.coef / linear.scale
    characteristics = tuple(
        Characteristic(c.name, c.kind, c.splits, c.groups, c.woe, c.missing_woe, float(b), float(m), c.bins)
        for c, b, m in zip(binned, beta, linear.mean, strict=True)
    )
    return Scorecard(characteristics, linear.intercept - float(beta @ linear.mean))
