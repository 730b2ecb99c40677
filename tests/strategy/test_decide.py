"""A strategy's decisions: knock-out rules refuse with their code, refer rules and the band refer, the same
decisions from pandas and from DuckDB's SQL."""

from __future__ import annotations

import duckdb
import numpy as np
import pytest

from scoring.strategy.decide import decide_frame, decide_one, decision_sql, fired_sql
from scoring.strategy.definition import Strategy, load_strategy
from scoring.vocabulary import Decision
from tests.strategy.frames import probabilities, synthetic_frame

STRATEGY = """\
name: test
cutoffs: {accept_below: 0.10, refuse_from: 0.30}
rules:
  - code: INCOME_MISSING
    when: AMT_INCOME_TOTAL IS NULL
    action: refer
  - code: INCOME_BELOW_MINIMUM
    when: AMT_INCOME_TOTAL < 40000
    action: refuse
  - code: AGE_AT_TERM_END
    when: APP_AGE_YEARS + APP_CREDIT_TERM_STANDARD / 12 > 70
    action: refer
  - code: BUREAU_CURRENT_OVERDUE
    when: BUREAU_ACTIVE_CREDIT_DAY_OVERDUE_MAX > 0
    action: refuse
"""
CLEAN = {
    "AMT_INCOME_TOTAL": 120000.0,
    "APP_AGE_YEARS": 40.0,
    "APP_CREDIT_TERM_STANDARD": 24.0,
    "BUREAU_ACTIVE_CREDIT_DAY_OVERDUE_MAX": 0.0,
}


@pytest.fixture(scope="module")
def strategy() -> Strategy:
    return load_strategy(STRATEGY)


def test_a_client_under_a_knock_out_rule_is_refused_with_its_code(strategy: Strategy) -> None:
    overdue = CLEAN | {"BUREAU_ACTIVE_CREDIT_DAY_OVERDUE_MAX": 12.0}
    assert decide_one(strategy, overdue, 0.02) == (Decision.REFUSE, ["BUREAU_CURRENT_OVERDUE"])
    poor_and_old = CLEAN | {"AMT_INCOME_TOTAL": 30000.0, "APP_AGE_YEARS": 68.5}
    assert decide_one(strategy, poor_and_old, 0.02) == (
        Decision.REFUSE,
        ["INCOME_BELOW_MINIMUM", "AGE_AT_TERM_END"],
    )


def test_refer_rules_and_the_band_refer(strategy: Strategy) -> None:
    assert decide_one(strategy, CLEAN | {"AMT_INCOME_TOTAL": None}, 0.02) == (
        Decision.REFER,
        ["INCOME_MISSING"],
    )
    assert decide_one(strategy, CLEAN, 0.20) == (Decision.REFER, [])
    assert decide_one(strategy, CLEAN, 0.0999) == (Decision.ACCEPT, [])
    assert decide_one(strategy, CLEAN, 0.30) == (Decision.REFUSE, [])


def test_a_missing_value_does_not_fire_a_comparison(strategy: Strategy) -> None:
    unknown = CLEAN | {"APP_CREDIT_TERM_STANDARD": None, "BUREAU_ACTIVE_CREDIT_DAY_OVERDUE_MAX": None}
    assert decide_one(strategy, unknown, 0.05) == (Decision.ACCEPT, [])


def test_the_single_threshold_is_today_s_decision() -> None:
    today = Strategy.single_threshold(0.25)
    assert decide_one(today, {}, 0.2499) == (Decision.ACCEPT, [])
    assert decide_one(today, {}, 0.25) == (Decision.REFUSE, [])


def test_duckdb_decides_as_pandas_does(strategy: Strategy) -> None:
    frame = synthetic_frame()
    frame["probability"] = probabilities()
    expected = decide_frame(strategy, frame, frame["probability"])
    fired = ", ".join(f"{sql} AS r{j}" for j, sql in enumerate(fired_sql(strategy)))
    got = duckdb.sql(f"SELECT {decision_sql(strategy)} AS decision, {fired} FROM frame").df()
    assert got["decision"].tolist() == expected.outcome.tolist()
    assert np.array_equal(got.drop(columns="decision").to_numpy(dtype=bool), expected.fired)
    assert set(expected.outcome) == {"accept", "refer", "refuse"}
