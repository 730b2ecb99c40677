"""One seed of the reject-inference study: champion, lender's history, a model per method (and, as the
ceiling no lender has, one trained on every through-the-door applicant's outcome), each measured against the
oracle on future applicants: all of them (through the door) and those the champion accepts.

The methods learn from the `LenderHistory` only; the oracle's outcomes are read by `measure` alone.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from scoring.features.monotone import MonotonePolicy, monotone_policy
from scoring.modeling.cost import CostSpec
from scoring.modeling.dataset import TrainingData
from scoring.modeling.metrics import decision_metrics, ece
from scoring.reject_inference.augment import NONE, Inferred, Policy, check_method, infer
from scoring.reject_inference.lender_history import (
    LenderHistory,
    accepted_mask,
    simulate_history,
    train_champion,
)
from scoring.reject_inference.twin import Population, build_population
from scoring.reject_inference.weighted_fit import FitSettings, WeightedModel, fit_weighted

CEILING = "all labels (ceiling)"
THROUGH_THE_DOOR, ACCEPTED = "through the door", "accepted"
ROLES = ("earlier", "history", "future")


@dataclass(frozen=True)
class TrainingRows:
    """What a method trains on: accepted rows then inferred rows, their weights and applicant groups."""

    data: TrainingData
    weight: np.ndarray
    groups: np.ndarray
    inferred: Inferred


def training_rows(
    method: str,
    history: LenderHistory,
    baseline: WeightedModel | None,
    seed: int,
    factors: Policy | None = None,
) -> TrainingRows:
    """The accepted applicants (weight 1) plus the rows the method infers for the refused ones, whose
    probabilities of default come from ``baseline`` (the accepted-only model)."""
    accepted = history.accepted
    if check_method(method) == NONE or baseline is None:
        inferred = Inferred.empty()
    else:
        inferred = infer(
            method,
            baseline.predict(accepted.X),
            accepted.y,
            baseline.predict(history.rejected_X),
            seed,
            factors,
        )
    data = TrainingData(
        np.concatenate([accepted.ids, history.rejected_ids[inferred.reject]]),
        np.vstack([accepted.X, history.rejected_X[inferred.reject]]),
        np.concatenate([accepted.y, inferred.y]).astype(accepted.y.dtype),
        accepted.features,
        None,
    )
    groups = np.concatenate([np.arange(accepted.n), accepted.n + inferred.reject])
    return TrainingRows(data, np.concatenate([np.ones(accepted.n), inferred.weight]), groups, inferred)


def fit_methods(
    history: LenderHistory,
    methods: tuple[str, ...],
    policy: MonotonePolicy,
    settings: FitSettings,
    factors: Policy | None = None,
) -> dict[str, WeightedModel]:
    """A model per method, the accepted-only one first (the others infer from it)."""
    models: dict[str, WeightedModel] = {}
    for method in (NONE, *(m for m in methods if m != NONE)):
        rows = training_rows(method, history, models.get(NONE), settings.seed, factors)
        models[method] = fit_weighted(rows.data, rows.weight, rows.groups, policy, settings)
    return models


def measure(model: WeightedModel, applicants: Population, cost: CostSpec) -> dict[str, float]:
    """AUC, ECE, mean PD against the true mean, cost per 1,000 and approval rate, against the oracle."""
    y, prob = applicants.data.y, model.predict(applicants.data.X)
    decision = decision_metrics(y, prob, model.threshold, cost)
    return {
        "auc": decision["auc"],
        "ece": ece(y, prob),
        "mean_pd": float(prob.mean()),
        "true_mean_pd": float(applicants.true_pd.mean()),
        "cost_per_1000": decision["cost_per_1000"],
        "approval_rate": decision["approval_rate"],
    }


def split_roles(population: Population, seed: int) -> dict[str, Population]:
    """The earlier, history and future applicants: one generation split at random in three."""
    parts = np.array_split(np.random.default_rng(seed).permutation(population.n), len(ROLES))
    return {role: population.subset(np.sort(part)) for role, part in zip(ROLES, parts, strict=True)}


def run_seed(
    seed: int,
    clients: int,
    methods: tuple[str, ...],
    settings: FitSettings,
    factors: Policy | None = None,
    ceiling: bool = True,
) -> tuple[list[dict], dict]:
    """Rows (seed, method, population, figures) of one seed, and facts about its history."""
    settings = replace(settings, seed=seed)
    policy = monotone_policy()
    roles = split_roles(build_population(clients, seed), seed)
    champion = train_champion(roles["earlier"], policy, settings)
    history = simulate_history(champion, roles["history"])
    models = fit_methods(history, methods, policy, settings, factors)
    if ceiling:
        models[CEILING] = train_champion(roles["history"], policy, settings)
    future = roles["future"]
    accepted = future.subset(np.flatnonzero(accepted_mask(champion, future)))
    rows = [
        {"seed": seed, "method": name, "population": label, **measure(model, applicants, settings.cost)}
        for name, model in models.items()
        for label, applicants in ((THROUGH_THE_DOOR, future), (ACCEPTED, accepted))
    ]
    facts = {
        "seed": seed,
        "applicants": {role: p.n for role, p in roles.items()},
        "acceptance_rate": history.acceptance_rate,
        "champion_threshold": champion.threshold,
    }
    return rows, facts
