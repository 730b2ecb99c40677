"""The recourse search: lower amount or longer term, the smallest change first, on known models."""

from __future__ import annotations

import math

import numpy as np
import pytest

from scoring.explain.recourse import AMOUNT, TERM, RecourseTerms, implied_term, instalment, search

THRESHOLD = 0.5
TERMS = RecourseTerms(annual_rate=0.12, max_term=84)


def burden_model(limit: float):  # noqa: ANN201
    """Refused when the instalment exceeds `limit` (a model that reads only the instalment)."""
    return lambda amounts, payments: np.where(np.nan_to_num(payments, nan=np.inf) > limit, 0.9, 0.1)


def test_annuity_formula_and_implied_term() -> None:
    payment = instalment(10_000, 0.01, 24)
    assert payment == pytest.approx(470.73, abs=0.01)
    assert implied_term(10_000, payment, 0.01) == pytest.approx(24)
    assert implied_term(10_000, 100, 0.01) is None  # the instalment does not even cover the interest
    assert implied_term(10_000, 500, 0.0) == 20
    assert instalment(12_000, 0.0, 24) == 500


def test_accepted_application_needs_no_recourse() -> None:
    found = search(burden_model(1e9), 10_000, 470.0, THRESHOLD, TERMS)
    assert not found.needed and found.options == []


def test_longer_term_and_lower_amount_both_found_smallest_change_first() -> None:
    amount, term = 20_000.0, 24
    payment = instalment(amount, TERMS.rate, term)
    found = search(burden_model(0.8 * payment), amount, payment, THRESHOLD, TERMS)
    assert found.needed and found.term == pytest.approx(term)
    kinds = {o.kind: o for o in found.options}
    assert set(kinds) == {AMOUNT, TERM}
    longer = kinds[TERM]
    assert longer.amount == amount and longer.annuity <= 0.8 * payment
    assert instalment(amount, TERMS.rate, longer.term - 1) > 0.8 * payment  # the shortest accepted term
    assert longer.annuity == pytest.approx(instalment(amount, TERMS.rate, longer.term))
    lower = kinds[AMOUNT]
    assert lower.amount < amount and lower.annuity <= 0.8 * payment
    assert lower.annuity == pytest.approx(payment * lower.amount / amount)
    assert lower.amount >= 0.8 * amount - 500  # within the search's rounding step of the boundary
    assert lower.term == pytest.approx(term)
    assert [o.change for o in found.options] == sorted(o.change for o in found.options)
    assert all(o.probability < THRESHOLD for o in found.options)


def test_nothing_offered_when_no_term_and_no_amount_is_accepted() -> None:
    found = search(lambda a, p: np.full(len(a), 0.9), 20_000, 900.0, THRESHOLD, TERMS)
    assert found.needed and found.options == []


def test_term_beyond_the_longest_is_never_offered() -> None:
    amount = 20_000.0
    payment = instalment(amount, TERMS.rate, 24)
    limit = instalment(amount, TERMS.rate, 120)  # only a 10-year term would pass
    found = search(burden_model(limit), amount, payment, THRESHOLD, TERMS)
    assert all(o.kind == AMOUNT for o in found.options)


def test_missing_annuity_offers_only_an_amount() -> None:
    found = search(lambda a, p: np.where(np.asarray(a) > 8_000, 0.9, 0.1), 20_000, None, THRESHOLD, TERMS)
    assert [o.kind for o in found.options] == [AMOUNT]
    assert 7_500 <= found.options[0].amount <= 8_000 and math.isnan(found.options[0].annuity)
