"""The simulation on a fixed-seed population: rates that add up and match a direct count, the swap set, the
rules fired, expected loss and refer volume; the chart."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scoring.offer.pricing import pricing_policy
from scoring.offer.profit import expected_profit
from scoring.strategy.chart import write_chart
from scoring.strategy.definition import InForce, Strategy, load_strategy
from scoring.strategy.population import Population
from scoring.strategy.simulate import Compared, simulate
from tests.strategy.frames import probabilities, synthetic_frame
from tests.strategy.test_decide import STRATEGY

THRESHOLD = InForce(Strategy.single_threshold(0.2), None, 0.2)  # no active strategy: the bundle's threshold


@pytest.fixture(scope="module")
def population() -> Population:
    rng = np.random.default_rng(5)
    frame = synthetic_frame()
    p = probabilities()
    target = rng.binomial(1, p).astype(float)
    target[rng.random(len(p)) < 0.2] = np.nan  # some outcomes unknown
    amount = frame["AMT_CREDIT"].to_numpy(dtype=float)
    annuity = frame["AMT_ANNUITY"].to_numpy(dtype=float)
    return Population("synthetic", None, p, target, amount, annuity, frame)


def direct_decisions(
    frame: pd.DataFrame, p: np.ndarray, accept_below: float, refuse_from: float
) -> np.ndarray:
    """STRATEGY's decisions written out by hand with pandas (the reference of the count)."""
    income = pd.to_numeric(frame["AMT_INCOME_TOTAL"])
    overdue = pd.to_numeric(frame["BUREAU_ACTIVE_CREDIT_DAY_OVERDUE_MAX"])
    end_age = frame["APP_AGE_YEARS"] + frame["APP_CREDIT_TERM_STANDARD"] / 12
    refuse = (income < 40000) | (overdue > 0)
    refer = income.isna() | (end_age > 70)
    band = np.where(p < accept_below, "accept", np.where(p >= refuse_from, "refuse", "refer"))
    return np.where(refuse, "refuse", np.where(refer, "refer", band))


def test_rates_add_up_and_match_a_direct_count(population: Population) -> None:
    strategy = load_strategy(STRATEGY)
    result = simulate(Compared.of(strategy, THRESHOLD, population), None)
    direct = direct_decisions(population.frame, population.probability, 0.10, 0.30)
    n = len(population)
    assert result["n"] == n
    assert result["approval_rate"] + result["refer_rate"] + result["refusal_rate"] == pytest.approx(1.0)
    assert result["approval_rate"] == (direct == "accept").sum() / n
    assert result["refer_rate"] == (direct == "refer").sum() / n
    assert result["refusal_rate"] == (direct == "refuse").sum() / n
    assert result["counts"] == {k: int((direct == k).sum()) for k in ("accept", "refer", "refuse")}
    assert min(result["counts"].values()) > 0
    accepted = direct == "accept"
    assert result["expected_bad_rate"] == pytest.approx(population.probability[accepted].mean())
    assert result["observed_bad_rate"] == pytest.approx(np.nanmean(population.target[accepted]))
    p, amount, annuity = population.probability, population.amount, population.annuity
    lent = expected_profit(p[accepted], amount[accepted], annuity[accepted], threshold=np.inf)
    loss = lent.expected_loss_per_1000 * accepted.sum() / 1000  # over the loans the profit counts
    assert result["expected_loss"] == pytest.approx(loss)
    every = (p * pricing_policy().loss_given_default * amount)[accepted].sum()
    assert result["expected_loss"] <= every
    assert result["refer_per_day"] is None


