"""Feature selection inside the cross-validation: the leaner feature set and what it costs in AUC.

In each fold, a monotone-constrained LightGBM (twice the models' learning rate) is fitted on the fold's
training rows with every feature the policy allows; its split gain ranks the features, and the features with
a positive gain, at most ``max_features`` of them by gain, are kept. A second model of the same settings is
fitted on the kept features only. Both score the held-out rows, so the out-of-fold AUC of the full set and of
the selected set are measured with the selection inside the CV (the held-out rows never choose features).
The features kept in at least half of the folds, ranked by their mean share of the gain, at most
``max_features``, form the selection used from then on (in data order).

Below ``lgbm.SMALL_DATA_ROWS`` rows the default cap is ``SMALL_DATA_FEATURES``: on the real sample rows
(6,999 clients), LightGBM on the 60 features of largest gain ranked up to 0.002 AUC above the same model on
200, and the champion blend's cost at its threshold fell on each of five seeds of the folds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scoring.modeling import lgbm
from scoring.modeling.cv import LightGBMLearner, fold_indices
from scoring.modeling.dataset import TrainingData
from scoring.modeling.metrics import safe_auc

MAX_FEATURES = 200
SMALL_DATA_FEATURES = 60
METHOD = "positive split gain of a constrained LightGBM per fold, kept in at least half of the folds"


@dataclass(frozen=True)
class Selection:
    """The selected features (data order), their mean gain share, and the in-CV AUC of full vs selected."""

    names: list[str]
    gain_share: dict[str, float]
    n_input: int
    full_auc: float
    selected_auc: float
    per_fold: list[int]
    max_features: int

    def summary(self) -> dict:
        return {
            "method": METHOD,
            "n_input": self.n_input,
            "n_selected": len(self.names),
            "max_features": self.max_features,
            "full_auc": self.full_auc,
            "selected_auc": self.selected_auc,
            "auc_change": self.selected_auc - self.full_auc,
            "selected_per_fold": self.per_fold,
            "features": list(self.names),
            "gain_share": dict(self.gain_share),
        }

    def describe(self) -> str:
        return (
            f"Feature selection (inside {len(self.per_fold)}-fold CV): {len(self.names)} of {self.n_input} "
            f"features; out-of-fold AUC full set {self.full_auc:.4f}, selected {self.selected_auc:.4f} "
            f"({self.selected_auc - self.full_auc:+.4f})"
        )


def default_max_features(rows: int) -> int:
    """The most features the selection keeps by default on a data set of ``rows`` rows."""
    return SMALL_DATA_FEATURES if rows < lgbm.SMALL_DATA_ROWS else MAX_FEATURES


def _kept(gain: np.ndarray, max_features: int) -> np.ndarray:
    """Features with a positive gain, at most ``max_features``; a model without a single split (too few
    rows for its settings) selects nothing, so every feature is kept (up to ``max_features``)."""
    order = np.argsort(-gain, kind="stable")[:max_features]
    kept = order[gain[order] > 0]
    return np.sort(kept if len(kept) else order)


def select_features(
    data: TrainingData,
    params: dict,
    monotone: list[int],
    folds: int,
    seed: int,
    threads: int,
    max_features: int = MAX_FEATURES,
    bags: int = 1,
) -> Selection:
    """Select at most ``max_features`` features inside a ``folds``-fold CV (see the module docstring); the
    full and selected models bag ``bags`` seeds (as the candidates do), so their AUC differ by the features,
    not by one seed's luck."""
    rate = float(params.get("learning_rate", lgbm.DEFAULT_PARAMS["learning_rate"]))
    settings = {**params, "learning_rate": rate * lgbm.SELECTION_RATE_FACTOR}
    base = lgbm.base_dataset(data.X, data.y, data.names, data.categorical_indices, data.weight)
    full = LightGBMLearner(base, lgbm.NONE, settings, monotone, 1, threads)
    raw_full, raw_selected = np.zeros(data.n), np.zeros(data.n)
    shares, kept_per_fold = [], []
    for k, (train_idx, valid_idx) in enumerate(fold_indices(data.y, folds, seed)):
        gain = np.zeros(len(data.names))
        for bag in range(bags):
            model = full.fit_one(data, train_idx, seed + k + 7919 * bag)
            raw_full[valid_idx] += model.raw_score(data.X[valid_idx]) / bags
            gain += model.model.feature_importance("gain", iteration=model.rounds)
        shares.append(gain / max(gain.sum(), 1e-12))
        kept = _kept(gain, max_features)
        kept_per_fold.append(kept)
        subset = data.select([data.names[i] for i in kept])
        sub_base = lgbm.base_dataset(subset.X, subset.y, subset.names, subset.categorical_indices)
        learner = LightGBMLearner(sub_base, lgbm.NONE, settings, [monotone[i] for i in kept], bags, threads)
        raw_selected[valid_idx] = learner.fit_score(subset, train_idx, valid_idx, seed + k)
    votes = np.zeros(len(data.names))
    for kept in kept_per_fold:
        votes[kept] += 1
    mean_share = np.mean(shares, axis=0)
    stable = np.flatnonzero(votes >= folds / 2)
    if not len(stable):
        stable = np.flatnonzero(votes > 0)
    chosen = np.sort(stable[np.argsort(-mean_share[stable], kind="stable")][:max_features])
    return Selection(
        names=[data.names[i] for i in chosen],
        gain_share={data.names[i]: float(mean_share[i]) for i in chosen},
        n_input=len(data.names),
        full_auc=safe_auc(data.y, raw_full),
        selected_auc=safe_auc(data.y, raw_selected),
        per_fold=[len(k) for k in kept_per_fold],
        max_features=max_features,
    )
