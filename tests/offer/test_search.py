"""The offer search on known models: acceptance, affordability, the usury cap, alternatives, fixed point."""

from __future__ import annotations

import numpy as np
import pytest

from scoring.explain.policy_reasons import NOT_AFFORDABLE, PRICE_ABOVE_CAP
from scoring.offer.affordability import Household, max_instalment, stressed_instalment
from scoring.offer.apr import instalment
from scoring.offer.policy import OfferPolicy
from scoring.offer.search import AFFORDABILITY, PRODUCT, RISK, search_offer
from scoring.offer.terms import LONGER_TERM, LOWER_AMOUNT

THRESHOLD = 0.09
POLICY = OfferPolicy()
RICH = Household(1_000_000.0, 1, 0.0)


def constant(pd: float):  # noqa: ANN201
    return lambda amounts, payments, _k: np.full(len(amounts), pd)


def by_amount(boundary: float, low: float = 0.02, high: float = 0.5):  # noqa: ANN201
    """Accepted (PD `low`) up to `boundary`, refused above: a model reading the amount only."""
    return lambda amounts, payments, _k: np.where(np.asarray(amounts) > boundary, high, low)


def by_instalment(scale: float):  # noqa: ANN201
    """PD rising with the instalment (a model reading the burden): payment / scale, capped."""
    return lambda amounts, payments, _k: np.clip(np.nan_to_num(payments, nan=scale) / scale, 0.001, 0.99)


def feasible(terms, household: Household) -> bool:  # noqa: ANN001
    """The terms satisfy the policy: accepted, lawfully priced, affordable, in the product."""
    room = max_instalment(household, POLICY.affordability)
    stressed = float(
        stressed_instalment(terms.amount, terms.annual_rate, terms.term_months, POLICY.affordability)
    )
    product = POLICY.product
    return (
        terms.probability < THRESHOLD
        and terms.apr <= float(POLICY.usury.max_apr(terms.amount)[0]) + 1e-12
        and stressed <= room + 1e-9
        and product.min_amount <= terms.amount <= product.max_amount
        and terms.term_months in product.terms
    )


def test_a_safe_affordable_application_gets_its_asked_terms() -> None:
    payment = float(instalment(300_000, 0.05, 24))
    found = search_offer(constant(0.005), 300_000, payment, RICH, THRESHOLD, POLICY)
    assert found.decision == "accept" and found.reason_code is None and found.alternatives == []
    assert found.grade == "A" and found.term_months == 24
    offer = found.offer
    assert offer.amount == 300_000 and offer.term_months == 24 and offer.annual_rate == POLICY.pricer.rates[0]
    assert offer.instalment == pytest.approx(float(instalment(300_000, offer.annual_rate, 24)), abs=0.005)
    assert offer.fees == pytest.approx(300_000 * POLICY.product.fee_rate)
    assert offer.total_payable == pytest.approx(24 * offer.instalment + offer.fees)
    assert offer.total_cost == pytest.approx(offer.total_payable - 300_000)
    assert offer.apr > offer.annual_rate  # monthly compounding and the fee
    assert found.limits.bound == PRODUCT and found.limits.max_amount == POLICY.product.max_amount


def test_the_amount_stops_where_the_model_refuses() -> None:
    found = search_offer(by_amount(1_234_567.0), 2_000_000, 90_000.0, RICH, THRESHOLD, POLICY)
    assert found.decision == "refuse" and found.reason_code is None and found.grade is None
    assert found.limits.bound == RISK
    best = found.limits.max_amount
    assert 1_234_567.0 - POLICY.product.amount_step <= best <= 1_234_567.0 and best % 500 == 0
    [lower] = [t for t in found.alternatives if t.kind == LOWER_AMOUNT]
    assert lower.amount == best and lower.term_months == found.term_months and found.offer == lower
    assert not any(t.kind == LONGER_TERM for t in found.alternatives)  # the amount is what is refused


def test_an_unaffordable_application_is_refused_with_its_code_and_a_lower_amount() -> None:
    household = Household(60_000.0, 1, 5_000.0)  # room: 0.35 * 60,000 - 5,000 = 16,000 a month
    payment = float(instalment(600_000, 0.05, 24))  # about 26,000 a month
    found = search_offer(constant(0.005), 600_000, payment, household, THRESHOLD, POLICY)
    assert found.decision == "refuse" and found.reason_code == NOT_AFFORDABLE
    assert found.limits.bound == AFFORDABILITY and found.limits.max_instalment == pytest.approx(16_000)
    assert found.alternatives and all(feasible(t, household) for t in found.alternatives)
    kinds = {t.kind for t in found.alternatives}
    assert LOWER_AMOUNT in kinds and LONGER_TERM in kinds  # a longer term lowers the instalment too
    lower = next(t for t in found.alternatives if t.kind == LOWER_AMOUNT)
    above = lower.amount + 2 * POLICY.product.amount_step
    stressed = stressed_instalment(above, lower.annual_rate, lower.term_months, POLICY.affordability)
    assert float(stressed) > 16_000  # just above the offer it no longer fits
    assert found.offer in found.alternatives
    assert found.limits.stressed_debt_service_ratio <= 0.35 + 1e-9


