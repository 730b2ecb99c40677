"""Repeated stratified K-fold cross-validation with out-of-fold raw scores (log-odds).

Every candidate is a learner: fitted on a fold's training rows, it scores the fold's held-out rows. For
LightGBM, each training fold is split again: 10% of it (stratified) is held out for early stopping, the rest
is resampled by the imbalance strategy and fitted on; with several bagged seeds, each seed has its own
early-stopping split and the raw scores are averaged. The out-of-fold rows are never seen by the model that
scores them, neither for fitting nor for stopping.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import lightgbm as lgb
import numpy as np
from sklearn.model_selection import RepeatedStratifiedKFold, train_test_split
from tqdm.auto import tqdm

from scoring.modeling import lgbm
from scoring.modeling.dataset import DatasetError, TrainingData

EARLY_STOP_SHARE = 0.1
FoldCallback = Callable[[int, np.ndarray, np.ndarray], None]
Split = tuple[np.ndarray, np.ndarray]


class Learner(Protocol):
    def fit_score(
        self, data: TrainingData, train_idx: np.ndarray, valid_idx: np.ndarray, seed: int
    ) -> np.ndarray:
        """Fit on ``train_idx`` rows, return the raw scores (log-odds) of ``valid_idx`` rows."""
        ...


@dataclass(frozen=True)
class OofResult:
    """Out-of-fold raw scores, one row per repeat, and the boosting rounds chosen in each fold (LightGBM)."""

    raw: np.ndarray  # repeats x clients
    rounds: tuple[int, ...] = ()

    @property
    def repeats(self) -> int:
        return self.raw.shape[0]

    @property
    def mean_rounds(self) -> int:
        return max(1, round(float(np.mean(self.rounds)))) if self.rounds else 0

    @property
    def prob(self) -> np.ndarray:
        """Uncalibrated probability of the first repeat (the raw model's own)."""
        return 1.0 / (1.0 + np.exp(-self.raw[0]))


def repeated_folds(y: np.ndarray, folds: int, repeats: int, seed: int) -> list[list[Split]]:
    """Stratified (train, validation) index pairs per repeat; fails clearly when a class is too small."""
    minority = int(min(y.sum(), len(y) - y.sum()))
    if minority < folds:
        raise DatasetError(
            f"{folds}-fold cross-validation needs at least {folds} rows of each class, got {minority}"
        )
    splitter = RepeatedStratifiedKFold(n_splits=folds, n_repeats=repeats, random_state=seed)
    splits = list(splitter.split(np.zeros(len(y)), y))
    return [splits[r * folds : (r + 1) * folds] for r in range(repeats)]


def fold_indices(y: np.ndarray, folds: int, seed: int) -> list[Split]:
    """Stratified (train, validation) index pairs of one K-fold split."""
    return repeated_folds(y, folds, 1, seed)[0]


def cross_validate(
    learner: Learner,
    data: TrainingData,
    splits: list[list[Split]],
    seed: int,
    progress: bool = False,
    name: str = "",
    on_fold: FoldCallback | None = None,
) -> OofResult:
    """Out-of-fold raw scores of a learner on every repeat of ``splits``."""
    raw = np.full((len(splits), data.n), np.nan)
    pairs = [(r, k, split) for r, repeat in enumerate(splits) for k, split in enumerate(repeat)]
    for r, k, (train_idx, valid_idx) in tqdm(pairs, desc=name, disable=None if progress else True):
        raw[r, valid_idx] = learner.fit_score(data, train_idx, valid_idx, seed + 1000 * r + k)
        if on_fold is not None:
            on_fold(k, valid_idx, raw[r, valid_idx])
    return OofResult(raw, tuple(getattr(learner, "rounds", ())))


def early_stop_split(idx: np.ndarray, y: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    fit_idx, stop_idx = train_test_split(idx, test_size=EARLY_STOP_SHARE, stratify=y[idx], random_state=seed)
    return np.sort(fit_idx), np.sort(stop_idx)


@dataclass
class LightGBMLearner:
    """LightGBM under an imbalance strategy, monotone constraints and ``bags`` seeds, early-stopped in-fold.

    ``base`` is the binned dataset of the data it is given (``lgbm.base_dataset``); ``rounds`` collects the
    rounds each fitted model stopped at.
    """

    base: lgb.Dataset
    strategy: str = lgbm.NONE
    params: dict = field(default_factory=dict)
    monotone: list[int] | None = None
    bags: int = 1
    threads: int = 1
    rounds: list[int] = field(default_factory=list)

    def fit_score(
        self, data: TrainingData, train_idx: np.ndarray, valid_idx: np.ndarray, seed: int
    ) -> np.ndarray:
        raw = np.zeros(len(valid_idx))
        for bag in range(self.bags):
            model = self.fit_one(data, train_idx, seed + 7919 * bag)
            raw += model.raw_score(data.X[valid_idx]) / self.bags
        return raw

    def fit_one(self, data: TrainingData, train_idx: np.ndarray, seed: int) -> lgbm.Booster:
        fit_idx, stop_idx = early_stop_split(train_idx, data.y, seed)
        train_set, y_fit = lgbm.training_set(
            self.base, data.X, data.y, fit_idx, self.strategy, data.categorical_indices, seed
        )
        stop_set = lgbm.stopping_set(self.base, data.y, stop_idx, self.strategy)
        model = lgbm.fit(
            train_set,
            y_fit,
            self.params,
            self.strategy,
            seed,
            self.threads,
            valid=stop_set,
            monotone=self.monotone,
        )
        self.rounds.append(model.rounds)
        return model


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
    monotone: list[int] | None = None,
) -> OofResult:
    """Out-of-fold raw scores of one K-fold of LightGBM (used by tuning and quick fixtures)."""
    if base is None:
        base = lgbm.base_dataset(data.X, data.y, data.names, data.categorical_indices)
    learner = LightGBMLearner(base, strategy, params, monotone, 1, threads)
    splits = [fold_indices(data.y, folds, seed)]
    return cross_validate(learner, data, splits, seed, progress, f"LightGBM {strategy}", on_fold)
