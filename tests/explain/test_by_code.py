"""Contributions per reason code: exact sums, shares, principal reasons towards the decision, coverage."""

from __future__ import annotations

import lightgbm as lgb
import numpy as np
import pytest

from scoring.explain.by_code import CodeGrouping
from scoring.explain.reason_codes import catalogue
from scoring.explain.reasons import code_breakdown, principal_reasons, push_covered
from scoring.features.catalog import all_features
from scoring.features.feature import ModelFeature
from scoring.modeling.models import tree_shap
from scoring.vocabulary import Decision

NAMES = [
    "APP_EXT_SOURCE_1",
    "APP_EXT_SOURCE_2",
    "APP_EXT_SOURCE_MEAN",
    "APP_DAYS_BIRTH",
    "APP_AMT_CREDIT",
    "APP_CREDIT_INCOME_RATIO",
    "INST_DPD_MAX",
    "INST_LATE_MEAN",
    "BUREAU_COUNT",
    "CC_UTILISATION_MEAN",
]
FEATURES = [ModelFeature(n, n.lower()) for n in NAMES]


@pytest.fixture(scope="module")
def grouping() -> CodeGrouping:
    return CodeGrouping.of(catalogue(), NAMES)


def test_codes_sum_exactly_to_raw_score_minus_base_value(grouping: CodeGrouping) -> None:
    rng = np.random.default_rng(3)
    X = rng.normal(size=(600, len(NAMES)))
    y = (X[:, 0] + X[:, 6] - X[:, 4] + rng.normal(size=600) > 0).astype(int)
    booster = lgb.train(
        {"objective": "binary", "num_leaves": 8, "verbose": -1, "seed": 1},
        lgb.Dataset(X, y, feature_name=NAMES),
        num_boost_round=30,
    )
    shap = tree_shap(booster, X[:50])
    by_code = grouping.sum(shap.values)
    raw = booster.predict(X[:50], raw_score=True)
    assert by_code.shape == (50, len(catalogue()))
    np.testing.assert_allclose(by_code.sum(axis=1), raw - shap.base_value, atol=1e-9)
    np.testing.assert_allclose(grouping.sum(shap.values[7]), by_code[7], atol=1e-12)
    ext = grouping.codes.index("EXT_SCORES")
    np.testing.assert_allclose(by_code[:, ext], shap.values[:, :3].sum(axis=1), atol=1e-12)


def test_breakdown_shares_and_principal_reasons(grouping: CodeGrouping) -> None:
    contributions = np.array([0.4, 0.1, -0.05, 0.3, -0.2, 0.25, 0.5, -0.1, -0.3, 0.02])
    values = np.arange(len(NAMES), dtype=float)
    breakdown = code_breakdown(grouping.sum(contributions), contributions, values, FEATURES, grouping)
    by_code = {r.code: r for r in breakdown}
    assert by_code["EXT_SCORES"].contribution == pytest.approx(0.45)
    assert [f.feature for f in by_code["EXT_SCORES"].features] == NAMES[:3]
    assert by_code["AMOUNT_TO_INCOME"].contribution == pytest.approx(0.05)
    assert [abs(r.contribution) for r in breakdown] == sorted(
        (abs(r.contribution) for r in breakdown), reverse=True
    )
    up = [r.share for r in breakdown if r.contribution > 0]
    down = [r.share for r in breakdown if r.contribution < 0]
    assert sum(up) == pytest.approx(1.0) and sum(down) == pytest.approx(1.0)

    refusal = principal_reasons(breakdown, Decision.REFUSE, k=4)
    assert [r.code for r in refusal] == ["EXT_SCORES", "LATE_INSTALMENTS", "AGE", "AMOUNT_TO_INCOME"]
    assert all(f.contribution > 0 for r in refusal for f in r.features)
    assert [f.feature for f in refusal[0].features] == ["APP_EXT_SOURCE_1", "APP_EXT_SOURCE_2"]
    acceptance = principal_reasons(breakdown, Decision.ACCEPT, k=4)
    assert [r.code for r in acceptance] == ["CREDIT_HISTORY"]


def test_push_covered_by_the_top_codes() -> None:
    codes = np.array([[0.6, 0.2, 0.1, 0.1, -0.5], [0.0, -0.3, -0.1, 0.2, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0]])
    covered = push_covered(codes, np.array([True, False, True]), k=2)
    assert covered[0] == pytest.approx(0.8)
    assert covered[1] == pytest.approx(1.0)
    assert np.isnan(covered[2])


def test_a_model_feature_outside_the_catalogue_stops_the_grouping() -> None:
    with pytest.raises(KeyError, match="SOMETHING_NEW"):
        CodeGrouping.of(catalogue(), [*NAMES, "SOMETHING_NEW"])
    assert len(CodeGrouping.of(catalogue(), [f.name for f in all_features()]).index) == len(all_features())
