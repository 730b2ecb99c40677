"""A weighted model of the product's kind, fast enough to fit a dozen times in a benchmark: monotone
LightGBM (the product's parameters for the data size, its monotone policy), K-fold out-of-fold raw scores
(early stopping on the held-out fold, rows of one applicant kept in one fold), a weighted Platt calibrator
fitted on them and the threshold that minimises the weighted business cost of the calibrated out-of-fold
probabilities. Feature selection and the candidate comparison of `scoring train` are left out: every
feature the policies allow is used."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from scoring.features.monotone import MonotonePolicy
from scoring.modeling import lgbm
from scoring.modeling.calibration import Calibrator, fit_platt
from scoring.modeling.cost import CostSpec
from scoring.modeling.dataset import TrainingData
from scoring.modeling.threshold import cost_curve


@dataclass(frozen=True)
class FitSettings:
    """Folds, seed, threads, LightGBM overrides and the most boosting rounds."""

    folds: int = 3
    seed: int = 0
    threads: int = 2
    params: dict = field(default_factory=dict)
    max_rounds: int = lgbm.MAX_ROUNDS
    cost: CostSpec = field(default_factory=CostSpec)


@dataclass(frozen=True)
class WeightedModel:
    """Boosted model, its calibrator and cost-minimising threshold (refused when PD >= threshold)."""

    booster: lgbm.Booster
    calibrator: Calibrator
    threshold: float

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Calibrated probability of default."""
        return self.calibrator(self.booster.raw_score(X))


def _folds(groups: np.ndarray, folds: int, seed: int) -> np.ndarray:
    """Fold of each row: each group (applicant) drawn into one fold at random."""
    unique, position = np.unique(groups, return_inverse=True)
    fold_of_group = np.random.default_rng(seed).permutation(len(unique)) % folds
    return fold_of_group[position]


def fit_weighted(
    data: TrainingData,
    weight: np.ndarray,
    groups: np.ndarray,
    policy: MonotonePolicy,
    settings: FitSettings,
) -> WeightedModel:
    """Fit on rows ``data`` with ``weight``; ``groups`` names the applicant of each row (kept in one fold)."""
    params = {**lgbm.size_defaults(data.n)[0], **settings.params}
    monotone = policy.directions(data.names)
    base = lgbm.base_dataset(data.X, data.y, data.names, data.categorical_indices, weight)
    fold = _folds(groups, settings.folds, settings.seed)
    raw, rounds = np.empty(data.n), []
    for k in range(settings.folds):
        fit_idx, held = np.flatnonzero(fold != k), np.flatnonzero(fold == k)
        booster = lgbm.fit(
            base.subset(fit_idx.tolist()),
            data.y[fit_idx],
            params,
            lgbm.NONE,
            settings.seed,
            settings.threads,
            valid=base.subset(held.tolist()),
            rounds=settings.max_rounds,
            monotone=monotone,
        )
        raw[held] = booster.raw_score(data.X[held])
        rounds.append(booster.rounds)
    final = lgbm.fit(
        base,
        data.y,
        params,
        lgbm.NONE,
        settings.seed,
        settings.threads,
        rounds=max(1, round(float(np.mean(rounds)))),
        monotone=monotone,
    )
    calibrator = fit_platt(raw, data.y, weight=weight)
    fn_cost, fp_cost = settings.cost.client_costs(data.n)
    curve = cost_curve(data.y, calibrator(raw), fn_cost * weight, fp_cost * weight)
    return WeightedModel(final, calibrator, curve.best_threshold)