def test_profit_is_the_offer_s_on_the_accepted_loans(population: Population) -> None:
    strategy = load_strategy(STRATEGY)
    result = simulate(Compared.of(strategy, THRESHOLD, population), None)
    accepted = direct_decisions(population.frame, population.probability, 0.10, 0.30) == "accept"
    p, amount, annuity = population.probability, population.amount, population.annuity
    alone = expected_profit(p[accepted], amount[accepted], annuity[accepted], threshold=1.0)
    per_1000 = alone.expected_profit_per_1000 * accepted.sum() / len(population)
    assert result["profit_per_1000"] == pytest.approx(per_1000)
    assert result["profit"] == pytest.approx(per_1000 * len(population) / 1000)
    assert result["realised_profit_per_1000"] is None  # some accepted outcomes are unknown
    nobody = simulate(
        Compared.of(Strategy.single_threshold(0.0), InForce(strategy, 3, 0.2), population), None
    )
    assert (nobody["approval_rate"], nobody["profit"], nobody["expected_bad_rate"]) == (0.0, 0.0, None)
    in_force = nobody["current"]  # the strategy in force's figures, computed as the simulated one's
    assert (in_force["name"], in_force["version"], in_force["threshold"]) == (strategy.name, 3, 0.2)
    assert (result["current"]["name"], result["current"]["version"]) == (None, None)  # the threshold decides
    assert (in_force["profit"], in_force["expected_loss"]) == pytest.approx(
        (result["profit"], result["expected_loss"])
    )


def test_rules_fired_and_the_swap_set_against_the_current_strategy(population: Population) -> None:
    strategy = load_strategy(STRATEGY)
    result = simulate(Compared.of(strategy, THRESHOLD, population), 120.0)
    frame, p = population.frame, population.probability
    fires = {r["code"]: r["fires"] for r in result["rules"]}
    assert fires["INCOME_MISSING"] == int(frame["AMT_INCOME_TOTAL"].isna().sum())
    assert fires["BUREAU_CURRENT_OVERDUE"] == int(
        (pd.to_numeric(frame["BUREAU_ACTIVE_CREDIT_DAY_OVERDUE_MAX"]) > 0).sum()
    )
    # a rule's own effect: the decisions written out by hand without it (overdue counted as none)
    without_overdue = direct_decisions(frame.assign(BUREAU_ACTIVE_CREDIT_DAY_OVERDUE_MAX=0.0), p, 0.10, 0.30)
    changes = {r["code"]: r["changes"] for r in result["rules"]}
    overdue_changes = int((without_overdue != direct_decisions(frame, p, 0.10, 0.30)).sum())
    assert changes["BUREAU_CURRENT_OVERDUE"] == overdue_changes < fires["BUREAU_CURRENT_OVERDUE"]
    new = direct_decisions(frame, p, 0.10, 0.30) == "accept"
    old = p < 0.2
    swap_in, swap_out = new & ~old, old & ~new
    assert result["swap_in"]["count"] == swap_in.sum() == 0  # a stricter cut-off and rules: nobody comes in
    assert result["swap_out"]["count"] == swap_out.sum() > 0
    assert result["swap_out"]["observed_bad_rate"] == pytest.approx(np.nanmean(population.target[swap_out]))
    assert result["swap_out"]["expected_bad_rate"] == pytest.approx(p[swap_out].mean())
    assert sum(sum(row.values()) for row in result["transitions"].values()) == len(population)
    assert result["current"]["approval_rate"] == old.mean()
    assert result["refer_per_day"] == pytest.approx(120.0 * result["refer_rate"])


def test_a_looser_cut_off_swaps_clients_in(population: Population) -> None:
    looser = Strategy.single_threshold(0.3, "looser")
    result = simulate(Compared.of(looser, THRESHOLD, population), None)
    p = population.probability
    assert result["swap_in"]["count"] == int(((p >= 0.2) & (p < 0.3)).sum()) > 0
    assert result["swap_out"]["count"] == 0 and result["swap_out"]["expected_bad_rate"] is None


def test_the_chart_marks_both_strategies(population: Population, tmp_path: Path) -> None:
    compared = Compared.of(load_strategy(STRATEGY), THRESHOLD, population)
    html = write_chart(compared, tmp_path / "chart.html").read_text()
    assert (
        "simulated: test (accept below 0.1)" in html
        and "current: the bundle's threshold 0.2000 (no active strategy) (accept below 0.2)" in html
    )
    assert "<script src=" not in html  # plotly inline, no CDN
    with pytest.raises(ValueError, match="written as HTML"):
        write_chart(compared, tmp_path / "chart.png")
