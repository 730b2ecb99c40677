"""Precomputed client explanations: equal to live SHAP, saved once, shared by a second worker."""

from __future__ import annotations

from pathlib import Path

import lightgbm as lgb
import numpy as np
import pytest

from scoring.serving.cache import ArrayCache
from scoring.serving.explanations import CONTRIBUTIONS, ClientExplanations


@pytest.fixture(scope="module")
def model() -> tuple[lgb.Booster, np.ndarray]:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 5)).astype(np.float32)
    y = (X[:, 0] + rng.normal(size=400) > 0).astype(int)
    params = {"objective": "binary", "verbose": -1, "num_leaves": 7, "num_threads": 1}
    booster = lgb.train(params, lgb.Dataset(X, y), 20)
    return booster, X


def _explain(booster: lgb.Booster):  # noqa: ANN202
    return lambda X: booster.predict(X, pred_contrib=True, num_threads=1)[:, :-1]


@pytest.mark.parametrize("on_disk", [True, False], ids=["disk", "memory"])
def test_background_precomputation(model, tmp_path: Path, on_disk: bool) -> None:  # noqa: ANN001
    booster, X = model
    cache = ArrayCache(tmp_path / "serving" if on_disk else None)
    explanations = ClientExplanations(X, _explain(booster), cache)
    assert explanations.status == "pending" and explanations.row(3) is None
    live = explanations.compute_row(3)
    explanations.start_background(chunk=64).join(30)
    assert explanations.status == "ready"
    expected = _explain(booster)(X)
    assert np.allclose(explanations.contributions, expected, atol=1e-6)
    assert np.array_equal(explanations.row(3), live)
    assert cache.has(CONTRIBUTIONS) == on_disk


def test_a_second_worker_reads_what_the_first_saved(model, tmp_path: Path) -> None:  # noqa: ANN001
    booster, X = model
    first = ClientExplanations(X, _explain(booster), ArrayCache(tmp_path / "serving"))
    first.start_background().join(30)
    calls = []
    second = ClientExplanations(X, lambda rows: calls.append(len(rows)), ArrayCache(tmp_path / "serving"))
    assert second.status == "ready" and second.start_background() is None and calls == []
    assert np.array_equal(second.row(10), first.row(10))
