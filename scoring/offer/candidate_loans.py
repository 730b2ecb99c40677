"""Candidate loans (amount, term) priced at the rate of the grade of their own probability of default.

The instalment of a candidate is the annuity at its grade's rate and its term, and the instalment is a model
input: a new instalment changes the PD, which may change the grade. `price` resolves this fixed point in
vectorised passes: every candidate starts at a grade, is scored at that grade's rate, and moves to the grade
of its new PD until the grade stays (a model whose PD rises with the instalment settles in a pass or two).
A candidate still moving after `MAX_PASSES` (its PD crosses a band edge back and forth as its price moves:
a model not monotone in the instalment) takes the highest PD it showed and that PD's grade, so the price is
always the grade of the PD stated, never below the risk measured. Feasibility then follows per candidate:
the PD under the threshold (risk), the APR within the usury threshold of its amount (price), the instalment
at the stressed rate within the household's room (affordability) and the product's amount range.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from scoring.offer.affordability import stressed_instalment
from scoring.offer.apr import apr, instalment
from scoring.offer.policy import OfferPolicy

# probability of default of each (amount, monthly instalment) pair, in one vectorised call; the third array is
# the pairs' positions among the candidates priced (where each candidate is another application's loan)
ProbabilityOf = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]
MAX_PASSES = 4


@dataclass(frozen=True)
class Priced:
    """Candidates with their grade, PD, rate, instalment, fees, APR and what they satisfy (arrays)."""

    amount: np.ndarray
    term: np.ndarray
    grade: np.ndarray
    probability: np.ndarray
    rate: np.ndarray
    instalment: np.ndarray
    fees: np.ndarray
    apr: np.ndarray
    risk_ok: np.ndarray
    price_ok: np.ndarray
    afford_ok: np.ndarray
    product_ok: np.ndarray
    passes: int

    @property
    def feasible(self) -> np.ndarray:
        return self.risk_ok & self.price_ok & self.afford_ok & self.product_ok

    def __len__(self) -> int:
        return len(self.amount)


def settle_grades(
    probability_of: ProbabilityOf,
    amount: np.ndarray,
    term: np.ndarray,
    start: np.ndarray,
    policy: OfferPolicy,
) -> tuple[np.ndarray, np.ndarray, int]:
    """(grade index, PD, passes) of each candidate: the fixed point of grade and PD (see the module)."""
    pricer = policy.pricer
    grade = np.broadcast_to(np.asarray(start, dtype=np.int64), amount.shape).copy()
    probability = np.full(amount.shape, np.nan)
    highest = np.full(amount.shape, -np.inf)
    todo = np.arange(len(amount))
    passes = 0
    while len(todo) and passes < MAX_PASSES:
        passes += 1
        payment = instalment(amount[todo], pricer.rate(grade[todo]), term[todo])
        p = np.asarray(probability_of(amount[todo], payment, todo), dtype=np.float64)
        moved = pricer.grade_index(p)
        probability[todo] = p
        highest[todo] = np.maximum(highest[todo], p)
        stays = moved == grade[todo]
        grade[todo[~stays]] = moved[~stays]
        todo = todo[~stays]
    if len(todo):
        probability[todo] = highest[todo]
        grade[todo] = pricer.grade_index(highest[todo])
    return grade, probability, passes


def price(
    probability_of: ProbabilityOf,
    amount: np.ndarray,
    term: np.ndarray,
    start_grade: int | np.ndarray,
    threshold: float,
    room: float | np.ndarray,
    policy: OfferPolicy,
) -> Priced:
    """Price every candidate at its settled grade and check it against risk, price, affordability, product."""
    amount = np.asarray(amount, dtype=np.float64)
    term = np.asarray(term, dtype=np.float64)
    grade, probability, passes = settle_grades(probability_of, amount, term, np.asarray(start_grade), policy)
    rate = policy.pricer.rate(grade)
    payment = np.round(instalment(amount, rate, term), 2)
    fees = policy.product.fees(amount)
    rates = apr(amount, payment, term, fees)
    product = policy.product
    return Priced(
        amount=amount,
        term=term,
        grade=grade,
        probability=probability,
        rate=rate,
        instalment=payment,
        fees=fees,
        apr=rates,
        risk_ok=probability < threshold,
        price_ok=~policy.usury.above(rates, amount),
        afford_ok=stressed_instalment(amount, rate, term, policy.affordability) <= room + 1e-9,
        product_ok=(amount >= product.min_amount) & (amount <= product.max_amount),
        passes=passes,
    )
