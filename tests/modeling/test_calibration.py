"""Calibration: each method turns distorted raw scores into probabilities that mean what they say."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import expit

from scoring.modeling.calibration import (
    METHODS,
    CalibrationError,
    Calibrator,
    _client_folds,
    choose_calibrator,
    fit_calibrator,
)
from scoring.modeling.metrics import ece, probability_metrics


def distorted(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Raw scores of an over-confident, shifted model (as undersampling makes them) and outcomes."""
    rng = np.random.default_rng(seed)
    truth = rng.normal(-2.6, 1.0, n)
    y = (rng.random(n) < expit(truth)).astype(int)
    return 1.6 * truth + 3.0, y


@pytest.mark.parametrize("method", METHODS)
def test_each_method_gives_honest_probabilities(method: str) -> None:
    raw, y = distorted(20_000, 0)
    test_raw, test_y = distorted(20_000, 1)
    assert expit(test_raw).mean() > 2 * test_y.mean()  # the raw model is far off
    prob = fit_calibrator(method, raw, y)(test_raw)
    assert ece(test_y, prob) < 0.015
    assert prob.mean() == pytest.approx(test_y.mean(), rel=0.06)


@pytest.mark.parametrize("method", METHODS)
def test_calibrators_are_non_decreasing_and_round_trip(method: str) -> None:
    raw, y = distorted(5_000, 2)
    calibrator = fit_calibrator(method, raw, y)
    grid = np.linspace(-10, 10, 4001)
    prob = calibrator(grid)
    assert np.all(np.diff(prob) >= 0) and prob.min() > 0 and prob.max() < 1
    again = Calibrator.from_dict(calibrator.to_dict())
    np.testing.assert_array_equal(again(grid), prob)


def test_a_client_stays_in_one_calibration_fold() -> None:
    y = np.tile(np.r_[np.zeros(90), np.ones(10)].astype(int), 3)
    groups = np.tile(np.arange(100), 3)
    folds = _client_folds(y, groups, 5, seed=0)
    for client in range(100):
        assert len(set(folds[groups == client])) == 1
    assert sorted(set(folds)) == [0, 1, 2, 3, 4]


def test_the_choice_is_the_lowest_held_out_log_loss() -> None:
    raw, y = distorted(6_000, 3)
    choice = choose_calibrator(raw, y, seed=1)
    best = min(choice.table, key=lambda row: row["log_loss"])
    assert best["selected"] and best["method"] == choice.method
    assert sum(row["selected"] for row in choice.table) == 1
    assert choice.crossfit.shape == y.shape
    assert probability_metrics(y, choice.crossfit)["log_loss"] == pytest.approx(best["log_loss"])


def test_malformed_calibrators_are_refused() -> None:
    with pytest.raises(CalibrationError, match="non-decreasing"):
        Calibrator.from_dict({"method": "isotonic", "x": [0.0, 1.0], "y": [0.5, 0.2]})
    with pytest.raises(CalibrationError, match="not one of"):
        Calibrator.from_dict({"method": "beta"})
    with pytest.raises(CalibrationError, match="defaulted and repaid"):
        fit_calibrator("platt", np.zeros(10), np.zeros(10))
