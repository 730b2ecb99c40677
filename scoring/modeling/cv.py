"""Stratified K-fold cross-validation with out-of-fold predictions.

For LightGBM, each training fold is split again: 10% of it (stratified) is held out for early stopping, the
rest is resampled by the imbalance strategy and fitted on. The out-of-fold rows are never seen by the model
that predicts them, neither for fitting nor for stopping.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import lightgbm as lgb
import numpy as np
from sklearn.base import ClassifierMixin, clone
from sklearn.model_selection import StratifiedKFold, train_test_split
from tqdm.auto import tqdm

from scoring.modeling import lgbm
from scoring.modeling.dataset import DatasetError, TrainingData

EARLY_STOP_SHARE = 0.1
FoldCallback = Callable[[int, np.ndarray, np.ndarray], None]


@dataclass(frozen=True)
class OofResult:
    """Out-of-fold probabilities for every row and the boosting rounds chosen in each fold."""

    prob: np.ndarray
    rounds: tuple[int, ...] = ()

    @property
    def mean_rounds(self) -> int:
        return max(1, round(float(np.mean(self.rounds)))) if self.rounds else 0


def fold_indices(y: np.ndarray, folds: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Stratified (train, validation) index pairs; fails clearly when a class has fewer rows than folds."""
    minority = int(min(y.sum(), len(y) - y.sum()))
    if minority < folds:
        raise DatasetError(
            f"{folds}-fold cross-validation needs at least {folds} rows of each class, got {minority}"
        )
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    return list(splitter.split(np.zeros(len(y)), y))


def _early_stop_split(idx: np.ndarray, y: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    fit_idx, stop_idx = train_test_split(idx, test_size=EARLY_STOP_SHARE, stratify=y[idx], random_state=seed)
    return np.sort(fit_idx), np.sort(stop_idx)


def oof_lightgbm(
    data: TrainingData,
    strategy: str,
    params: dict,
    folds: int,
    seed: int,
    threads: int,
    progress: bool = False,
    on_fold: FoldCallback | None = None,
    base: lgb.Dataset | None = None,
) -> OofResult:
    """Out-of-fold probabilities of LightGBM under an imbalance strategy, early-stopped inside each fold.

    ``base`` is the binned dataset of ``data`` (``lgbm.base_dataset``) when the caller already has it.
    """
    if base is None:
        base = lgbm.base_dataset(data.X, data.y, data.names, data.categorical_indices)
    prob = np.full(data.n, np.nan)
    rounds = []
    splits = fold_indices(data.y, folds, seed)
    for k, (train_idx, valid_idx) in enumerate(
        tqdm(splits, desc=f"LightGBM {strategy}", disable=not progress)
    ):
        fit_idx, stop_idx = _early_stop_split(train_idx, data.y, seed + k)
        train_set, y_fit = lgbm.training_set(
            base, data.X, data.y, fit_idx, strategy, data.categorical_indices, seed + k
        )
        stop_set = lgbm.stopping_set(base, data.y, stop_idx, strategy)
        model = lgbm.fit(train_set, y_fit, params, strategy, seed, threads, valid=stop_set)
        prob[valid_idx] = model.predict(data.X[valid_idx])
        rounds.append(model.rounds)
        if on_fold is not None:
            on_fold(k, valid_idx, prob[valid_idx])
    return OofResult(prob, tuple(rounds))


def oof_sklearn(
    estimator: ClassifierMixin,
    data: TrainingData,
    folds: int,
    seed: int,
    progress: bool = False,
    name: str = "",
) -> OofResult:
    """Out-of-fold probabilities of a scikit-learn classifier (refitted from scratch in each fold)."""
    prob = np.full(data.n, np.nan)
    for train_idx, valid_idx in tqdm(fold_indices(data.y, folds, seed), desc=name, disable=not progress):
        model = clone(estimator).fit(data.X[train_idx], data.y[train_idx])
        prob[valid_idx] = model.predict_proba(data.X[valid_idx])[:, 1]
    return OofResult(prob)
