"""The one SHAP path (`tree_shap`, LightGBM's pred_contrib) against shap's TreeExplainer, and the helpers
computed from SHAP values: additivity, global importance and the stratified client sample."""

from __future__ import annotations

import lightgbm as lgb
import numpy as np
import pytest
import shap as shap_library

from scoring.explain.shap_values import mean_abs_shap, stratified_rows
from scoring.modeling.models import tree_shap


def _booster() -> tuple[lgb.Booster, np.ndarray]:
    rng = np.random.default_rng(1)
    X = rng.normal(size=(500, 4))
    X[rng.random(500) < 0.1, 2] = np.nan
    y = (X[:, 0] + 0.3 * rng.normal(size=500) > 0.8).astype(int)
    data = lgb.Dataset(X, y, params={"verbose": -1})
    return lgb.train({"objective": "binary", "verbose": -1, "num_leaves": 7}, data, 30), X


def test_contributions_plus_base_value_equal_the_raw_score() -> None:
    booster, X = _booster()
    shap = tree_shap(booster, X)
    assert shap.values.shape == X.shape
    np.testing.assert_allclose(shap.raw_score(), booster.predict(X, raw_score=True), atol=1e-9)
    assert shap.base_value == tree_shap(booster, X[:1]).base_value  # one base value for every row


@pytest.mark.filterwarnings("ignore:LightGBM binary classifier:UserWarning")
def test_tree_shap_equals_shap_tree_explainer() -> None:
    booster, X = _booster()
    ours = tree_shap(booster, X[:100])
    explainer = shap_library.TreeExplainer(booster)
    theirs = np.asarray(explainer.shap_values(X[:100]))
    np.testing.assert_allclose(ours.values, theirs.reshape(ours.values.shape), atol=1e-6)
    assert abs(ours.base_value - float(np.ravel(explainer.expected_value)[-1])) < 1e-6


def test_the_informative_feature_dominates_the_importance() -> None:
    booster, X = _booster()
    importance = mean_abs_shap(tree_shap(booster, X).values)
    assert importance.argmax() == 0
    assert (importance >= 0).all()


def test_stratified_rows_keep_the_default_rate() -> None:
    y = np.array([1] * 80 + [0] * 920)
    idx = stratified_rows(y, 200, seed=0)
    assert len(idx) == 200 and len(set(idx)) == 200
    assert y[idx].mean() == 0.08
    assert list(stratified_rows(y[:50], 200, seed=0)) == list(range(50))
