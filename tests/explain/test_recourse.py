"""Recourse from the offer search: lower amount or longer term, the smallest change first."""

from __future__ import annotations

import numpy as np
import pytest

from scoring.explain.recourse import AMOUNT, TERM, from_offer
from scoring.offer.affordability import Household
from scoring.offer.apr import instalment
from scoring.offer.policy import OfferPolicy
from scoring.offer.search import search_offer

THRESHOLD = 0.09
POLICY = OfferPolicy()


def test_accepted_application_needs_no_recourse() -> None:
    found = search_offer(
        lambda a, p, _k: np.full(len(a), 0.01), 300_000, 15_000.0, Household(1e6, 1, 0.0), THRESHOLD
    )
    recourse = from_offer(found, 15_000.0, 0.01, 60)
    assert not recourse.needed and recourse.options == []
    assert recourse.annual_rate == found.asked.annual_rate and recourse.max_term == 60


def test_lower_amount_and_longer_term_smallest_change_first() -> None:
    """Unaffordable as asked (room 16,000 a month): both levers lower the instalment."""
    household = Household(60_000.0, 1, 5_000.0)
    payment = float(instalment(600_000, 0.05, 24))
    found = search_offer(
        lambda a, p, _k: np.full(len(a), 0.005), 600_000, payment, household, THRESHOLD, POLICY
    )
    recourse = from_offer(found, payment, 0.005, 60)
    kinds = {o.kind: o for o in recourse.options}
    assert set(kinds) == {AMOUNT, TERM}
    assert kinds[AMOUNT].amount < 600_000 and kinds[AMOUNT].term == recourse.term == 24
    assert kinds[AMOUNT].change == pytest.approx(1 - kinds[AMOUNT].amount / 600_000)
    assert kinds[TERM].amount == 600_000 and kinds[TERM].term > 24
    assert kinds[TERM].change == pytest.approx(kinds[TERM].term / 24 - 1)
    assert [o.change for o in recourse.options] == sorted(o.change for o in recourse.options)
    for option in recourse.options:
        assert option.annuity == pytest.approx(
            float(instalment(option.amount, option.annual_rate, option.term)), abs=0.005
        )


def test_nothing_offered_when_every_amount_is_refused() -> None:
    found = search_offer(
        lambda a, p, _k: np.full(len(a), 0.9), 300_000, 15_000.0, Household(1e6, 1, 0.0), THRESHOLD
    )
    recourse = from_offer(found, 15_000.0, 0.9, 60)
    assert recourse.needed and recourse.options == []
