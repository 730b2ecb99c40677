"""Recourse for a refused application: the smallest change of the lender's terms the offer search accepts.

Two levers, both the lender's terms, never the applicant's facts (age, history, income stay as they are): a
lower amount at the asked term, or the asked amount at a longer standard term. Both are the offer's
alternatives (`scoring.offer.search`): accepted by the model, affordable, priced at their grade's rate under
the usury threshold, the instalment being the annuity at that rate and term. Options are ordered by the size
of the change relative to the asked value (less amount, or more months); the first is the smallest change.
"""

from __future__ import annotations

from dataclasses import dataclass

from scoring.offer.search import OfferFound
from scoring.offer.terms import LONGER_TERM

AMOUNT, TERM = "amount", "term"


@dataclass(frozen=True)
class RecourseOption:
    """One offer: amount, instalment and term (instalments), its probability, and the relative change."""

    kind: str
    amount: float
    annuity: float
    term: float | None
    probability: float
    change: float
    annual_rate: float | None = None
    goods_price: float | None = None


@dataclass(frozen=True)
class Recourse:
    """The asked terms and probability, and the accepted options, smallest change first (`annual_rate`: the
    asked terms' grade rate; `max_term`: the longest standard term)."""

    amount: float
    annuity: float | None
    term: float | None
    probability: float
    threshold: float
    options: list[RecourseOption]
    annual_rate: float | None = None
    max_term: int | None = None

    @property
    def needed(self) -> bool:
        return self.probability >= self.threshold


def from_offer(found: OfferFound, annuity: float | None, probability: float, max_term: int) -> Recourse:
    """The recourse of an application from its offer search (`probability`: its PD as posted)."""
    options = []
    for terms in found.alternatives:
        longer = terms.kind == LONGER_TERM
        change = terms.term_months / found.term_months - 1.0 if longer else 1.0 - terms.amount / found.amount
        options.append(
            RecourseOption(
                TERM if longer else AMOUNT,
                terms.amount,
                terms.instalment,
                float(terms.term_months),
                terms.probability,
                change,
                terms.annual_rate,
                terms.goods_price,
            )
        )
    options.sort(key=lambda o: o.change)
    rate = None if found.asked is None else found.asked.annual_rate
    return Recourse(
        found.amount, annuity, float(found.term_months), probability, found.threshold, options, rate, max_term
    )
