"""Rules on the offer's figures of the requested loan (OFFER_*): the figures are the offer module's own for
the same loan, the demo strategy refers an unaffordable loan and refuses one it cannot price lawfully,
pandas and DuckDB decide alike, and an unknown offer figure is refused with its line."""

from __future__ import annotations

from importlib import resources

import duckdb
import numpy as np
import pandas as pd
import pytest

from scoring.explain.policy_reasons import NOT_AFFORDABLE, PRICE_ABOVE_CAP, policy_catalogue
from scoring.offer.affordability import Household, affordability_policy
from scoring.offer.policy import OfferPolicy
from scoring.offer.requested_loan import offer_inputs, offer_names, requested_figures
from scoring.offer.search import search_offer
from scoring.strategy.decide import decide_frame, decide_one, decision_sql, offer_columns, rules_fired_sql
from scoring.strategy.definition import Strategy, StrategyError, load_strategy
from scoring.strategy.names import known_names
from scoring.vocabulary import Decision

POLICY = OfferPolicy()
THRESHOLD = 0.5  # the search's own threshold: high, so that only price and affordability bind
DEMO = resources.files("scoring.strategy").joinpath("examples/affordability.yaml").read_text("utf-8")
# a household the demo's other rules leave alone: income well above the minimum, young, no overdue
CLEAN = {
    "AMT_INCOME_TOTAL": 120000.0,
    "APP_AGE_YEARS": 40.0,
    "APP_CREDIT_TERM_STANDARD": 24.0,
    "BUREAU_ACTIVE_CREDIT_DAY_OVERDUE_MAX": 0.0,
    "CNT_FAM_MEMBERS": 2.0,
    "BUREAU_ACTIVE_AMT_ANNUITY_SUM": 5000.0,
}
# (amount, monthly annuity asked, income, members, existing instalments, calibrated PD)
LOANS = [
    (300_000.0, 15_000.0, 120_000.0, 2.0, 5000.0, 0.005),  # grade A, affordable: accepted as asked
    (500_000.0, 25_000.0, 100_000.0, 1.0, 0.0, 0.05),  # grade E
    (900_000.0, 40_000.0, 60_000.0, 3.0, 0.0, 0.01),  # the household cannot carry it
    (450_000.0, 30_000.0, 70_000.0, 2.0, 12_000.0, 0.03),  # existing instalments push it over
    (270_000.0, 13_500.0, 150_000.0, 1.0, 0.0, 0.10),  # grade G: its APR is above the usury threshold
    (270_000.0, None, 150_000.0, None, 0.0, 0.02),  # no annuity: the default term; no family size: one
]


LOAN_COLUMNS = (
    "AMT_CREDIT",
    "AMT_ANNUITY",
    "AMT_INCOME_TOTAL",
    "CNT_FAM_MEMBERS",
    "BUREAU_ACTIVE_AMT_ANNUITY_SUM",
)


def _inputs(loans: list[tuple]) -> dict[str, list]:
    return {name: [loan[i] for loan in loans] for i, name in enumerate(LOAN_COLUMNS)}


@pytest.fixture(scope="module")
def demo() -> Strategy:
    return load_strategy(DEMO)


