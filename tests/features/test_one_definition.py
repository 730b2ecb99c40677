"""One definition: a client's features from its own raw rows equal its row of the batch feature table."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from scoring.data.schema import SECONDARY_TABLES
from scoring.features.build import compute_features, compute_features_from_raw
from scoring.features.catalog import feature_names
from scoring.features.duckdb_runner import FeatureError
from scoring.features.serving import vectorizer
from tests.features.conftest import BuiltSample

pytestmark = pytest.mark.slow  # every table of the sample rows through both paths

COUNTS = ["BUREAU_COUNT", "PREV_COUNT", "POS_COUNT", "INST_COUNT", "CC_COUNT"]


@pytest.fixture(scope="module")
def raw_tables(sample_rows: Path) -> dict[str, pl.DataFrame]:
    """Every raw table of the sample, read as text like a CSV posted to the API."""
    names = ["application_train", "application_test", *SECONDARY_TABLES]
    return {name: pl.read_csv(sample_rows / f"{name}.csv", infer_schema=False) for name in names}


def raw_rows_of(raw: dict[str, pl.DataFrame], client: int) -> dict[str, pl.DataFrame]:
    """The client's raw rows of every table, as the API would receive them."""
    key = pl.col("SK_ID_CURR") == str(client)
    split = "application_train" if raw["application_train"].filter(key).height else "application_test"
    tables = {"application": raw[split].filter(key)}
    bureaus = raw["bureau"].filter(key)["SK_ID_BUREAU"].implode()
    for name in SECONDARY_TABLES:
        own = pl.col("SK_ID_BUREAU").is_in(bureaus) if name == "bureau_balance" else key
        tables[name] = raw[name].filter(own)
    return tables


def clients_with_most_history(table: pl.DataFrame, n: int) -> list[int]:
    tables_present = pl.sum_horizontal(pl.col(c) > 0 for c in COUNTS)
    ranked = table.with_columns(tables_present.alias("tables")).sort(
        ["tables", "SK_ID_CURR"], descending=[True, False]
    )
    return ranked["SK_ID_CURR"].head(n).to_list()


def test_client_rows_give_the_batch_row(
    built_sample: BuiltSample, raw_tables: dict[str, pl.DataFrame]
) -> None:
    batch = pl.read_parquet(built_sample.summary.features_path)
    clients = clients_with_most_history(batch, 3)
    best = batch.filter(pl.col("SK_ID_CURR") == clients[0])
    assert sum(best[c][0] > 0 for c in COUNTS) >= 3
    with_balance = batch.filter(pl.col("BUREAU_BB_MONTHS_SUM") > 0)["SK_ID_CURR"][0]
    test_client = batch.filter(pl.col("SPLIT") == "test")["SK_ID_CURR"][0]
    for client in [*clients, with_balance, test_client]:
        own = compute_features_from_raw(raw_rows_of(raw_tables, client))
        expected = batch.filter(pl.col("SK_ID_CURR") == client).drop("TARGET", "SPLIT")
        assert own.columns == expected.columns
        np.testing.assert_allclose(own.to_numpy(), expected.to_numpy(), rtol=1e-5, atol=1e-6, equal_nan=True)


def test_fast_path_equals_batch_row_of_clients_without_history(built_sample: BuiltSample) -> None:
    batch = pl.read_parquet(built_sample.summary.features_path)
    alone = batch.filter(pl.sum_horizontal(pl.col(c) for c in COUNTS) == 0).head(300)
    assert alone.height > 0  # real rows: 300 (their history belongs to other clients); synthetic: a few
    interim = pl.concat(
        [
            pl.read_parquet(built_sample.interim / f"{split}.parquet").drop("TARGET", strict=False)
            for split in ("application_train", "application_test")
        ]
    )
    rows = interim.filter(pl.col("SK_ID_CURR").is_in(alone["SK_ID_CURR"].implode())).to_dicts()
    by_id = {r["SK_ID_CURR"]: r for r in rows}
    fast = vectorizer().matrix(by_id[c] for c in alone["SK_ID_CURR"])
    assert vectorizer().feature_names == feature_names() == alone.columns[3:]
    np.testing.assert_array_equal(fast, alone.drop("SK_ID_CURR", "TARGET", "SPLIT").to_numpy())


@pytest.mark.parametrize("missing", ["bureau", "bureau_balance", "installments_payments"])
def test_empty_or_absent_tables_do_not_crash(missing: str, built_sample: BuiltSample) -> None:
    application = pl.read_parquet(built_sample.interim / "application_test.parquet").head(3)
    tables = {n: pl.read_parquet(built_sample.interim / f"{n}.parquet") for n in SECONDARY_TABLES}
    tables[missing] = tables[missing].clear()
    with_empty = compute_features({"application": application, **tables})
    del tables[missing]
    without = compute_features({"application": application, **tables})
    assert with_empty.equals(without)
    assert with_empty.height == 3


def test_raw_rows_with_bad_values_are_named(raw_tables: dict[str, pl.DataFrame]) -> None:
    tables = raw_rows_of(raw_tables, 100002)
    tables["bureau"] = tables["bureau"].with_columns(pl.lit("soon").alias("DAYS_CREDIT"))
    with pytest.raises(FeatureError, match=r"bureau.*DAYS_CREDIT"):
        compute_features_from_raw(tables)


def test_values_beyond_float32_become_infinite_in_both_paths(built_sample: BuiltSample) -> None:
    application = pl.read_parquet(built_sample.interim / "application_test.parquet").head(1)
    huge = application.with_columns(pl.lit(1e300).alias("AMT_CREDIT"), pl.lit(-1e300).alias("AMT_ANNUITY"))
    batch = compute_features({"application": huge}).drop("SK_ID_CURR", "TARGET", "SPLIT", strict=False)
    fast = vectorizer().vector(huge.to_dicts()[0])
    credit, annuity = (batch.columns.index(f"APP_{name}") for name in ("AMT_CREDIT", "AMT_ANNUITY"))
    assert batch.row(0)[credit] == np.inf and fast[credit] == np.inf
    assert batch.row(0)[annuity] == -np.inf
    np.testing.assert_array_equal(fast, batch.to_numpy()[0])
