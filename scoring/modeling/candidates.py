"""Candidates compared on the same folds: dummy, logistic regression and LightGBM per imbalance strategy."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from sklearn.dummy import DummyClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from scoring.modeling import lgbm
from scoring.modeling.cost import CostSpec
from scoring.modeling.cv import OofResult, oof_lightgbm, oof_sklearn
from scoring.modeling.dataset import TrainingData
from scoring.modeling.metrics import decision_metrics
from scoring.modeling.threshold import curve_for

TABLE_METRICS = ("auc", "cost_per_1000", "cost_vs_accept_all", "threshold", "recall", "precision", "fbeta")


def _finite(X: np.ndarray) -> np.ndarray:
    return np.where(np.isfinite(X), X, np.nan)


def logistic_regression(seed: int) -> object:
    """Median imputation, standard scaling and an L2 logistic regression."""
    return make_pipeline(
        FunctionTransformer(_finite),
        SimpleImputer(strategy="median", keep_empty_features=True),
        StandardScaler(),
        LogisticRegression(C=0.01, max_iter=200, random_state=seed),
    )


def stratified_sample(data: TrainingData, rows: int, seed: int) -> TrainingData:
    """At most ``rows`` rows with the same default rate (all rows when there are fewer)."""
    if data.n <= rows:
        return data
    idx, _ = train_test_split(np.arange(data.n), train_size=rows, stratify=data.y, random_state=seed)
    return data.subset(np.sort(idx))


def score_oof(data: TrainingData, prob: np.ndarray, spec: CostSpec) -> dict[str, float]:
    """Metrics of out-of-fold probabilities at their own cost-minimising threshold."""
    threshold = curve_for(data.y, prob, spec, data.amount).best_threshold
    return decision_metrics(data.y, prob, threshold, spec, data.amount)


@dataclass(frozen=True)
class Comparison:
    """The candidates table and the LightGBM imbalance strategy with the lowest business cost."""

    rows: list[dict]
    strategy: str

    def describe(self) -> str:
        header = f"{'candidate':<24}{'AUC':>7}{'cost/1000':>11}{'vs all':>8}{'thr':>7}{'recall':>8}{'sec':>7}"
        lines = [header]
        for r in self.rows:
            mark = " *" if r["selected"] else ""
            lines.append(
                f"{r['candidate']:<24}{r['auc']:>7.4f}{r['cost_per_1000']:>11.1f}{r['cost_vs_accept_all']:>8.3f}"
                f"{r['threshold']:>7.3f}{r['recall']:>8.3f}{r['seconds']:>7.1f}{mark}"
            )
        return "\n".join(lines)


def _row(
    name: str, model: str, strategy: str, data: TrainingData, oof: OofResult, spec: CostSpec, start: float
) -> dict:
    metrics = score_oof(data, oof.prob, spec)
    return {
        "candidate": name,
        "model": model,
        "strategy": strategy,
        **{k: metrics[k] for k in TABLE_METRICS},
        "rounds": oof.mean_rounds,
        "rows": data.n,
        "seconds": time.perf_counter() - start,
        "selected": False,
    }


def compare_candidates(
    data: TrainingData,
    spec: CostSpec,
    params: dict,
    folds: int,
    seed: int,
    threads: int,
    progress: bool = False,
) -> Comparison:
    """Cross-validate every candidate on the same stratified folds; select the cheapest LightGBM."""
    rows = []
    baselines = {
        "dummy (prior)": ("dummy", DummyClassifier(strategy="prior")),
        "logistic regression": ("logistic_regression", logistic_regression(seed)),
    }
    for name, (model, estimator) in baselines.items():
        start = time.perf_counter()
        oof = oof_sklearn(estimator, data, folds, seed, progress, name)
        rows.append(_row(name, model, "none", data, oof, spec, start))
    base = lgbm.base_dataset(data.X, data.y, data.names, data.categorical_indices)
    for strategy in lgbm.STRATEGIES:
        start = time.perf_counter()
        oof = oof_lightgbm(data, strategy, params, folds, seed, threads, progress, base=base)
        rows.append(_row(f"LightGBM {strategy}", "lightgbm", strategy, data, oof, spec, start))
    best = min((r for r in rows if r["model"] == "lightgbm"), key=lambda r: (r["cost_per_1000"], -r["auc"]))
    best["selected"] = True
    return Comparison(rows, best["strategy"])
