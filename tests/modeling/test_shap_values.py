"""pred_contrib helpers: additivity, global importance and the stratified client sample."""

from __future__ import annotations

import lightgbm as lgb
import numpy as np

from scoring.explain.shap_values import contributions, mean_abs_shap, stratified_rows


def _booster() -> tuple[lgb.Booster, np.ndarray]:
    rng = np.random.default_rng(1)
    X = rng.normal(size=(500, 4))
    X[rng.random(500) < 0.1, 2] = np.nan
    y = (X[:, 0] + 0.3 * rng.normal(size=500) > 0.8).astype(int)
    data = lgb.Dataset(X, y, params={"verbose": -1})
    return lgb.train({"objective": "binary", "verbose": -1, "num_leaves": 7}, data, 30), X


def test_contributions_plus_base_value_equal_the_raw_score() -> None:
    booster, X = _booster()
    shap = contributions(booster, X)
    assert shap.values.shape == X.shape
    np.testing.assert_allclose(shap.raw_score(), booster.predict(X, raw_score=True), atol=1e-9)
    assert shap.base_value == contributions(booster, X[:1]).base_value  # one base value for every row


def test_the_informative_feature_dominates_the_importance() -> None:
    booster, X = _booster()
    importance = mean_abs_shap(contributions(booster, X).values)
    assert importance.argmax() == 0
    assert (importance >= 0).all()


def test_stratified_rows_keep_the_default_rate() -> None:
    y = np.array([1] * 80 + [0] * 920)
    idx = stratified_rows(y, 200, seed=0)
    assert len(idx) == 200 and len(set(idx)) == 200
    assert y[idx].mean() == 0.08
    assert list(stratified_rows(y[:50], 200, seed=0)) == list(range(50))