@pytest.mark.parametrize("index", range(len(LOANS)))
def test_the_figures_are_the_offer_search_s_own_for_the_asked_loan(index: int) -> None:
    amount, annuity, income, members, existing, pd_ = LOANS[index]
    figures = requested_figures(_inputs([LOANS[index]]), np.array([pd_]), POLICY)
    application = {"AMT_INCOME_TOTAL": income, "CNT_FAM_MEMBERS": members}
    household = Household.of(application, existing, "bureau")
    found = search_offer(
        lambda amounts, _payments, _k: np.full(len(amounts), pd_),
        amount,
        annuity,
        household,
        THRESHOLD,
        POLICY,
    )
    asked = found.asked
    assert figures["OFFER_GRADE"][0] == asked.grade == found.grade
    assert figures["OFFER_TERM_MONTHS"][0] == asked.term_months == found.term_months
    for name, value in (
        ("OFFER_RATE", asked.annual_rate),
        ("OFFER_INSTALMENT", asked.instalment),
        ("OFFER_FEES", asked.fees),
        ("OFFER_APR", asked.apr),
        ("OFFER_MAX_INSTALMENT", found.limits.max_instalment),
        ("OFFER_EXISTING_INSTALMENTS", found.limits.existing_instalments),
    ):
        assert figures[name][0] == pytest.approx(value, rel=1e-12, abs=0.005), name
    above, affordable = figures["OFFER_ABOVE_USURY"][0] == 1, figures["OFFER_AFFORDABLE"][0] == 1
    assert found.reason_code == (PRICE_ABOVE_CAP if above else None if affordable else NOT_AFFORDABLE)
    assert (found.decision == Decision.ACCEPT) == (affordable and not above)
    if found.decision == Decision.ACCEPT:  # the limits are then the asked loan's
        limits = found.limits
        assert figures["OFFER_DSR"][0] == pytest.approx(limits.debt_service_ratio, rel=1e-12)
        assert figures["OFFER_DSR_STRESSED"][0] == pytest.approx(
            limits.stressed_debt_service_ratio, rel=1e-12
        )
        assert figures["OFFER_RESIDUAL_INCOME"][0] == pytest.approx(limits.residual_income_per_member)
        assert figures["OFFER_DSR_CAP"][0] == limits.max_debt_service_ratio
        assert figures["OFFER_MIN_RESIDUAL_INCOME"][0] == limits.min_residual_income_per_member


def test_the_loans_cover_each_outcome_of_the_offer() -> None:
    figures = requested_figures(_inputs(LOANS), np.array([loan[-1] for loan in LOANS]), POLICY)
    assert figures["OFFER_ABOVE_USURY"].tolist() == [0, 0, 0, 0, 1, 0]
    assert figures["OFFER_AFFORDABLE"].tolist() == [1, 1, 0, 0, 1, 1]
    assert figures["OFFER_TERM_MONTHS"][-1] == POLICY.product.default_term
    stressed = figures["OFFER_DSR_STRESSED"]
    assert stressed[2] > affordability_policy().max_debt_service_ratio > stressed[0]


def test_missing_amount_or_income_leaves_the_figures_missing() -> None:
    figures = requested_figures(
        {"AMT_CREDIT": [None, 300_000.0], "AMT_INCOME_TOTAL": [90_000.0, None]}, np.array([0.015, 0.015])
    )
    assert figures["OFFER_GRADE"].tolist() == [None, "B"]
    assert np.isnan(figures["OFFER_APR"][0]) and not np.isnan(figures["OFFER_APR"][1])
    assert np.isnan(figures["OFFER_DSR_STRESSED"]).all() and np.isnan(figures["OFFER_RESIDUAL_INCOME"][1])
    assert figures["OFFER_MAX_INSTALMENT"][1] == 0.0 and figures["OFFER_AFFORDABLE"][1] == 0.0
    assert set(figures) == set(offer_names())


def test_every_offer_name_is_known_and_documented() -> None:
    names = known_names()
    assert all(names[name] == kind for name, kind in offer_names().items())
    assert offer_names()["OFFER_GRADE"] == "text"
    assert set(offer_inputs()) <= set(names)


