"""Twin features: a quantity the model uses in two units is listed once, its contributions added."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from scoring.explain.twins import folded, shown_as, twin_positions, twins


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


def test_twins_are_one_quantity_client_by_client(demo_home: Path) -> None:
    """Each twin divided by `divide_by` is the feature it is shown as, on the home's feature table (the real
    sample rows when present), so listing the quantity once shows every client's value."""
    table = pl.read_parquet(demo_home / "data" / "processed" / "features.parquet")
    compared = []
    for twin in twins().values():
        if twin.shown_as not in table.columns:
            continue  # the readable twin is not built (time employed in years): nothing is folded into it
        scaled = table[twin.feature].cast(pl.Float64) / twin.divide_by
        shown = table[twin.shown_as].cast(pl.Float64)
        assert (scaled.is_null() == shown.is_null()).all(), twin.feature
        assert float((scaled - shown).abs().max()) < 1e-4, twin.feature
        compared.append(twin.feature)
    assert {"APP_DAYS_BIRTH", "BUREAU_CREDIT_ACTIVE_ACTIVE_SHARE"} <= set(compared)
