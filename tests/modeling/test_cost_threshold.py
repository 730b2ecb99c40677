"""Business cost and the threshold search on hand-made cases, and against a brute-force search."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.modeling.cost import CostError, CostSpec, decision_cost, total_cost
from scoring.modeling.metrics import decision_metrics
from scoring.modeling.threshold import best_threshold, cost_curve, curve_for


def brute_force(y: np.ndarray, p: np.ndarray, fn_cost: np.ndarray, fp_cost: np.ndarray) -> dict[float, float]:
    """Cost of refusing prob >= t for every candidate t, one confusion matrix at a time."""
    candidates = [*np.unique(p), np.nextafter(p.max(), np.inf)]
    return {float(t): total_cost(y, p >= t, fn_cost, fp_cost) for t in candidates}


def test_count_cost_weighs_missed_defaulters_ten_times() -> None:
    y = np.array([1, 1, 0, 0, 0])
    refused = np.array([True, False, True, False, False])
    assert decision_cost(y, refused, CostSpec()) == 10 * 1 + 1 * 1
    assert decision_cost(y, refused, CostSpec(w_fn=3, w_fp=2)) == 3 + 2


def test_monetary_cost_uses_credit_amount_lgd_and_margin() -> None:
    y = np.array([1, 0, 1])
    refused = np.array([False, True, True])
    amount = np.array([1000.0, 500.0, 9999.0])
    spec = CostSpec(mode="monetary", loss_given_default=0.5)
    # accepted defaulter: 1000 * 0.5; refused good client: 500 * 0.19; refused defaulter costs nothing
    assert decision_cost(y, refused, spec, amount) == pytest.approx(500 + 95)


def test_monetary_cost_needs_every_credit_amount() -> None:
    with pytest.raises(CostError, match="APP_AMT_CREDIT is missing or negative for 1 of 2"):
        CostSpec(mode="monetary").client_costs(2, np.array([100.0, np.nan]))
    with pytest.raises(CostError, match="needs the credit amount"):
        CostSpec(mode="monetary").client_costs(2, None)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"mode": "euros"}, "mode 'euros'"), ({"w_fn": 0}, "w_fn"), ({"margin": -0.1}, "margin")],
)
def test_invalid_cost_specs_are_rejected(kwargs: dict, message: str) -> None:
    with pytest.raises(CostError, match=message):
        CostSpec(**kwargs)


def test_beta_reflects_the_cost_ratio() -> None:
    assert CostSpec(w_fn=9, w_fp=1).beta == pytest.approx(3)
    assert CostSpec(mode="monetary", loss_given_default=0.76, margin=0.19).beta == pytest.approx(2)


def test_best_threshold_on_a_hand_made_case() -> None:
    y = np.array([1, 0, 1, 0, 0, 0])
    p = np.array([0.9, 0.8, 0.7, 0.4, 0.3, 0.1])
    # refusing the top 3 (p >= 0.7) catches both defaulters for one refused good client: cost 1
    threshold, cost = best_threshold(y, p, CostSpec())
    assert threshold == 0.7
    assert cost == 1
    curve = curve_for(y, p, CostSpec())
    assert curve.accept_all_cost == 20
    assert curve.cost[-1] == 4  # refuse everyone: the 4 good clients


def test_expensive_refusals_make_accepting_everyone_optimal() -> None:
    y = np.array([0, 1, 0, 0])  # the defaulter is not the riskiest-looking client
    p = np.array([0.6, 0.5, 0.4, 0.3])
    curve = curve_for(y, p, CostSpec(w_fn=1, w_fp=50))
    assert curve.best_index == 0
    assert curve.best_threshold > p.max()
    assert not (p >= curve.best_threshold).any()


def test_tied_probabilities_are_decided_together() -> None:
    y = np.array([1, 0, 0, 1])
    p = np.array([0.5, 0.5, 0.5, 0.2])
    curve = cost_curve(y, p, np.full(4, 10.0), np.ones(4))
    assert list(curve.thresholds) == [np.nextafter(0.5, 1), 0.5, 0.2]
    assert list(curve.tp + curve.fp) == [0, 3, 4]


def test_index_at_matches_the_decisions_of_a_threshold() -> None:
    y = np.array([1, 0, 1, 0, 0])
    p = np.array([0.9, 0.6, 0.5, 0.3, 0.1])
    curve = curve_for(y, p, CostSpec())
    for t in (0.05, 0.1, 0.3, 0.45, 0.5, 0.55, 0.95):
        i = curve.index_at(t)
        assert curve.cost[i] == decision_cost(y, p >= t, CostSpec())


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.booleans(), st.integers(0, 20), st.floats(0.5, 5)), min_size=1, max_size=40),
    st.floats(0.5, 20),
)
def test_curve_equals_brute_force(rows: list[tuple[bool, int, float]], w_fn: float) -> None:
    y = np.array([r[0] for r in rows], dtype=int)
    p = np.array([r[1] / 20 for r in rows])  # coarse grid: many ties
    fn_cost = np.array([w_fn * r[2] for r in rows])
    fp_cost = np.array([r[2] for r in rows])
    curve = cost_curve(y, p, fn_cost, fp_cost)
    expected = brute_force(y, p, fn_cost, fp_cost)
    assert {float(t): c for t, c in zip(curve.thresholds, curve.cost, strict=True)} == pytest.approx(expected)
    assert curve.best_cost == pytest.approx(min(expected.values()))


def test_decision_metrics_on_a_hand_made_case() -> None:
    y = np.array([1, 1, 0, 0, 0, 0, 0, 0, 0, 0])
    p = np.array([0.9, 0.2, 0.8, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1])
    m = decision_metrics(y, p, 0.5, CostSpec(w_fn=4, w_fp=1))
    assert (m["tp"], m["fp"], m["fn"], m["tn"]) == (1, 1, 1, 7)
    assert m["recall"] == 0.5 and m["precision"] == 0.5
    assert m["fbeta"] == pytest.approx(0.5)  # precision = recall: F-beta equals them for any beta
    assert m["cost_per_1000"] == pytest.approx(1000 * (4 + 1) / 10)
    assert m["cost_vs_accept_all"] == pytest.approx(5 / 8)
    assert m["approval_rate"] == pytest.approx(0.8)
    assert m["auc"] == pytest.approx(15 / 16)
    assert math.isclose(m["beta"], 2.0)
