"""The offer's policy files: affordability arithmetic, grades and rates, usury bands, product terms."""

from __future__ import annotations

import math

import numpy as np
import pytest

from scoring.offer.affordability import (
    AffordabilityPolicy,
    Household,
    affordability_policy,
    debt_service_ratio,
    max_affordable_amount,
    max_instalment,
    stressed_instalment,
)
from scoring.offer.apr import instalment
from scoring.offer.pricing import Pricer, PricingPolicy, pricing_policy
from scoring.offer.product import product_policy
from scoring.offer.usury import usury_policy

RULES = AffordabilityPolicy(0.35, 0.02, 24_000.0, 1)


def test_the_packaged_affordability_policy() -> None:
    rules = affordability_policy()
    assert rules.max_debt_service_ratio == 0.35 and rules.stress_rate_points == 0.02
    assert rules.period == "monthly" and rules.min_residual_income_per_member > 0


def test_the_cap_and_the_stress_are_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCORING_MAX_DEBT_SERVICE_RATIO", "0.4")
    monkeypatch.setenv("SCORING_STRESS_RATE_POINTS", "0.03")
    affordability_policy.cache_clear()
    try:
        rules = affordability_policy()
        assert (rules.max_debt_service_ratio, rules.stress_rate_points) == (0.4, 0.03)
        assert max_instalment(Household(100_000.0, 1, 10_000.0)) == pytest.approx(0.4 * 100_000 - 10_000)
    finally:
        monkeypatch.undo()
        affordability_policy.cache_clear()
    assert affordability_policy().max_debt_service_ratio == 0.35


def test_max_instalment_by_ratio_and_by_residual_income() -> None:
    two = Household(100_000.0, 2, 10_000.0)
    assert max_instalment(two, RULES) == pytest.approx(0.35 * 100_000 - 10_000)  # 25,000: the ratio binds
    three = Household(100_000.0, 3, 10_000.0)
    assert max_instalment(three, RULES) == pytest.approx(100_000 - 10_000 - 3 * 24_000)  # 18,000: residual
    assert max_instalment(Household(100_000.0, 4, 10_000.0), RULES) == 0.0  # nothing left for the family
    assert max_instalment(Household(None, 1, 0.0), RULES) == 0.0  # no income known: nothing affordable
    assert debt_service_ratio(two, 15_000.0) == pytest.approx(0.25)
    assert debt_service_ratio(Household(None, 1, 0.0), 1.0) is None


def test_household_of_an_application() -> None:
    household = Household.of({"AMT_INCOME_TOTAL": 90_000.0, "CNT_FAM_MEMBERS": None}, 5_000.0, "bureau")
    assert household.members == 1 and household.income == 90_000.0 and household.existing == 5_000.0
    assert Household.of({"AMT_INCOME_TOTAL": 1.0, "CNT_FAM_MEMBERS": 3.0}, -1.0, "none").existing == 0.0


def test_the_affordable_amount_is_taken_at_the_stressed_rate() -> None:
    amount = float(max_affordable_amount(20_000.0, 0.07, 24, RULES))
    assert float(stressed_instalment(amount, 0.07, 24, RULES)) == pytest.approx(20_000.0)
    assert float(instalment(amount, 0.09, 24)) == pytest.approx(20_000.0)  # the rate + 2 points
    assert float(instalment(amount, 0.07, 24)) < 20_000.0


def test_grades_rise_with_the_pd_and_rates_with_the_grade() -> None:
    pricer = Pricer()
    uppers = [g.pd_max for g in pricer.grades]
    rates = [g.annual_rate for g in pricer.grades]
    assert uppers == sorted(uppers) and uppers[-1] == 1.0
    assert rates == sorted(rates) and len(set(rates)) == len(rates)
    policy = pricing_policy()
    b = pricer.grades[1]
    by_hand = (
        policy.cost_of_funds
        + policy.operating_cost
        + policy.margin
        + b.pd_max * policy.loss_given_default * 24 / 25
    )
    assert by_hand <= b.annual_rate < by_hand + policy.rate_step  # rounded up to the step
    pds = np.array([0.0, 0.0099, 0.01, 0.5, 1.0])
    assert [pricer.name(i) for i in pricer.grade_index(pds)] == ["A", "A", "B", "H", "H"]
    probabilities = np.sort(np.random.default_rng(0).random(500))
    assert (np.diff(pricer.rate(pricer.grade_index(probabilities))) >= 0).all()


def test_bad_grade_bands_are_refused() -> None:
    with pytest.raises(ValueError, match="increasing"):
        PricingPolicy(0.01, 0.01, 0.01, 0.45, 24, 0.0005, (("A", 0.05), ("B", 0.02), ("C", 1.0)))
    with pytest.raises(ValueError, match="covering PD 1"):
        PricingPolicy(0.01, 0.01, 0.01, 0.45, 24, 0.0005, (("A", 0.05),))


def test_usury_thresholds_by_amount_band() -> None:
    usury = usury_policy()
    assert usury.quarter == "2025-Q3" and usury.applies_from == "2025-07-01"
    caps = usury.max_apr([1_000, 3_000, 3_000.01, 6_000, 6_000.01, 500_000])
    assert caps.tolist() == [0.2339, 0.2339, 0.1579, 0.1579, 0.0869, 0.0869]


def test_product_terms_and_the_asked_term() -> None:
    product = product_policy()
    assert product.min_amount < product.max_amount and list(product.terms) == sorted(product.terms)
    payment = float(instalment(240_000, 0.06, 24))
    assert product.asked_term(240_000, payment, 0.06) == 24
    assert product.asked_term(240_000, payment * 1.01, 0.06) == 24  # a little under 24 months: 24
    assert product.asked_term(240_000, payment * 0.99, 0.06) == 30  # a little over: the next standard term
    assert product.asked_term(240_000, payment - 0.005, 0.06) == 24  # stated to the cent, rounded down
    assert product.asked_term(240_000, payment - 0.01, 0.06) == 30  # a cent short of the annuity
    assert product.asked_term(240_000, None, 0.06) == product.default_term
    assert product.asked_term(240_000, 1_000, 0.06) == product.terms[-1]  # never repaid: the longest
    assert product.longer_terms(48) == (54, 60)
    assert float(product.fees(100_000)) == pytest.approx(100_000 * product.fee_rate)
    assert product.round_down(12_345.0) == 12_000.0 and not math.isnan(product.round_down(500.0))
