"""Population Stability Index (PSI) with reference-quantile bins and a sample-size-aware critical value.

PSI = sum over bins of (c_i - r_i) * ln(c_i / r_i), with r_i and c_i the shares of the reference and of the
current rows in bin i. Bins are the deciles of the reference (10 bins; fewer when values tie, e.g. a count
that is 0 for most clients), one bin per level for a categorical feature, plus one bin for missing values
when either side has any. Shares are floored at 1e-4 so that an empty bin does not make PSI infinite.

The usual bands: below 0.10 stable, 0.10 to 0.25 a moderate shift, 0.25 and above a significant shift.
Those bands ignore sample size: two samples of the *same* population give a PSI that grows as the samples
shrink. Under that null hypothesis, with N reference and M current rows in B bins, PSI is asymptotically
distributed as (1/N + 1/M) times a chi-square with B - 1 degrees of freedom (B. Yurdakul, "Statistical
properties of the population stability index", PhD thesis, Western Michigan University, 2018; B. Yurdakul
and J. Naranjo, Journal of Risk Model Validation 14(4), 2020). Its (1 - alpha) quantile is the *critical
value*: a PSI below it is what sampling noise alone gives. For N = 50,000, M = 2,000 and 10 bins it is
0.009 at alpha = 0.05, far below the 0.10 band; for M = 100 it is 0.17, above it. The approximation needs
about 5 expected rows per bin; below that (a window of a few dozen clients, where an empty bin weighs heavily
through the 1e-4 floor) the critical value is the (1 - alpha) quantile of the PSI of 2,000 simulated pairs of
samples drawn from the reference's bin shares with the same sizes (seeded, so reproducible). A column is
called drifted only when its PSI reaches the moderate band AND exceeds the critical value, so that a small
window does not cry wolf.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import chi2

BINS = 10
MODERATE = 0.10
SIGNIFICANT = 0.25
ALPHA = 0.05
FLOOR = 1e-4
MIN_EXPECTED = 5
SIMULATIONS = 2_000
STABLE, MODERATE_SHIFT, SIGNIFICANT_SHIFT = "stable", "moderate", "significant"


def band(value: float) -> str:
    """The conventional reading of a PSI value: stable, moderate or significant shift."""
    if value >= SIGNIFICANT:
        return SIGNIFICANT_SHIFT
    return MODERATE_SHIFT if value >= MODERATE else STABLE


def critical_psi(n_reference: int, n_current: int, bins: int, alpha: float = ALPHA) -> float:
    """The PSI two samples of one population exceed with probability `alpha` (chi-square approximation)."""
    if n_reference < 1 or n_current < 1 or bins < 2:
        return float("inf") if bins >= 2 else 0.0
    return float(chi2.ppf(1 - alpha, bins - 1) * (1 / n_reference + 1 / n_current))


def _value(ref_counts: np.ndarray, cur_counts: np.ndarray) -> np.ndarray:
    """PSI of count vectors along the last axis (shares floored at FLOOR)."""
    r = np.maximum(ref_counts / ref_counts.sum(axis=-1, keepdims=True), FLOOR)
    c = np.maximum(cur_counts / cur_counts.sum(axis=-1, keepdims=True), FLOOR)
    return np.sum((c - r) * np.log(c / r), axis=-1)


def simulated_critical(shares: np.ndarray, n_reference: int, n_current: int, alpha: float = ALPHA) -> float:
    """The (1 - alpha) quantile of the PSI of two samples of these sizes drawn from one bin distribution."""
    rng = np.random.default_rng(0)
    shares = np.asarray(shares, dtype=np.float64) / np.sum(shares)
    ref = rng.multinomial(n_reference, shares, size=SIMULATIONS).astype(np.float64)
    cur = rng.multinomial(n_current, shares, size=SIMULATIONS).astype(np.float64)
    return float(np.quantile(_value(ref, cur), 1 - alpha))


def quantile_edges(reference: np.ndarray, bins: int = BINS) -> np.ndarray:
    """Inner bin edges: the distinct reference quantiles at 1/bins, 2/bins, ... (missing values ignored)."""
    values = np.asarray(reference, dtype=np.float64)
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return np.empty(0)
    return np.unique(np.quantile(finite, np.linspace(0, 1, bins + 1)[1:-1]))


def _numeric_bins(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Bin index of each value (value == edge goes right); missing values get index len(edges) + 1."""
    index = np.searchsorted(edges, values, side="right")
    index[~np.isfinite(values)] = len(edges) + 1
    return index


def _categorical_bins(reference: np.ndarray, current: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes as bins: each level seen on either side, missing (NaN or negative) as one more bin."""

    def codes(values: np.ndarray) -> np.ndarray:
        out = np.asarray(values, dtype=np.float64).copy()
        out[~np.isfinite(out) | (out < 0)] = -1.0
        return out

    ref, cur = codes(reference), codes(current)
    levels = np.unique(np.concatenate([ref, cur]))
    return np.searchsorted(levels, ref), np.searchsorted(levels, cur)


@dataclass(frozen=True)
class Psi:
    """PSI of one column with its reading."""

    value: float
    bins: int
    critical: float
    n_reference: int
    n_current: int

    @property
    def band(self) -> str:
        return band(self.value)

    @property
    def drifted(self) -> bool:
        """In the moderate band or above, and beyond what sampling noise explains."""
        return self.value >= MODERATE and self.value > self.critical

    def to_dict(self) -> dict:
        return {
            "psi": self.value,
            "band": self.band,
            "critical": self.critical,
            "drifted": self.drifted,
            "bins": self.bins,
            "reference_rows": self.n_reference,
            "current_rows": self.n_current,
        }


def psi_from_bins(reference: np.ndarray, current: np.ndarray, alpha: float = ALPHA) -> Psi:
    """PSI of two arrays of bin indices; bins empty on both sides do not count."""
    size = int(max(reference.max(initial=0), current.max(initial=0))) + 1
    ref = np.bincount(reference, minlength=size).astype(np.float64)
    cur = np.bincount(current, minlength=size).astype(np.float64)
    used = (ref > 0) | (cur > 0)
    n_ref, n_cur = int(ref.sum()), int(cur.sum())
    if n_ref == 0 or n_cur == 0:
        raise ValueError("PSI needs rows on both sides")
    ref, cur = ref[used], cur[used]
    bins = len(ref)
    shares = np.maximum(ref, 0.5) / n_ref
    if min(n_ref, n_cur) * shares.min() >= MIN_EXPECTED:
        critical = critical_psi(n_ref, n_cur, bins, alpha)
    else:
        critical = simulated_critical(shares, n_ref, n_cur, alpha)
    return Psi(float(_value(ref, cur)), bins, critical, n_ref, n_cur)


def psi(
    reference: np.ndarray,
    current: np.ndarray,
    categorical: bool = False,
    bins: int = BINS,
    alpha: float = ALPHA,
) -> Psi:
    """PSI of a column: reference deciles (or levels for a categorical code), missing values as a bin."""
    reference = np.asarray(reference, dtype=np.float64)
    current = np.asarray(current, dtype=np.float64)
    if categorical:
        ref_bins, cur_bins = _categorical_bins(reference, current)
    else:
        edges = quantile_edges(reference, bins)
        ref_bins, cur_bins = _numeric_bins(reference, edges), _numeric_bins(current, edges)
    return psi_from_bins(ref_bins, cur_bins, alpha)
