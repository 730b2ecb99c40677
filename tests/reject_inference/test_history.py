"""The simulated lender's history on a small synthetic twin: the refused applicants' outcomes never reach the
training, which sees the accepted outcomes plus the inferred ones; the figures come from the oracle."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from scoring.features.monotone import monotone_policy
from scoring.modeling.metrics import ece
from scoring.reject_inference import experiment
from scoring.reject_inference.augment import FUZZY, NONE, PARCELLING, infer
from scoring.reject_inference.experiment import (
    ACCEPTED,
    CEILING,
    THROUGH_THE_DOOR,
    fit_methods,
    measure,
    run_seed,
    split_roles,
    training_rows,
)
from scoring.reject_inference.lender_history import LenderHistory, simulate_history, train_champion
from scoring.reject_inference.twin import Population, build_population
from scoring.reject_inference.weighted_fit import FitSettings

FAST = FitSettings(folds=2, seed=5, threads=1, params={"learning_rate": 0.3, "num_leaves": 4}, max_rounds=15)
METHODS = (NONE, FUZZY, PARCELLING)


@pytest.fixture(scope="module")
def roles() -> dict[str, Population]:
    return split_roles(build_population(900, seed=5), seed=5)


@pytest.fixture(scope="module")
def history(roles: dict[str, Population]) -> LenderHistory:
    champion = train_champion(roles["earlier"], monotone_policy(), FAST)
    return simulate_history(champion, roles["history"])


def _with_outcomes(population: Population, rows: np.ndarray, y: np.ndarray) -> Population:
    labels = population.data.y.copy()
    labels[rows] = y
    return replace(population, data=replace(population.data, y=labels))


def test_only_the_accepted_keep_their_outcome(roles: dict[str, Population], history: LenderHistory) -> None:
    applicants = roles["history"]
    assert history.accepted.n + len(history.rejected_ids) == applicants.n
    assert 0.3 < history.acceptance_rate < 1.0
    position = {i: k for k, i in enumerate(applicants.data.ids)}
    accepted_rows = [position[i] for i in history.accepted.ids]
    assert (history.accepted.y == applicants.data.y[accepted_rows]).all()
    assert not set(history.rejected_ids) & set(history.accepted.ids)


def test_the_refused_outcomes_never_reach_the_training(
    roles: dict[str, Population], history: LenderHistory
) -> None:
    applicants = roles["history"]
    refused = np.flatnonzero(np.isin(applicants.data.ids, history.rejected_ids))
    flipped = _with_outcomes(applicants, refused, 1 - applicants.data.y[refused])
    again = simulate_history(history.champion, flipped)
    baseline = fit_methods(history, (NONE,), monotone_policy(), FAST)[NONE]
    for method in METHODS:
        rows, rows_again = (training_rows(method, h, baseline, FAST.seed) for h in (history, again))
        assert (rows.data.y == rows_again.data.y).all() and (rows.weight == rows_again.weight).all()


def test_the_training_sees_accepted_plus_inferred_labels(
    history: LenderHistory, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[np.ndarray, np.ndarray]] = []
    real = experiment.fit_weighted

    def recording(data, weight, groups, policy, settings):  # noqa: ANN001, ANN202
        seen.append((data.y.copy(), weight.copy()))
        return real(data, weight, groups, policy, settings)

    monkeypatch.setattr(experiment, "fit_weighted", recording)
    models = fit_methods(history, METHODS, monotone_policy(), FAST)
    accepted, n, refused = history.accepted, history.accepted.n, len(history.rejected_ids)
    baseline = models[NONE]
    for method, (y, weight) in zip(METHODS, seen, strict=True):
        assert (y[:n] == accepted.y).all() and (weight[:n] == 1).all()
        inferred = infer(
            method, baseline.predict(accepted.X), accepted.y, baseline.predict(history.rejected_X), FAST.seed
        )
        assert (y[n:] == inferred.y).all() and weight[n:] == pytest.approx(inferred.weight)
    assert len(seen[0][0]) == n  # none: the accepted only
    assert seen[1][0][n:].tolist() == [1] * refused + [0] * refused  # fuzzy: each refused twice
    assert seen[1][1].sum() == pytest.approx(n + refused)
    assert len(seen[2][0]) == n + refused  # parcelling: each refused once


def test_the_figures_come_from_the_oracle(roles: dict[str, Population], history: LenderHistory) -> None:
    model = fit_methods(history, (NONE,), monotone_policy(), FAST)[NONE]
    future = roles["future"]
    figures = measure(model, future, FAST.cost)
    prob = model.predict(future.data.X)
    assert figures["auc"] == pytest.approx(roc_auc_score(future.data.y, prob))
    assert figures["ece"] == pytest.approx(ece(future.data.y, prob))
    assert figures["true_mean_pd"] == pytest.approx(future.true_pd.mean())
    everyone = np.arange(future.n)
    redrawn = _with_outcomes(
        future, everyone, (np.random.default_rng(1).random(future.n) < 0.5).astype(np.int8)
    )
    assert measure(model, redrawn, FAST.cost)["auc"] != pytest.approx(figures["auc"])


def test_one_seed_measures_every_method_on_both_populations() -> None:
    rows, facts = run_seed(7, 600, METHODS, FAST)
    assert [(r["method"], r["population"]) for r in rows] == [
        (m, p) for m in (*METHODS, CEILING) for p in (THROUGH_THE_DOOR, ACCEPTED)
    ]
    for population in (THROUGH_THE_DOOR, ACCEPTED):
        truths = {r["true_mean_pd"] for r in rows if r["population"] == population}
        assert len(truths) == 1
    assert 0 < facts["acceptance_rate"] <= 1 and sum(facts["applicants"].values()) > 600
