"""Instalments and the EU consumer-credit APR against schedules computed by hand."""

from __future__ import annotations

import numpy as np
import pytest

from scoring.offer.apr import annuity_factor, apr, implied_months_of, instalment


def present_value(payment: float, monthly: float, months: int) -> float:
    """Sum of `months` payments discounted at a monthly rate (by hand, one term at a time)."""
    return sum(payment / (1.0 + monthly) ** k for k in range(1, months + 1))


def test_instalment_of_the_annuity_formula() -> None:
    assert float(instalment(10_000, 0.12, 24)) == pytest.approx(470.73, abs=0.005)  # 1 % a month
    assert float(instalment(12_000, 0.0, 24)) == 500.0
    assert float(instalment(10_000, 0.12, 12)) == pytest.approx(888.49, abs=0.005)
    assert float(annuity_factor(0.06, 1)) == pytest.approx(1.005)


def test_apr_without_fees_is_the_compounded_nominal_rate() -> None:
    """10,000 at 12 % nominal (1 % a month) over 12 months: APR = 1.01 ** 12 - 1 = 12.68 %."""
    payment = float(instalment(10_000, 0.12, 12))
    assert float(apr(10_000, payment, 12)[0]) == pytest.approx(1.01**12 - 1, abs=1e-9)
    assert round(float(apr(10_000, payment, 12)[0]) * 100, 2) == 12.68


def test_apr_with_fees_solves_the_annex_equation() -> None:
    """Fees chosen so the draw-down is the instalments' value at 1.5 % a month: APR = 1.015 ** 12 - 1."""
    payment = float(instalment(10_000, 0.12, 12))
    drawn = present_value(payment, 0.015, 12)
    fees = 10_000 - drawn  # about 308.8
    assert 300 < fees < 320
    assert float(apr(10_000, payment, 12, fees)[0]) == pytest.approx(1.015**12 - 1, abs=1e-9)  # 19.56 %


def test_apr_on_arrays_of_different_terms() -> None:
    amounts = np.array([10_000.0, 50_000.0, 3_000.0])
    months = np.array([12, 60, 6])
    payments = instalment(amounts, 0.09, months)
    fees = amounts * 0.01
    rates = apr(amounts, payments, months, fees)
    for a, p, n, f, x in zip(amounts, payments, months, fees, rates, strict=True):
        monthly = (1 + x) ** (1 / 12) - 1
        assert present_value(p, monthly, n) == pytest.approx(a - f, rel=1e-9)
    assert (rates > (1 + 0.09 / 12) ** 12 - 1).all()  # fees always raise the APR
    assert rates[2] > rates[0] > rates[1]  # the same fee weighs more over a shorter term


def test_bad_schedules_are_refused() -> None:
    with pytest.raises(ValueError, match="positive"):
        apr(1_000, 100, 12, fees=1_000)


def test_implied_months() -> None:
    payment = float(instalment(10_000, 0.12, 24))
    months = implied_months_of([10_000, 10_000, 10_000], [payment, 100, 500], [0.12, 0.12, 0.0])
    assert months[0] == pytest.approx(24) and months[2] == 20
    assert np.isnan(months[1])  # the instalment does not cover the interest
