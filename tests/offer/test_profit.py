"""Expected profit per 1,000 applicants: the offered loans' interest, less expected loss and costs."""

from __future__ import annotations

import numpy as np
import pytest

from scoring.offer.apr import instalment
from scoring.offer.policy import OfferPolicy
from scoring.offer.profit import expected_profit

POLICY = OfferPolicy()


def test_profit_of_one_offered_loan_by_hand() -> None:
    """Three applicants: one offered (grade A, 12 months), one refused on risk, one refused on price."""
    rate_a, rate_f = POLICY.pricer.rates[0], POLICY.pricer.rates[5]
    amounts = np.array([100_000.0, 100_000.0, 100_000.0])
    annuities = np.array(
        [float(instalment(100_000, rate_a, 12)), 9_000.0, float(instalment(100_000, rate_f, 12))]
    )
    probability = np.array([0.005, 0.5, 0.07])
    found = expected_profit(probability, amounts, annuities, 0.09, np.array([0, 1, 0]), POLICY)
    assert found.offered_share == pytest.approx(1 / 3) and found.refused_on_price_share == pytest.approx(
        1 / 3
    )
    payment = round(float(instalment(100_000, rate_a, 12)), 2)
    fees = 100_000 * POLICY.product.fee_rate
    interest = 12 * payment + fees - 100_000
    pricing = POLICY.pricer.policy
    years = 13 / 24
    costs = (pricing.cost_of_funds + pricing.operating_cost) * 100_000 * years
    expected = 0.995 * interest - 0.005 * pricing.loss_given_default * 100_000 - costs
    assert found.expected_profit_per_1000 == pytest.approx(expected * 1000 / 3)
    assert found.realised_profit_per_1000 == pytest.approx((interest - costs) * 1000 / 3)  # repaid
    assert found.interest_income_per_1000 == pytest.approx(0.995 * interest * 1000 / 3)


def test_nobody_accepted_no_profit() -> None:
    found = expected_profit(np.array([0.5, 0.6]), np.array([1e5, 2e5]), np.array([9e3, 9e3]), 0.09)
    assert (
        found.expected_profit_per_1000 == 0.0
        and found.offered_share == 0.0
        and found.realised_profit_per_1000 is None
    )
