"""Fairness table: approval rates, error rates and the four-fifths flag on hand-made groups."""

from __future__ import annotations

import numpy as np
import pytest

from scoring.modeling.fairness import age_groups, fairness_table, gender_groups


def test_groups_from_codes_and_days_of_birth() -> None:
    codes = np.array([0, 1, np.nan, -1, 1])
    assert list(gender_groups(codes, ("F", "M"))) == ["F", "M", "missing", "missing", "M"]
    days = -np.array([25, 30, 45.5, 59.9, 70, np.nan]) * 365.25
    assert list(age_groups(days)) == ["< 30", "30-39", "40-49", "50-59", "60+", "missing"]


def test_rates_ratio_and_flag() -> None:
    # per 4 women: 1 refused (a defaulter); per 4 men: 3 refused (1 defaulter, 2 good clients); 40 of each
    codes = np.tile([0, 0, 0, 0, 1, 1, 1, 1], 10)
    y = np.tile([1, 0, 0, 0, 1, 0, 0, 0], 10)
    refused = np.tile([1, 0, 0, 0, 1, 1, 1, 0], 10).astype(bool)
    rows = fairness_table(y, refused, codes, ("F", "M"), None)
    women, men = rows
    assert (women["group"], women["n"], women["approval_rate"]) == ("F", 40, 0.75)
    assert (women["tpr"], women["fpr"]) == (1.0, 0.0)
    assert men["approval_rate"] == 0.25
    assert men["fpr"] == pytest.approx(2 / 3)
    assert women["approval_ratio"] == 1.0 and not women["flagged"]
    assert men["approval_ratio"] == pytest.approx(1 / 3) and men["flagged"]


def test_attributes_absent_from_the_features_are_skipped() -> None:
    y = np.array([0, 1])
    rows = fairness_table(y, np.array([False, True]), None, (), -np.array([20.0, 50.0]) * 365.25)
    assert [r["attribute"] for r in rows] == ["age band", "age band"]
    assert [r["group"] for r in rows] == ["< 30", "50-59"]


def test_tiny_groups_are_neither_reference_nor_flagged() -> None:
    codes = np.array([0] * 40 + [1] * 40 + [np.nan])
    y = np.zeros(81, dtype=int)
    refused = np.array([True] * 10 + [False] * 30 + [True] * 20 + [False] * 20 + [False])
    women, men, missing = fairness_table(y, refused, codes, ("F", "M"), None)
    assert missing["group"] == "missing" and missing["approval_rate"] == 1.0 and not missing["flagged"]
    assert women["approval_ratio"] == 1.0  # the reference is the largest rate among groups of 30+
    assert men["approval_ratio"] == pytest.approx(0.5 / 0.75) and men["flagged"]
