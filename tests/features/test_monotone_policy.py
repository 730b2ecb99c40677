"""The monotone policy file: well formed, matching real features, and consistent with the feature definitions
along each lever (a lever never moves a feature against that feature's declared direction)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from scoring.features.catalog import feature_names
from scoring.features.monotone import POLICY_FILE, PolicyError, monotone_policy, parse_policy
from scoring.features.serving import ApplicationVectorizer

APPLICATIONS = [
    {
        "AMT_CREDIT": 500_000.0,
        "AMT_ANNUITY": 25_000.0,
        "AMT_GOODS_PRICE": 450_000.0,
        "AMT_INCOME_TOTAL": 150_000.0,
        "CNT_FAM_MEMBERS": 3.0,
        "DAYS_BIRTH": -12_000,
        "DAYS_EMPLOYED": -2_000,
        "EXT_SOURCE_1": 0.3,
        "EXT_SOURCE_2": 0.6,
        "EXT_SOURCE_3": 0.5,
    },
    {
        "AMT_CREDIT": 180_000.0,
        "AMT_ANNUITY": 9_000.0,
        "AMT_GOODS_PRICE": 180_000.0,
        "AMT_INCOME_TOTAL": 60_000.0,
        "CNT_FAM_MEMBERS": 1.0,
        "DAYS_BIRTH": -20_000,
        "DAYS_EMPLOYED": -9_000,
        "EXT_SOURCE_2": 0.2,
        "EXT_SOURCE_3": 0.8,
    },
]


def test_every_rule_matches_a_feature_and_no_feature_gets_two_directions() -> None:
    policy = monotone_policy()
    names = feature_names()
    for rule in (*policy.rules, *policy.excluded_rules):
        assert any(rule.matches(n) for n in names), rule.pattern
    for name in names:
        directions = {r.direction for r in policy.rules if r.matches(name)}
        assert len(directions) <= 1, name
        assert not (directions and policy.excluded(name)), name
    constrained = policy.constrained(names)
    assert constrained["APP_AMT_CREDIT"] == 1 and constrained["APP_EXT_SOURCE_3"] == -1
    assert constrained["INST_LATE_MEAN"] == 1 and constrained["PREV_REFUSED_COUNT"] == 1
    assert "APP_CREDIT_TERM" not in constrained  # the term stays free: the loan-size lever keeps it fixed
    assert policy.allowed(names) == [n for n in names if n != "APP_EXT_SOURCE_STD"]


@pytest.mark.parametrize("lever", monotone_policy().levers, ids=lambda lever: lever.name)
def test_a_lever_moves_features_only_along_their_directions(lever) -> None:  # noqa: ANN001
    """Every application feature a lever changes is excluded or moves with a declared direction whose sign,
    times the lever's, says the risk may only follow the lever."""
    policy = monotone_policy()
    vectorizer = ApplicationVectorizer()
    names = vectorizer.feature_names
    checked = 0
    for application in APPLICATIONS:
        if any(application.get(f) is None for f in lever.fields):
            continue
        checked += 1
        sign = int(np.sign(application[lever.fields[0]]))
        low = vectorizer.vector(application).astype(np.float64)
        high = vectorizer.vector({**application, **{f: application[f] * 1.5 for f in lever.fields}})
        moved = np.abs(high - low) > 1e-6 * np.maximum(np.abs(low), 1.0)
        assert moved.any()
        for i in np.flatnonzero(moved & np.isfinite(low)):
            if policy.excluded(names[i]):
                continue
            change = np.sign(high[i] - low[i]) * sign  # +1: the feature rises as the lever's value rises
            assert policy.direction(names[i]) * change == lever.direction, (lever.name, names[i])
    assert checked


def test_the_packaged_policy_is_valid_json_and_errors_name_the_entry() -> None:
    assert json.loads(POLICY_FILE.read_text())["version"] == 1
    with pytest.raises(PolicyError, match=r"features\[0\]: direction must be -1, 0 or 1"):
        parse_policy({"features": [{"pattern": "APP_X", "direction": 2}]})
    with pytest.raises(PolicyError, match="malformed entry"):
        parse_policy({"levers": [{"name": "size"}]})
