"""The learners the candidates are made of (LightGBM: ``cv``): prior, logistic regression, scorecard,
and the final fit of each kind on every row."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from scipy.special import logit

from scoring.features.monotone import MonotonePolicy
from scoring.modeling import lgbm
from scoring.modeling.candidates import (
    BLEND,
    LIGHTGBM,
    LINEAR,
    PRIOR,
    SCORECARD,
    Candidate,
    blend,
    blend_weight,
)
from scoring.modeling.cv import Learner, LightGBMLearner, OofResult, cross_validate, repeated_folds
from scoring.modeling.dataset import TrainingData
from scoring.modeling.linear import C, LinearModel, fit_linear
from scoring.modeling.models import BoostedModel, ScorecardModel, ScoringModel
from scoring.modeling.scorecard import Scorecard
from scoring.modeling.scorecard_fit import fit_scorecard

SCORECARD_FEATURES = 40
LINEAR_FEATURES = 60


class PriorLearner:
    """The training default rate for everyone."""

    def fit_score(
        self, data: TrainingData, train_idx: np.ndarray, valid_idx: np.ndarray, seed: int
    ) -> np.ndarray:
        rate = float(np.clip(data.y[train_idx].mean(), 1e-6, 1 - 1e-6))
        return np.full(len(valid_idx), logit(rate))


@dataclass
class LinearLearner:
    """The monotone-signed logistic regression of ``linear`` on ``columns`` (the most important selected
    features); the other features contribute nothing."""

    columns: list[int]
    monotone: list[int]

    def fit(self, data: TrainingData, idx: np.ndarray, wide: bool = True) -> LinearModel:
        """Fitted on rows ``idx``; reads the full matrix of ``data`` when ``wide``, else only its columns."""
        model = fit_linear(
            data.X[np.ix_(idx, self.columns)],
            data.y[idx],
            [data.names[i] for i in self.columns],
            [self.monotone[i] for i in self.columns],
        )
        return widen(model, self.columns, data.names) if wide else model

    def fit_score(
        self, data: TrainingData, train_idx: np.ndarray, valid_idx: np.ndarray, seed: int
    ) -> np.ndarray:
        return self.fit(data, train_idx).raw_score(data.X[valid_idx])


@dataclass
class ScorecardLearner:
    """The OptBinning scorecard on ``columns`` (the most important selected features)."""

    columns: list[int]
    monotone: list[int]

    def fit(self, data: TrainingData, idx: np.ndarray) -> Scorecard:
        features = [data.features[i] for i in self.columns]
        return fit_scorecard(
            data.X[np.ix_(idx, self.columns)],
            data.y[idx],
            [f.name for f in features],
            [f.categorical for f in features],
            [self.monotone[i] for i in self.columns],
        )

    def fit_score(
        self, data: TrainingData, train_idx: np.ndarray, valid_idx: np.ndarray, seed: int
    ) -> np.ndarray:
        return self.fit(data, train_idx).raw_score(data.X[np.ix_(valid_idx, self.columns)])


def widen(model: LinearModel, columns: list[int], names: list[str]) -> LinearModel:
    """The same model reading the full matrix of ``names``: its terms point at ``columns``."""
    return replace(model, names=tuple(names), feature=np.asarray(columns, dtype=np.int64)[model.feature])


def top_columns(names: list[str], gain_share: dict[str, float], top: int) -> list[int]:
    """Positions (in ``names``) of the ``top`` features with the largest gain share, in data order."""
    ranked = sorted(range(len(names)), key=lambda i: -gain_share.get(names[i], 0.0))
    return sorted(ranked[:top])


def fit_boosters(
    learner: LightGBMLearner, data: TrainingData, rounds: int, seed: int
) -> tuple[lgbm.Booster, ...]:
    """The learner's model on all rows, one booster per bagged seed, for ``rounds`` rounds each."""
    boosters = []
    for bag in range(learner.bags):
        bag_seed = seed + 7919 * bag
        train_set, y_fit = lgbm.training_set(
            learner.base,
            data.X,
            data.y,
            np.arange(data.n),
            learner.strategy,
            data.categorical_indices,
            bag_seed,
        )
        boosters.append(
            lgbm.fit(
                train_set,
                y_fit,
                learner.params,
                learner.strategy,
                bag_seed,
                learner.threads,
                rounds=rounds,
                monotone=learner.monotone,
            )
        )
    return tuple(boosters)


@dataclass(frozen=True)
class Setup:
    """What the learners of a run share: LightGBM parameters and seeds, the policy, the features of the
    scorecard and of the logistic regression (positions among the selected features), threads."""

    params: dict
    bags: int
    policy: MonotonePolicy
    scorecard: list[int]
    linear: list[int]
    threads: int

    def learner(self, candidate: Candidate, data: TrainingData) -> Learner | None:
        """The learner of a candidate on ``data`` (None for the blend, mixed from two others)."""
        monotone = self.policy.directions(data.names)
        if candidate.family == PRIOR:
            return PriorLearner()
        if candidate.family == LINEAR:
            return LinearLearner(self.linear, monotone)
        if candidate.family == SCORECARD:
            return ScorecardLearner(self.scorecard, monotone)
        if candidate.family == LIGHTGBM:
            base = lgbm.base_dataset(data.X, data.y, data.names, data.categorical_indices, data.weight)
            return LightGBMLearner(base, candidate.strategy, self.params, monotone, self.bags, self.threads)
        return None

    def cross_validate(
        self, candidate: Candidate, data: TrainingData, folds: int, seed: int, progress: bool
    ) -> OofResult:
        """One K-fold of a candidate on ``data`` (a blend from its parts)."""
        splits = repeated_folds(data.y, folds, 1, seed)
        if candidate.family == BLEND:
            parts = [self.learner(Candidate(f, f), data) for f in (LIGHTGBM, *candidate.partners)]
            boosted, *partners = (cross_validate(p, data, splits, seed, progress, "blend") for p in parts)
            return blend(boosted, partners)
        return cross_validate(self.learner(candidate, data), data, splits, seed, progress, candidate.name)

    def final_model(
        self, candidate: Candidate, data: TrainingData, seed: int, rounds: int
    ) -> tuple[ScoringModel, dict]:
        """The served model of a candidate fitted on every row, and its parameters for the record."""
        rows = np.arange(data.n)
        monotone = self.policy.directions(data.names)
        scorecard = ScorecardLearner(self.scorecard, monotone)
        if candidate.family == SCORECARD:
            fitted = scorecard.fit(data, rows)
            return ScorecardModel(fitted), {"features": len(fitted.characteristics)}
        linear = LinearLearner(self.linear, monotone)
        if candidate.family == LINEAR:
            return BoostedModel((), (linear.fit(data, rows, wide=False),), 0.0), {
                "C": C,
                "features": len(self.linear),
            }
        booster = self.learner(Candidate(LIGHTGBM, LIGHTGBM, candidate.strategy), data)
        fitted = fit_boosters(booster, data, rounds, seed)
        params = dict(fitted[0].params)
        params.pop("monotone_constraints", None)  # listed per feature in metadata "monotone"
        models = tuple(f.model for f in fitted)
        if candidate.family == BLEND:
            fitters = {LINEAR: linear.fit, SCORECARD: scorecard.fit}
            partners = tuple(fitters[family](data, rows) for family in candidate.partners)
            return BoostedModel(models, partners, blend_weight(len(partners))), params
        return BoostedModel(models), params
