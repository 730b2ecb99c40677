"""CBPE: the closed-form expected AUC, label draws, expected confusion and cost, calibration."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import expit

from scoring.drift import cbpe
from scoring.modeling.cost import CostSpec
from scoring.modeling.metrics import safe_auc


def _population(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A score and the true default probability of n clients (the score sees part of the risk)."""
    rng = np.random.default_rng(seed)
    risk = rng.normal(size=n)
    score = expit(-2.6 + 0.9 * risk)
    truth = expit(-2.7 + 0.9 * risk + 0.7 * rng.normal(size=n))
    return score, truth


def test_closed_form_equals_pairs_with_ties() -> None:
    rng = np.random.default_rng(0)
    score = rng.integers(0, 6, 60).astype(float)
    p = rng.uniform(0.02, 0.6, 60)
    num = den = 0.0
    for i in range(60):
        for j in range(60):
            if i != j:
                weight = p[i] * (1 - p[j])
                den += weight
                num += weight * (1.0 if score[i] > score[j] else 0.5 if score[i] == score[j] else 0.0)
    assert cbpe.expected_auc(score, p) == pytest.approx(num / den)


def test_closed_form_is_the_mean_of_label_draws() -> None:
    score, truth = _population(3_000, 1)
    draws = cbpe.auc_draws(score, truth, draws=400, seed=2)
    assert cbpe.expected_auc(score, truth) == pytest.approx(draws.mean(), abs=0.002)
    rng = np.random.default_rng(9)
    labels = rng.random(3_000) < truth
    assert safe_auc(labels, score) == pytest.approx(
        (lambda y: cbpe.auc_draws(score, y.astype(float), draws=1)[0])(labels)
    )


def test_estimate_within_002_of_realised_for_calibrated_pds() -> None:
    errors = []
    for seed in range(10):
        score, truth = _population(10_000, 100 + seed)
        pd = cbpe.fit_isotonic(*_labelled(score, truth, 1000 + seed)).apply(score)
        y = np.random.default_rng(seed).random(len(truth)) < truth
        errors.append(cbpe.expected_auc(score, pd) - safe_auc(y, score))
    assert np.mean(np.abs(errors) <= 0.02) >= 0.8


def _labelled(score: np.ndarray, truth: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A large labelled reference of the same population (to fit the calibration on)."""
    ref_score, ref_truth = _population(60_000, seed)
    return ref_score, np.random.default_rng(seed).random(len(ref_truth)) < ref_truth


def test_uncalibrated_scores_are_fixed_by_the_reference_calibration() -> None:
    score, truth = _population(20_000, 3)
    distorted = np.sqrt(score)  # same ranking, probabilities far too high
    ref_score, ref_y = _labelled(score, truth, 4)
    calibration = cbpe.fit_isotonic(np.sqrt(ref_score), ref_y)
    pd = calibration.apply(distorted)
    assert abs(pd.mean() - truth.mean()) < 0.005 < abs(distorted.mean() - truth.mean())
    assert cbpe.expected_auc(distorted, pd) == pytest.approx(cbpe.expected_auc(score, truth), abs=0.01)


def test_expected_confusion_and_cost_are_sums_of_pds() -> None:
    pd = np.array([0.1, 0.5, 0.9, 0.2])
    refused = np.array([False, True, True, False])
    confusion = cbpe.expected_confusion(pd, refused)
    assert confusion == pytest.approx({"tp": 1.4, "fp": 0.6, "fn": 0.3, "tn": 1.7})
    spec = CostSpec(w_fn=10, w_fp=1)
    assert cbpe.expected_cost(pd, refused, spec, None) == pytest.approx(10 * 0.3 + 1 * 0.6)
    estimate = cbpe.estimate(pd, pd, refused, spec, draws=50)
    assert estimate["cost_per_1000"] == pytest.approx(1000 * 3.6 / 4)
    assert estimate["default_rate"] == pytest.approx(0.425) and estimate["approval_rate"] == 0.5
    monetary = CostSpec("monetary", loss_given_default=0.5, margin=0.2)
    amount = np.array([100.0, 200.0, 300.0, 400.0])
    assert cbpe.expected_cost(pd, refused, monetary, amount) == pytest.approx(
        0.1 * 50 + 0.2 * 200 + 0.5 * 40 + 0.1 * 60
    )
