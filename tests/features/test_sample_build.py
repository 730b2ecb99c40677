"""The feature build on the sample rows (real: most secondary rows belong to other clients; or synthetic)."""

from __future__ import annotations

import numpy as np
import polars as pl

from scoring.features.catalog import all_features
from tests.features.conftest import BuiltSample

APPLICATIONS = ("application_train", "application_test")


def test_builds_one_row_per_application(built_sample: BuiltSample) -> None:
    summary = built_sample.summary
    applications = [pl.read_parquet(built_sample.interim / f"{s}.parquet") for s in APPLICATIONS]
    assert (summary.train_rows, summary.test_rows) == tuple(a.height for a in applications)
    table = pl.read_parquet(summary.features_path)
    assert table.height == summary.rows
    assert table["SK_ID_CURR"].n_unique() == table.height
    assert summary.missing_tables == ()


def test_history_is_linked_where_the_sample_has_it(built_sample: BuiltSample) -> None:
    table = pl.read_parquet(built_sample.summary.features_path)
    previous = pl.read_parquet(built_sample.interim / "previous_application.parquet")
    linked = previous.filter(pl.col("SK_ID_CURR").is_in(table["SK_ID_CURR"].implode()))
    expected = linked.group_by("SK_ID_CURR").len().sort("SK_ID_CURR")
    got = table.filter(pl.col("PREV_COUNT") > 0).select("SK_ID_CURR", "PREV_COUNT").sort("SK_ID_CURR")
    assert got["SK_ID_CURR"].to_list() == expected["SK_ID_CURR"].to_list()
    assert got["PREV_COUNT"].to_list() == expected["len"].cast(pl.Float32).to_list()
    assert table.filter(pl.col("BUREAU_COUNT") > 0).height > 0


def test_values_are_finite_counts_are_never_missing_codes_in_range(built_sample: BuiltSample) -> None:
    table = pl.read_parquet(built_sample.summary.features_path)
    values = table.drop("SK_ID_CURR", "TARGET", "SPLIT").to_numpy()
    assert not np.isinf(values).any()
    for feature in all_features():
        column = table[feature.name]
        if feature.default is not None:
            assert column.null_count() == 0, feature.name
        if feature.kind == "categorical":
            assert column.min() >= -1 and column.max() < len(feature.levels), feature.name
