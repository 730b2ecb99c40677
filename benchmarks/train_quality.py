"""Decision-quality figures of a trained home: monotonicity along the policy's levers, the share of capped
counter-offers, and the out-of-fold AUC cost of the monotone constraints and of the whole policy (used by
bench_train)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scoring.explain.monotonicity import LeverCheck, check_lever, stored_applications
from scoring.features.monotone import monotone_policy
from scoring.home import Paths
from scoring.modeling import lgbm
from scoring.modeling.bundle import load_bundle
from scoring.modeling.cv import LightGBMLearner, cross_validate, repeated_folds
from scoring.modeling.dataset import load_training_data
from scoring.modeling.learners import LINEAR_FEATURES, LinearLearner, top_columns
from scoring.modeling.metrics import safe_auc
from scoring.serving.service import ScoringService, load_service
from scoring.serving.whatif import counter_offer

CLIENTS = 500


def _sample(service: ScoringService, paths: Paths, rows: np.ndarray) -> tuple[np.ndarray, list[dict]]:
    applications = stored_applications(paths.interim, service.store.ids[rows].tolist())
    keep = [i for i, a in enumerate(applications) if a is not None]
    return np.asarray(service.store.matrix[rows[keep]]), [applications[i] for i in keep]


def lever_checks(paths: Paths, version: str | None = None, clients: int = CLIENTS) -> list[LeverCheck]:
    """Each lever of the policy over ``clients`` random stored clients, through the served model."""
    service = load_service(paths.models, paths.features, paths.interim, version)
    rows = np.random.default_rng(0).choice(
        len(service.store), min(clients, len(service.store)), replace=False
    )
    vectors, applications = _sample(service, paths, rows)

    def rescore(X: np.ndarray, changed: list[dict]) -> np.ndarray:
        service.featurizer.replace_application_features(X, changed)
        return service.scorer.predict(X)

    return [check_lever(lever, vectors, applications, rescore) for lever in monotone_policy().levers]


def capped_share(paths: Paths, version: str | None = None, clients: int = CLIENTS) -> tuple[int, int]:
    """(capped, checked) counter-offers of up to ``clients`` random accepted stored clients: capped means
    only the product's maximum amount stops the offer search (neither risk nor affordability)."""
    service = load_service(paths.models, paths.features, paths.interim, version)
    accepted = np.flatnonzero(np.asarray(service.probabilities) < service.scorer.threshold)
    rows = np.random.default_rng(1).choice(accepted, min(clients, len(accepted)), replace=False)
    vectors, applications = _sample(service, paths, rows)
    capped = sum(counter_offer(service, a, v).capped for v, a in zip(vectors, applications, strict=True))
    return capped, len(applications)


@dataclass(frozen=True)
class ConstraintCost:
    """Out-of-fold AUC with the policy's directions, without them, and without the policy at all (no
    directions, and the features it excludes given back)."""

    model: str
    constrained: float
    free: float
    unrestricted: float
    excluded: int

    def describe(self) -> str:
        return (
            f"{self.model}: out-of-fold AUC {self.constrained:.4f} with the monotone constraints, "
            f"{self.free:.4f} without (cost {self.free - self.constrained:+.4f}); {self.unrestricted:.4f} "
            f"without the policy at all, its {self.excluded} excluded feature(s) given back "
            f"(cost {self.unrestricted - self.constrained:+.4f})"
        )


def constraint_cost(paths: Paths, repeats: int, folds: int = 5, seed: int = 42) -> list[ConstraintCost]:
    """Out-of-fold AUC of LightGBM and of the logistic regression on the selected features, with and without
    the policy's directions, and without any directions on the selected features plus the ones the policy
    excludes, on the same folds (mean over the repeats)."""
    policy = monotone_policy()
    selection = load_bundle(paths.models).metadata["feature_selection"]
    every = load_training_data(paths.features, paths.feature_dictionary)
    excluded = [n for n in every.names if policy.excluded(n)]
    data = every.select(selection["features"])
    wide = every.select(selection["features"] + excluded)
    monotone = policy.directions(data.names)
    splits = repeated_folds(data.y, folds, repeats, seed)
    params, _ = lgbm.size_defaults(data.n)
    base = lgbm.base_dataset(data.X, data.y, data.names, data.categorical_indices)
    wide_base = lgbm.base_dataset(wide.X, wide.y, wide.names, wide.categorical_indices)
    columns = top_columns(data.names, selection["gain_share"], LINEAR_FEATURES)
    wide_columns = columns + list(range(len(data.names), len(wide.names)))
    learners = {
        "LightGBM": (
            LightGBMLearner(base, lgbm.NONE, params, monotone),
            LightGBMLearner(base, lgbm.NONE, params),
            LightGBMLearner(wide_base, lgbm.NONE, params),
        ),
        "logistic regression": (
            LinearLearner(columns, monotone),
            LinearLearner(columns, [0] * len(monotone)),
            LinearLearner(wide_columns, [0] * len(wide.names)),
        ),
    }
    costs = []
    for name, arms in learners.items():
        auc = [
            float(np.mean([safe_auc(d.y, r) for r in cross_validate(learner, d, splits, seed).raw]))
            for learner, d in zip(arms, (data, data, wide), strict=True)
        ]
        costs.append(ConstraintCost(name, *auc, len(excluded)))
    return costs
