"""Application features: hand-computed values, categorical codes, and the serving fast path."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from scoring.data.normalise import normalise
from scoring.features.build import compute_features
from scoring.features.catalog import all_features, feature_names
from scoring.features.duckdb_runner import FeatureError
from scoring.features.serving import ApplicationVectorizer, application_feature_vector
from tests.features.tables import application

BASE = {
    "AMT_CREDIT": 200_000.0,
    "AMT_INCOME_TOTAL": 100_000.0,
    "AMT_ANNUITY": 10_000.0,
    "AMT_GOODS_PRICE": 180_000.0,
    "CNT_FAM_MEMBERS": 2.0,
    "CNT_CHILDREN": 1,
    "DAYS_BIRTH": -14_610,
    "DAYS_EMPLOYED": -3_653,
    "EXT_SOURCE_1": 0.2,
    "EXT_SOURCE_3": 0.6,
    "CODE_GENDER": "M",
    "NAME_CONTRACT_TYPE": "Revolving loans",
    "FLAG_MOBIL": 1,
    "FLAG_EMAIL": 1,
    "FLAG_DOCUMENT_3": 1,
    "FLAG_DOCUMENT_8": 1,
    "REG_CITY_NOT_WORK_CITY": 1,
}


def batch_row(**values: object) -> dict[str, float | None]:
    return compute_features({"application": application(1, **values)}).row(0, named=True)


def test_hand_computed_application_features() -> None:
    row = batch_row(**BASE)
    expected = {
        "APP_AMT_CREDIT": 200_000.0,
        "APP_DAYS_BIRTH": -14_610,
        "APP_AGE_YEARS": 40.0,
        "APP_EMPLOYED_YEARS": 3_653 / 365.25,
        "APP_CREDIT_INCOME_RATIO": 2.0,
        "APP_ANNUITY_INCOME_RATIO": 0.1,
        "APP_PAYMENT_RATE": 0.05,
        "APP_CREDIT_TERM": 20.0,
        "APP_GOODS_CREDIT_RATIO": 0.9,
        "APP_CREDIT_GOODS_DIFF": 20_000.0,
        "APP_EMPLOYED_AGE_RATIO": 3_653 / 14_610,
        "APP_INCOME_PER_PERSON": 50_000.0,
        "APP_CHILDREN_RATIO": 0.5,
        "APP_EXT_SOURCE_MEAN": 0.4,
        "APP_EXT_SOURCE_MIN": 0.2,
        "APP_EXT_SOURCE_MAX": 0.6,
        "APP_EXT_SOURCE_STD": math.sqrt(0.08),
        "APP_EXT_SOURCE_COUNT": 2.0,
        "APP_DOCUMENT_COUNT": 2.0,
        "APP_CONTACT_FLAG_COUNT": 2.0,
        "APP_ADDRESS_MISMATCH_COUNT": 1.0,
        "APP_CODE_GENDER": 1.0,
        "APP_NAME_CONTRACT_TYPE": 1.0,
        "APP_DAYS_EMPLOYED_ANOM": 0.0,
    }
    for name, value in expected.items():
        assert row[name] == pytest.approx(value, rel=1e-6), name
    assert row["APP_EXT_SOURCE_PROD"] is None
    assert row["APP_BUREAU_ENQUIRY_COUNT"] is None
    assert row["APP_CREDIT_GOODS_RATIO"] == pytest.approx(200_000 / 180_000)
    assert row["APP_EXT_SOURCE_WEIGHTED"] == pytest.approx((1 * 0.2 + 3 * 0.6) / 4)  # score 2 missing
    assert row["APP_EXT_SOURCE_23_PROD"] is None
    assert (
        row["APP_CREDIT_TERM_STANDARD"] == 24.0
    )  # 20 annuities: the shortest standard term above is 24 months
    assert row["APP_CREDIT_TERM_INTEREST_SHARE"] == pytest.approx(24 / 20 - 1)
    assert row["APP_CREDIT_TERM_RATE"] == pytest.approx(2 * 0.2 / 25)
    # at 3 % a month, 20 annuities repay the credit in -ln(1 - 20 * 0.03) / ln(1.03) = 31.0 months: 36 months
    assert row["APP_CREDIT_TERM_AT_TYPICAL_RATE"] == 36.0
    assert row["APP_CREDIT_TERM_INTEREST_SHARE_AT_TYPICAL_RATE"] == pytest.approx(36 / 20 - 1)
    full = batch_row(**{**BASE, "EXT_SOURCE_2": 0.5})
    assert full["APP_EXT_SOURCE_WEIGHTED"] == pytest.approx((0.2 + 2 * 0.5 + 3 * 0.6) / 6)
    assert full["APP_EXT_SOURCE_23_PROD"] == pytest.approx(0.3)


def test_the_loan_pricing_is_the_same_at_any_loan_size_and_missing_beyond_the_longest_term() -> None:
    pricing = (
        "APP_CREDIT_TERM_STANDARD",
        "APP_CREDIT_TERM_INTEREST_SHARE",
        "APP_CREDIT_TERM_RATE",
        "APP_CREDIT_TERM_AT_TYPICAL_RATE",
        "APP_CREDIT_TERM_INTEREST_SHARE_AT_TYPICAL_RATE",
    )
    row = batch_row(**BASE)
    scaled = batch_row(**{**BASE, "AMT_CREDIT": 500_000.0, "AMT_ANNUITY": 25_000.0})
    assert [scaled[n] for n in pricing] == pytest.approx([row[n] for n in pricing])
    shorter = batch_row(**{**BASE, "AMT_ANNUITY": 20_000.0})  # 10 annuities: 12 months at a higher rate
    assert shorter["APP_CREDIT_TERM_STANDARD"] == 12.0
    assert shorter["APP_CREDIT_TERM_RATE"] > row["APP_CREDIT_TERM_RATE"]
    assert shorter["APP_CREDIT_TERM_AT_TYPICAL_RATE"] == 18.0  # 10 annuities at 3 %: 12.1 months
    never = batch_row(**{**BASE, "AMT_ANNUITY": 5_000.0})  # 40 annuities: 3 % a month never repays it
    assert never["APP_CREDIT_TERM_STANDARD"] == 42.0 and never["APP_CREDIT_TERM_AT_TYPICAL_RATE"] is None
    longest = batch_row(**{**BASE, "AMT_ANNUITY": 2_000.0})  # 100 annuities: beyond 60 months
    assert all(longest[n] is None for n in pricing)


def test_zero_denominators_give_missing_values_not_infinities() -> None:
    row = batch_row(**{**BASE, "AMT_INCOME_TOTAL": 0.0, "AMT_ANNUITY": 0.0, "CNT_FAM_MEMBERS": None})
    for name in ("APP_CREDIT_INCOME_RATIO", "APP_CREDIT_TERM", "APP_INCOME_PER_PERSON", "APP_CHILDREN_RATIO"):
        assert row[name] is None, name
    assert row["APP_PAYMENT_RATE"] == 0.0


def test_missing_and_unseen_levels_share_the_missing_code() -> None:
    frame = pl.concat(
        [
            application(1, **{**BASE, "CODE_GENDER": None}),
            application(2, **{**BASE, "CODE_GENDER": "XNA"}),
            application(3, **{**BASE, "CODE_GENDER": "Unseen", "ORGANIZATION_TYPE": "Brand new sector"}),
            application(4, **{**BASE, "CODE_GENDER": "F", "ORGANIZATION_TYPE": "Self-employed"}),
        ]
    )
    result = compute_features({"application": frame})
    assert result["APP_CODE_GENDER"].to_list() == [-1.0, -1.0, -1.0, 0.0]
    assert result["APP_ORGANIZATION_TYPE"].to_list() == [-1.0, -1.0, -1.0, 1.0]


def test_categorical_codes_are_schema_level_indexes() -> None:
    categorical = [f for f in all_features() if f.kind == "categorical"]
    assert len(categorical) == 16
    rows = max(len(f.levels) for f in categorical)
    values = {f.name.removeprefix("APP_"): f.levels for f in categorical}
    frame = pl.concat(
        [application(i, **{c: levels[i % len(levels)] for c, levels in values.items()}) for i in range(rows)]
    )
    result = compute_features({"application": frame})
    for feature in categorical:
        expected = [float(i % len(feature.levels)) for i in range(rows)]
        assert result[feature.name].to_list() == expected, feature.name


def test_fast_path_equals_batch_on_hand_rows() -> None:
    rows = [
        BASE,
        {**BASE, "DAYS_EMPLOYED": None, "DAYS_EMPLOYED_ANOM": 1},
        {**BASE, "AMT_INCOME_TOTAL": 0.0, "EXT_SOURCE_2": 0.9, "CODE_GENDER": "Unseen"},
        {},
    ]
    frame = pl.concat([application(i, **row) for i, row in enumerate(rows)])
    batch = compute_features({"application": frame}).drop("SK_ID_CURR").to_numpy()
    fast = ApplicationVectorizer().matrix(rows)
    assert fast.dtype == np.float32
    np.testing.assert_array_equal(fast, batch.astype(np.float32))


def test_fast_path_reads_raw_rows_like_ingestion(sample_rows: Path) -> None:
    raw = pl.read_csv(sample_rows / "application_test.csv", infer_schema=False).head(1500)
    batch = compute_features({"application": normalise("application_test", raw)})
    fast = ApplicationVectorizer().matrix(raw.to_dicts())
    np.testing.assert_array_equal(fast, batch.drop("SK_ID_CURR").to_numpy().astype(np.float32))


def test_raw_days_employed_anomaly_is_cleaned_by_the_fast_path() -> None:
    vector = application_feature_vector({**BASE, "DAYS_EMPLOYED": 365243})
    names = feature_names()
    assert np.isnan(vector[names.index("APP_DAYS_EMPLOYED")])
    assert vector[names.index("APP_DAYS_EMPLOYED_ANOM")] == 1.0
    assert np.isnan(vector[names.index("APP_EMPLOYED_YEARS")])


def test_fast_path_history_is_counts_zero_and_missing_otherwise() -> None:
    vector = application_feature_vector(BASE)
    names = feature_names()
    assert vector.shape == (len(names),)
    assert vector[names.index("BUREAU_COUNT")] == 0.0
    assert vector[names.index("CC_SK_ID_PREV_DISTINCT")] == 0.0
    assert np.isnan(vector[names.index("INST_DPD_MEAN")])
    assert np.isnan(vector[names.index("PREV_REFUSED_SHARE")])


def test_fast_path_names_the_feature_it_cannot_compute() -> None:
    with pytest.raises(FeatureError, match="APP_AMT_CREDIT"):
        application_feature_vector({**BASE, "AMT_CREDIT": "a lot"})