def test_unaffordable_is_referred_impossible_and_unlawful_refused(
    demo: Strategy,
) -> None:
    assert decide_one(demo, CLEAN | {"AMT_CREDIT": 300_000.0, "AMT_ANNUITY": 15_000.0}, 0.02) == (
        Decision.ACCEPT,
        [],
    )
    heavy = CLEAN | {"AMT_CREDIT": 1_200_000.0, "AMT_ANNUITY": 45_000.0}
    decision, fired = decide_one(demo, heavy, 0.02)
    assert decision == Decision.REFER and "UNAFFORDABLE_DSR" in fired
    figures = offer_columns(demo, pd.DataFrame([heavy]), [0.02])
    assert figures["OFFER_DSR_STRESSED"][0] > figures["OFFER_DSR_CAP"][0]
    # a PD under refuse_from whose grade's APR is above the usury threshold: refused with the offer's code
    assert decide_one(demo, CLEAN | {"AMT_CREDIT": 270_000.0, "AMT_ANNUITY": 13_500.0}, 0.10) == (
        Decision.REFUSE,
        [PRICE_ABOVE_CAP],
    )
    assert decide_one(demo, heavy, 0.10) == (Decision.REFUSE, [PRICE_ABOVE_CAP, "UNAFFORDABLE_DSR"])
    crowded = CLEAN | {"AMT_CREDIT": 600_000.0, "AMT_ANNUITY": 30_000.0, "CNT_FAM_MEMBERS": 4.0}
    assert decide_one(demo, crowded, 0.02) == (Decision.REFER, ["RESIDUAL_INCOME_TOO_LOW"])
    # five members on this income: not even the product's smallest amount leaves them enough to live on
    poorer = crowded | {"CNT_FAM_MEMBERS": 5.0}
    assert decide_one(demo, poorer, 0.02) == (Decision.REFUSE, [NOT_AFFORDABLE, "RESIDUAL_INCOME_TOO_LOW"])
    assert offer_columns(demo, pd.DataFrame([crowded, poorer]), [0.02, 0.02])[
        "OFFER_ANY_AFFORDABLE"
    ].tolist() == [1.0, 0.0]
    for code in ("UNAFFORDABLE_DSR", "RESIDUAL_INCOME_TOO_LOW"):
        assert policy_catalogue()[code].text("customer", "fr")


def test_duckdb_decides_the_offer_rules_as_pandas_does(demo: Strategy) -> None:
    rng = np.random.default_rng(29)
    rows = 300
    frame = pd.DataFrame(
        {
            "AMT_INCOME_TOTAL": rng.choice([30_000.0, 60_000.0, 120_000.0, np.nan], rows),
            "APP_AGE_YEARS": rng.uniform(20, 68, rows),
            "APP_CREDIT_TERM_STANDARD": rng.choice([12.0, 24.0, 60.0], rows),
            "BUREAU_ACTIVE_CREDIT_DAY_OVERDUE_MAX": rng.choice([0.0, 0.0, 0.0, 5.0, np.nan], rows),
            "AMT_CREDIT": rng.choice([100_000.0, 300_000.0, 900_000.0, np.nan], rows),
            "AMT_ANNUITY": rng.choice([5_000.0, 15_000.0, 40_000.0, np.nan], rows),
            "CNT_FAM_MEMBERS": rng.choice([1.0, 2.0, 4.0, np.nan], rows),
            "BUREAU_ACTIVE_AMT_ANNUITY_SUM": rng.choice([0.0, 3_000.0, 20_000.0, np.nan], rows),
        }
    )
    probability = rng.uniform(0.0, 0.2, rows)
    expected = decide_frame(demo, frame, probability)
    scored = frame.assign(probability=probability, **offer_columns(demo, frame, probability))
    with duckdb.connect() as con:
        con.register("scored", scored)
        query = f"SELECT {decision_sql(demo)} AS decision, {rules_fired_sql(demo)} AS fired FROM scored"
        got = con.sql(query).df()
    assert got["decision"].tolist() == expected.outcome.tolist()
    assert [f.split(",") if isinstance(f, str) else [] for f in got["fired"]] == [
        expected.reasons(i) for i in range(rows)
    ]
    fired = {code for i in range(rows) for code in expected.reasons(i)}
    assert {PRICE_ABOVE_CAP, "UNAFFORDABLE_DSR", "RESIDUAL_INCOME_TOO_LOW"} <= fired


def test_a_rule_needs_the_pd_to_read_the_offer_figures(demo: Strategy) -> None:
    from scoring.strategy.decide import fired_pandas

    with pytest.raises(ValueError, match="calibrated PDs are needed"):
        fired_pandas(demo, pd.DataFrame([CLEAN]))


def test_an_unknown_offer_figure_is_refused_with_its_line() -> None:
    text = (
        "name: bad\ncutoffs: {accept_below: 0.1, refuse_from: 0.3}\nrules:\n"
        "  - code: UNAFFORDABLE_DSR\n    when: OFFER_DTI > 0.35\n    action: refer\n"
    )
    with pytest.raises(StrategyError) as refused:
        load_strategy(text, "bad.yaml")
    assert refused.value.problems == [
        "line 5: rules[0].when: unknown name OFFER_DTI: not one of the offer's figures "
        "(did you mean OFFER_DSR?) (at character 1)"
    ]
