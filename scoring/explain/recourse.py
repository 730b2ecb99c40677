"""Recourse for a refused application: the smallest change the lender can offer that the model accepts.

Two levers, both the lender's terms, never the applicant's facts (age, history, income stay as they are):
- a lower amount at the same rate and term: the counter-offer (`counter_offer.max_accepted_amount` searched
  below the amount asked), the instalment scaled with the amount;
- a longer term at the same rate for the same amount: the instalment recomputed with the annuity formula.

The rate is not in the application: instalments are taken as monthly and the rate as the lender's nominal
annual rate (`annual_rate`), from which the current term is implied by credit and instalment. Terms are
searched over the model from the current one up to `max_term` instalments (no monotonicity assumed: the
shortest accepted term of the grid wins). Options are ordered by the size of the change relative to the
current value; the first is the smallest change.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from scoring.explain.counter_offer import max_accepted_amount

# probability of default of each (amount, instalment) pair, in one batch
ProbabilityOfTerms = Callable[[np.ndarray, np.ndarray], np.ndarray]
AMOUNT, TERM = "amount", "term"


@dataclass(frozen=True)
class RecourseTerms:
    """What the lender may offer: its nominal annual rate, monthly instalments, the longest term."""

    annual_rate: float = 0.10
    max_term: int = 84
    periods_per_year: int = 12

    @property
    def rate(self) -> float:
        """Rate per instalment."""
        return self.annual_rate / self.periods_per_year


def instalment(amount: float, rate: float, term: float) -> float:
    """The constant instalment repaying `amount` over `term` instalments at `rate` per instalment."""
    if rate == 0:
        return amount / term
    return amount * rate / (1.0 - (1.0 + rate) ** -term)


def implied_term(amount: float, payment: float, rate: float) -> float | None:
    """Number of instalments of `payment` that repay `amount` at `rate` (None when they never do)."""
    if amount <= 0 or payment <= 0:
        return None
    if rate == 0:
        return amount / payment
    if payment <= amount * rate:
        return None
    return -math.log(1.0 - amount * rate / payment) / math.log(1.0 + rate)


@dataclass(frozen=True)
class RecourseOption:
    """One offer: amount, instalment and term (instalments), its probability, and the relative change."""

    kind: str
    amount: float
    annuity: float
    term: float | None
    probability: float
    change: float


@dataclass(frozen=True)
class Recourse:
    """The current terms and probability, and the accepted options, smallest change first."""

    amount: float
    annuity: float | None
    term: float | None
    probability: float
    threshold: float
    options: list[RecourseOption]

    @property
    def needed(self) -> bool:
        return self.probability >= self.threshold


def search(
    probability_of: ProbabilityOfTerms,
    amount: float,
    annuity: float | None,
    threshold: float,
    terms: RecourseTerms,
    step: float = 500.0,
) -> Recourse:
    """Accepted options for an application of `amount` with instalment `annuity` (none when accepted)."""
    current = float(probability_of(np.array([amount]), np.array([annuity or np.nan]))[0])
    term = None if annuity is None else implied_term(amount, annuity, terms.rate)
    found = Recourse(amount, annuity, term, current, threshold, [])
    if current < threshold:
        return found
    options = []
    ratio = None if annuity is None else annuity / amount

    def at_amounts(amounts: np.ndarray) -> np.ndarray:
        payments = np.full(len(amounts), np.nan) if ratio is None else amounts * ratio
        return probability_of(np.asarray(amounts, dtype=np.float64), payments)

    if amount > step:
        offer = max_accepted_amount(at_amounts, amount, threshold, upper=amount, lower=0.0, step=step)
        if offer.max_amount is not None and offer.max_amount < amount:
            payment = offer.max_amount * ratio if ratio is not None else math.nan
            options.append(
                RecourseOption(
                    AMOUNT,
                    offer.max_amount,
                    payment,
                    term,
                    float(offer.probability_at_max),
                    1.0 - offer.max_amount / amount,
                )
            )
    if term is not None and math.ceil(term) < terms.max_term:
        grid = np.arange(math.floor(term) + 1, terms.max_term + 1, dtype=np.float64)
        payments = np.array([instalment(amount, terms.rate, n) for n in grid])
        probabilities = probability_of(np.full(len(grid), amount), payments)
        accepted = np.flatnonzero(probabilities < threshold)
        if len(accepted):
            i = int(accepted[0])
            options.append(
                RecourseOption(
                    TERM,
                    amount,
                    float(payments[i]),
                    float(grid[i]),
                    float(probabilities[i]),
                    grid[i] / term - 1,
                )
            )
    options.sort(key=lambda o: o.change)
    return Recourse(amount, annuity, term, current, threshold, options)
