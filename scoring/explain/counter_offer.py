"""The counter-offer: the largest credit amount the model still accepts, found by search over the model.

The served model is monotone in the loan size by policy (credit and annuity rising together at the same
term: ``scoring/features/monotone.json``), so the accepted amounts form one interval and the search finds its
end. The search itself does not rely on it (a bundle trained under another policy may not be monotone): it
scores a grid of calibrated probabilities of amounts from `lower` to `upper` in one batch, takes the largest
accepted amount of the grid, then narrows the gap to the next (refused) grid amount with a few more
batches. The answer is rounded down to a multiple of `step` when that amount is still accepted. With a model
that is not monotone, an island of accepted amounts narrower than the grid spacing, above the largest
accepted grid amount, can be missed.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

ProbabilityOf = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class CounterOffer:
    """Result of the search; max_amount is None when no amount from `lower` up is accepted."""

    current_amount: float
    current_probability: float
    max_amount: float | None
    probability_at_max: float | None
    capped: bool
    evaluations: int


def max_accepted_amount(
    probability_of: ProbabilityOf,
    current_amount: float,
    threshold: float,
    upper: float,
    lower: float = 0.0,
    grid: int = 48,
    rounds: int = 3,
    step: float = 500.0,
) -> CounterOffer:
    """Largest amount in [lower, max(upper, current_amount)] whose probability stays below the threshold."""
    if not (0 <= lower < upper) or not math.isfinite(upper):
        raise ValueError(f"counter-offer: need 0 <= lower < upper, got lower={lower}, upper={upper}")
    lower, upper = max(lower, step), max(upper, current_amount)
    amounts = np.unique(np.append(np.linspace(lower, upper, grid), current_amount))
    probabilities = np.asarray(probability_of(amounts), dtype=np.float64)
    evaluations = len(amounts)
    current_probability = float(probabilities[np.searchsorted(amounts, current_amount)])
    accepted = np.flatnonzero(probabilities < threshold)
    if len(accepted) == 0:
        return CounterOffer(current_amount, current_probability, None, None, False, evaluations)
    best = int(accepted[-1])
    best_amount, best_probability = float(amounts[best]), float(probabilities[best])
    if best == len(amounts) - 1:
        return CounterOffer(
            current_amount, current_probability, best_amount, best_probability, True, evaluations
        )
    low, high = best_amount, float(amounts[best + 1])
    for _ in range(rounds):
        if high - low <= step:
            break
        inner = np.linspace(low, high, grid + 2)[1:-1]
        p = np.asarray(probability_of(inner), dtype=np.float64)
        evaluations += len(inner)
        ok = np.flatnonzero(p < threshold)
        if len(ok):
            low, best_probability = float(inner[ok[-1]]), float(p[ok[-1]])
            high = float(inner[ok[-1] + 1]) if ok[-1] + 1 < len(inner) else high
        else:
            high = float(inner[0])
    rounded = math.floor(low / step) * step
    if lower <= rounded < low:
        p_rounded = float(np.asarray(probability_of(np.array([rounded])), dtype=np.float64)[0])
        evaluations += 1
        if p_rounded < threshold:
            low, best_probability = rounded, p_rounded
    return CounterOffer(current_amount, current_probability, low, best_probability, False, evaluations)
