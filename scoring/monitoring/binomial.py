"""Binomial helpers of outcomes monitoring: Wilson's interval of a default rate, and the prior shift that
moves a set of probabilities of default to a target mean.

Wilson's score interval (Wilson 1927) keeps its coverage for small counts and rates near 0, where the normal
(Wald) interval collapses to a point; it is what the vintage and calibration tables show around a realised
default rate. The prior shift adds one constant to every log-odds, `logit(p) + delta`: the correction of a
calibrator when the base rate of the population changed but the ranking did not (Saerens et al. 2002); the
ranking, hence the AUC, is unchanged.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import brentq
from scipy.special import expit, logit
from scipy.stats import norm

SHIFT_BOUND = 10.0  # log-odds: far beyond any sensible correction, the root is searched within +-SHIFT_BOUND
EDGE = 1e-9  # probabilities are kept inside (EDGE, 1 - EDGE) before taking their log-odds


def wilson(defaults: int, n: int, alpha: float = 0.05) -> tuple[float, float]:
    """Two-sided Wilson score interval at level 1 - alpha of `defaults` out of `n` (n > 0)."""
    if n <= 0:
        raise ValueError("wilson: n must be positive")
    z = float(norm.ppf(1 - alpha / 2))
    rate = defaults / n
    centre = (rate + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * np.sqrt(rate * (1 - rate) / n + z * z / (4 * n * n))
    low = 0.0 if defaults == 0 else max(0.0, float(centre - half))  # exact at the edges, no rounding residue
    high = 1.0 if defaults == n else min(1.0, float(centre + half))
    return low, high


def shift_probabilities(probability: np.ndarray, delta: float) -> np.ndarray:
    """Each probability with `delta` added to its log-odds."""
    p = np.clip(np.asarray(probability, dtype=np.float64), EDGE, 1 - EDGE)
    return expit(logit(p) + delta)


def prior_shift(probability: np.ndarray, target: float) -> float:
    """The log-odds shift after which the mean of `probability` equals `target` (0 < target < 1)."""
    if not 0 < target < 1:
        raise ValueError(f"prior shift: the target rate must be in (0, 1), not {target}")
    p = np.asarray(probability, dtype=np.float64)
    if p.size == 0:
        raise ValueError("prior shift: no probability to shift")

    def gap(delta: float) -> float:
        return float(shift_probabilities(p, delta).mean()) - target

    return float(brentq(gap, -SHIFT_BOUND, SHIFT_BOUND, xtol=1e-10))
