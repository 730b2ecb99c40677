"""The logistic regression and the scorecard: signs from the policy, exact contributions, points."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from scipy.special import expit

from scoring.modeling.linear import LinearModel, fit_linear
from scoring.modeling.scorecard import BASE_ODDS, BASE_POINTS, PDO, Scorecard
from scoring.modeling.scorecard_fit import fit_scorecard


def data(n: int = 4_000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = np.column_stack(
        [rng.normal(size=n), rng.normal(size=n), rng.integers(0, 4, n).astype(float), rng.normal(size=n)]
    )
    X[rng.random(n) < 0.2, 1] = np.nan
    logit = -2.5 + 0.9 * X[:, 0] - 0.4 * np.nan_to_num(X[:, 1]) + 0.3 * (X[:, 2] == 3) - 0.3 * X[:, 3]
    return X, (rng.random(n) < expit(logit)).astype(int)


def test_linear_signs_follow_the_policy_and_contributions_add_up() -> None:
    X, y = data()
    free = fit_linear(X, y, ["a", "b", "c", "d"])
    value = free.kind == 0
    assert free.coef[value][3] < 0  # the data say: risk falls with d
    bounded = fit_linear(X, y, ["a", "b", "c", "d"], directions=[1, -1, 0, 1])
    coef = dict(zip(bounded.feature[value], bounded.coef[value], strict=True))
    assert coef[0] > 0 and coef[1] < 0 and coef[3] == pytest.approx(0.0, abs=1e-12)
    contributions = bounded.contributions(X)
    np.testing.assert_allclose(
        contributions.sum(axis=1) + bounded.intercept, bounded.raw_score(X), atol=1e-10
    )
    again = LinearModel.from_dict(bounded.to_dict())
    np.testing.assert_array_equal(again.raw_score(X), bounded.raw_score(X))


def test_scorecard_bins_are_optbinnings_and_follow_the_trend() -> None:
    from optbinning import OptimalBinning

    X, y = data(seed=1)
    card = fit_scorecard(X, y, ["a", "b", "c", "d"], [False, False, True, False], [1, -1, 0, 0])
    a = card.characteristics[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = OptimalBinning(
            name="a", dtype="numerical", monotonic_trend="ascending", max_n_bins=8, min_bin_size=0.05
        ).fit(X[:, 0], y)
    np.testing.assert_allclose(a.splits, reference.splits)
    bins = reference.transform(X[:, 0], metric="indices")
    np.testing.assert_array_equal(a.woe_of(X[:, 0]), np.asarray(a.woe)[bins])
    assert np.all(np.diff(a.woe) >= 0)  # ascending: riskier bins to the right
    assert np.all(np.diff(card.characteristics[1].woe) <= 0)  # descending by policy
    assert all(c.beta >= 0 for c in card.characteristics)
    contributions = card.contributions(X)
    np.testing.assert_allclose(contributions.sum(axis=1) + card.base_value, card.raw_score(X), atol=1e-10)
    again = Scorecard.from_dict(card.to_dict())
    np.testing.assert_array_equal(again.raw_score(X), card.raw_score(X))


def test_points_add_up_to_the_pdo_score() -> None:
    X, y = data(seed=2)
    card = fit_scorecard(X, y, ["a", "b", "c", "d"], [False, False, True, False], [1, -1, 0, 0])
    table = card.points_table()
    points = {(r["feature"], r["bin"]): r["points"] for r in table}
    assert {r["feature"] for r in table} == {"a", "b", "c", "d"}
    row = X[:1]
    labels = []
    for j, c in enumerate(card.characteristics):
        names = [*c.bin_labels(), "missing"]
        labels.append((c.name, names[int(c.bin_of(row[:, j])[0])]))
    total = sum(points[key] for key in labels)
    p = expit(card.raw_score(row)[0])
    score = BASE_POINTS + PDO / math.log(2) * (math.log((1 - p) / p) - math.log(BASE_ODDS))
    assert total == pytest.approx(score, abs=0.05 * len(labels) + 1e-6)  # points are rounded to 0.1
