"""The log's minimised vector: the most important features, no identifier, coarse age and income bands."""

from __future__ import annotations

import math

import numpy as np

from scoring.serving.log_privacy import Band, LogVector, identifiers, policy
from scoring.serving.prediction_log import decode_features

NAMES = ["APP_CODE_GENDER", "APP_DAYS_BIRTH", "APP_AMT_INCOME_TOTAL", "EXT_SOURCE_2", "AMT_CREDIT", "X"]
IMPORTANCE = [{"feature": n} for n in ("APP_DAYS_BIRTH", "EXT_SOURCE_2", "APP_CODE_GENDER", "AMT_CREDIT")]


def test_the_vector_keeps_the_top_features_without_identifiers_and_adds_bands() -> None:
    rules = {**policy(), "features": 2}
    vector = LogVector.for_model(NAMES, IMPORTANCE, rules)
    assert vector.names == ("EXT_SOURCE_2", "AMT_CREDIT", "AGE_BAND_YEARS", "INCOME_BAND")
    row = np.array([1, -14_000, 135_000, 0.45, 450_000, 7], dtype=np.float32)
    stored = decode_features(vector.encode(row))
    assert stored.tolist() == [np.float32(0.45), 450_000.0, 35.0, 100_000.0]  # 38.3 years -> 35-40


def test_bands() -> None:
    income = Band("INCOME_BAND", 0, significant=1)
    assert [income.of(v) for v in (67_500, 135_000, 999_999, 1_000_000)] == [60_000, 100_000, 900_000, 1e6]
    assert math.isnan(income.of(float("nan"))) and income.of(0.0) == 0.0
    age = Band("AGE_BAND_YEARS", 0, scale=-1 / 365.25, step=5)
    assert [age.of(d) for d in (-7_305, -7_304, -25_000)] == [20, 15, 65]


def test_every_identifier_of_the_policy_is_left_out_and_the_bands_come_from_identifiers() -> None:
    assert {"APP_CODE_GENDER", "APP_DAYS_BIRTH", "APP_AMT_INCOME_TOTAL"} <= identifiers()
    assert {rule["from"] for rule in policy()["bands"].values()} <= identifiers()
    assert not set(policy()["bands"]) & identifiers()
