"""Optuna search of LightGBM parameters on the cross-validated business cost (or AUC).

Scores are the out-of-fold raw scores: the best cost over every threshold and the AUC depend only on their
order, which calibration keeps. Each trial is a K-fold cross-validation early-stopped inside the folds;
trials whose running fold score is worse than the median of earlier trials at the same fold are pruned.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import optuna
from tqdm.auto import tqdm

from scoring.modeling import lgbm
from scoring.modeling.cost import CostSpec
from scoring.modeling.cv import oof_lightgbm
from scoring.modeling.dataset import TrainingData
from scoring.modeling.metrics import safe_auc
from scoring.modeling.threshold import curve_for

COST = "cost"
AUC = "auc"
METRICS = (COST, AUC)


@dataclass(frozen=True)
class TuningResult:
    """Best parameters found, their score and how many trials ran (completed and pruned)."""

    params: dict
    score: float
    metric: str
    trials: int
    pruned: int


def search_space(trial: optuna.Trial) -> dict:
    """LightGBM parameters explored by a trial."""
    return {
        "learning_rate": trial.suggest_float("learning_rate", 0.02, 0.15, log=True),
        "num_leaves": trial.suggest_int("num_leaves", 8, 128, log=True),
        "min_child_samples": trial.suggest_int("min_child_samples", 10, 300, log=True),
        "feature_fraction": trial.suggest_float("feature_fraction", 0.2, 0.9),
        "bagging_fraction": trial.suggest_float("bagging_fraction", 0.5, 1.0),
        "lambda_l1": trial.suggest_float("lambda_l1", 1e-3, 10.0, log=True),
        "lambda_l2": trial.suggest_float("lambda_l2", 1e-3, 30.0, log=True),
    }


def _score(metric: str, y: np.ndarray, prob: np.ndarray, spec: CostSpec, amount: np.ndarray | None) -> float:
    if metric == AUC:
        return safe_auc(y, prob)
    return 1000.0 * curve_for(y, prob, spec, amount).best_cost / len(y)


def tune(
    data: TrainingData,
    strategy: str,
    spec: CostSpec,
    metric: str,
    trials: int,
    minutes: float,
    folds: int,
    seed: int,
    threads: int,
    progress: bool = False,
    base_params: dict | None = None,
    monotone: list[int] | None = None,
) -> TuningResult:
    """Search parameters for ``strategy`` for ``trials`` trials or ``minutes`` minutes (0 = no limit)."""
    if metric not in METRICS:
        raise ValueError(f"tuning metric {metric!r} is not one of {', '.join(METRICS)}")
    if trials <= 0 and minutes <= 0:
        raise ValueError("tuning needs a number of trials or a number of minutes")
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(
        direction="maximize" if metric == AUC else "minimize",
        sampler=optuna.samplers.TPESampler(seed=seed),
        pruner=optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=0),
    )
    bar = tqdm(total=trials or None, desc="Optuna", disable=None if progress else True)
    base = lgbm.base_dataset(data.X, data.y, data.names, data.categorical_indices)

    def objective(trial: optuna.Trial) -> float:
        running = np.full(data.n, np.nan)

        def on_fold(fold: int, valid_idx: np.ndarray, prob: np.ndarray) -> None:
            running[valid_idx] = prob
            seen = ~np.isnan(running)
            amount = None if data.amount is None else data.amount[seen]
            trial.report(_score(metric, data.y[seen], running[seen], spec, amount), fold)
            if trial.should_prune():
                raise optuna.TrialPruned()

        params = {**(base_params or {}), **search_space(trial)}
        oof = oof_lightgbm(
            data, strategy, params, folds, seed, threads, on_fold=on_fold, base=base, monotone=monotone
        )
        return _score(metric, data.y, oof.raw[0], spec, data.amount)

    study.optimize(
        objective,
        n_trials=trials or None,
        timeout=minutes * 60 if minutes > 0 else None,
        callbacks=[lambda *_: bar.update(1)],
    )
    bar.close()
    pruned = sum(t.state == optuna.trial.TrialState.PRUNED for t in study.trials)
    return TuningResult(study.best_params, float(study.best_value), metric, len(study.trials), pruned)
