"""Twin features: a quantity the model uses in two units is listed once, its contributions added."""

from __future__ import annotations

import numpy as np
import pytest

from scoring.explain.twins import folded, shown_as, twin_positions


def test_a_twin_is_folded_into_the_feature_it_is_shown_as() -> None:
    names = ["APP_DAYS_BIRTH", "EXT_SOURCE_2", "APP_AGE_YEARS", "APP_DAYS_EMPLOYED"]
    positions = twin_positions(names)
    assert positions == ((0, 2),)  # APP_DAYS_EMPLOYED's readable twin is not a model feature: kept
    contributions = np.array([0.1, -0.3, 0.25, 0.05])
    shown = folded(contributions, positions)
    assert shown.tolist() == pytest.approx([0.0, -0.3, 0.35, 0.05])
    assert shown.sum() == pytest.approx(contributions.sum())
    assert contributions.tolist() == [0.1, -0.3, 0.25, 0.05]  # the input is left as it was


def test_features_without_a_twin_are_shown_as_themselves() -> None:
    assert shown_as("APP_DAYS_BIRTH") == "APP_AGE_YEARS" and shown_as("EXT_SOURCE_2") == "EXT_SOURCE_2"
    assert twin_positions(["APP_AGE_YEARS", "EXT_SOURCE_2"]) == ()