def test_a_risk_that_needs_a_price_above_the_usury_threshold_is_refused() -> None:
    """PD 7 %: grade F's rate plus the fee is above the threshold at 24 months, under it at 60."""
    payment = float(instalment(500_000, 0.08, 24))
    found = search_offer(constant(0.07), 500_000, payment, RICH, THRESHOLD, POLICY)
    assert found.decision == "refuse" and found.reason_code == PRICE_ABOVE_CAP
    assert found.grade == "F" and found.term_months == 24
    assert found.asked.apr > float(POLICY.usury.max_apr(500_000)[0])
    assert found.limits.bound == RISK
    assert [t.kind for t in found.alternatives] == [LONGER_TERM]  # no lower amount prices it lower
    longer = found.offer
    assert longer.amount == 500_000 and longer.term_months > 24 and feasible(longer, RICH)


def test_refused_on_risk_at_every_amount_nothing_is_offered() -> None:
    found = search_offer(constant(0.5), 500_000, 25_000.0, RICH, THRESHOLD, POLICY)
    assert found.offer is None and found.alternatives == [] and found.reason_code is None
    assert found.limits.bound == RISK and found.limits.max_amount is None and found.grade is None


def test_no_one_may_grant_a_refused_risks_asked_terms_priced_above_the_usury_threshold() -> None:
    """The risk refuses both: the offer's reason is the risk's (no policy code), but the asked terms priced
    at the grade of the PD break the usury threshold, which no override may (`barrier`); priced under it,
    an override may grant them."""
    cap = float(POLICY.usury.max_apr(500_000)[0])
    found = search_offer(constant(0.5), 500_000, 25_000.0, RICH, THRESHOLD, POLICY)
    assert found.reason_code is None and found.barrier == PRICE_ABOVE_CAP
    assert found.asked.grade == "H" and found.asked.apr > cap
    lawful = search_offer(constant(0.05), 500_000, 25_000.0, RICH, 0.04, POLICY)
    assert lawful.decision == "refuse" and lawful.reason_code is None and lawful.barrier is None
    assert lawful.asked.grade == "E" and lawful.asked.apr <= cap and lawful.asked.amount == 500_000


def test_no_income_nothing_is_affordable() -> None:
    found = search_offer(constant(0.005), 500_000, 25_000.0, Household(None, 1, 0.0), THRESHOLD, POLICY)
    assert found.offer is None and found.reason_code == NOT_AFFORDABLE and found.limits.bound == AFFORDABILITY
    assert found.limits.debt_service_ratio is None and found.limits.max_instalment == 0.0


def test_the_grade_is_the_grade_of_the_pd_at_its_own_price() -> None:
    """The PD reads the instalment, the instalment the grade's rate: each offer is a fixed point."""
    model = by_instalment(400_000.0)
    found = search_offer(model, 800_000, 40_000.0, RICH, THRESHOLD, POLICY)
    for terms in [found.asked, *found.alternatives, found.at_max]:
        pd = float(model(np.array([terms.amount]), np.array([terms.instalment]), np.zeros(1))[0])
        assert terms.probability == pytest.approx(pd, rel=1e-6)
        assert POLICY.pricer.name(int(POLICY.pricer.grade_index(pd)[0])) == terms.grade
    assert found.passes <= 3


def test_the_offer_payload_has_the_contract_fields() -> None:
    found = search_offer(constant(0.005), 300_000, 15_000.0, RICH, THRESHOLD, POLICY)
    body = found.offer.payload()
    assert set(body) == {
        "amount",
        "term_months",
        "annual_rate",
        "apr",
        "instalment",
        "fees",
        "total_cost",
        "total_payable",
        "probability",
        "grade",
        "goods_price",
    }
    limits = found.limits.payload()
    assert {"max_instalment", "debt_service_ratio", "bound"} <= set(limits) and limits["period"] == "monthly"


def test_a_grade_that_keeps_alternating_takes_the_highest_pd_shown() -> None:
    """A model not monotone in the instalment: grade D's price gives a grade-E PD, grade E's a grade-D one."""
    d, e = (POLICY.pricer.rates[3], POLICY.pricer.rates[4])
    edge = (float(instalment(300_000, d, 24)) + float(instalment(300_000, e, 24))) / 2

    def model(amounts: np.ndarray, payments: np.ndarray, _candidates: np.ndarray) -> np.ndarray:
        return np.where(np.nan_to_num(payments) > edge, 0.04, 0.05)

    payment = float(instalment(300_000, d, 24))
    found = search_offer(model, 300_000, payment, RICH, THRESHOLD, POLICY, asked_probability=0.04)
    assert found.asked.grade == "E" and found.asked.probability == 0.05
    assert found.asked.annual_rate == e
