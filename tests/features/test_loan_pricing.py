"""The loan's likely pricing: SQL and Python agree, and the terms follow the standard steps."""

from __future__ import annotations

from dataclasses import fields

import pytest

from scoring.features.expr import Col
from scoring.features.loan_pricing import STANDARD_TERMS, TYPICAL_MONTHLY_RATE, loan_pricing
from tests.features.sql_python import agree

PRICING = loan_pricing(Col("A"), Col("B"))  # credit A, annuity B
ANNUITIES = (5.0, 6.0, 9.5, 12.0, 16.3, 20.0, 27.0, 33.0, 34.0, 59.0, 61.0)


def test_sql_and_python_agree_at_steps_and_beyond_them() -> None:
    rows = [{"A": 1000.0 * q, "B": 1000.0} for q in ANNUITIES] + [{"A": None, "B": 1.0}, {"A": 1.0, "B": 0.0}]
    for field in fields(PRICING):
        assert agree(getattr(PRICING, field.name), rows), field.name


def test_the_likely_term_is_the_shortest_standard_term_strictly_above_credit_over_annuity() -> None:
    term = PRICING.term.compile()
    assert [term({"A": q, "B": 1.0}) for q in (5.0, 6.0, 12.0, 16.3, 59.0, 60.0)] == [6, 8, 18, 18, 60, None]


@pytest.mark.parametrize("q", [9.5, 16.3, 20.0, 27.0])
def test_the_typical_term_repays_the_credit_at_the_typical_rate_no_sooner(q: float) -> None:
    n = PRICING.typical_term.compile()({"A": q, "B": 1.0})
    rate = TYPICAL_MONTHLY_RATE
    repaid = [(1 - (1 + rate) ** -s) / rate >= q for s in STANDARD_TERMS]
    assert n == STANDARD_TERMS[repaid.index(True)]
    assert PRICING.typical_interest_share.compile()({"A": q, "B": 1.0}) == pytest.approx(n / q - 1)
