"""The protected-attributes file: well formed, its features resolved from the catalogue, bad files named."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from scoring.features.catalog import feature_names
from scoring.features.expr import Col
from scoring.features.protected import (
    POLICY_FILE,
    ProtectedPolicyError,
    derived_features,
    parse_protected,
    protected_policy,
    read_protected,
    source_columns,
)

AGE_FEATURES = {
    "APP_DAYS_BIRTH",
    "APP_AGE_YEARS",
    "APP_EMPLOYED_AGE_RATIO",
    "APP_REGISTRATION_AGE_RATIO",
    "APP_ID_PUBLISH_AGE_RATIO",
    "APP_PHONE_CHANGE_AGE_RATIO",
    "APP_CAR_AGE_RATIO",
}


def _with(*entries: dict) -> dict:
    return {**json.loads(POLICY_FILE.read_text()), "protected": list(entries)}


def test_the_packaged_policy_protects_sex_with_its_legal_source() -> None:
    policy = protected_policy()
    assert policy.columns == ("CODE_GENDER",)
    assert "AU-005" in policy.attributes[0].source and "2008-198" in policy.attributes[0].source
    assert policy.features() == {"APP_CODE_GENDER": ["CODE_GENDER"]}
    names = feature_names()
    assert policy.allowed(names) == [n for n in names if n != "APP_CODE_GENDER"]
    assert not AGE_FEATURES & set(policy.features())  # age stays allowed by default


def test_listing_age_drops_every_feature_computed_from_it() -> None:
    age = {"column": "DAYS_BIRTH", "attribute": "age", "source": "the lender's policy"}
    policy = parse_protected(_with(*json.loads(POLICY_FILE.read_text())["protected"], age))
    assert set(policy.features()) == AGE_FEATURES | {"APP_CODE_GENDER"}
    assert set(policy.features()) <= set(feature_names())
    assert policy.to_dict()["features"]["APP_EMPLOYED_AGE_RATIO"] == ["DAYS_BIRTH"]


def test_derivation_reads_every_column_of_an_expression() -> None:
    assert set(source_columns((Col("A") + Col("B")) / -Col("C"))) == {"A", "B", "C"}
    sources = derived_features()
    assert sources["APP_CREDIT_INCOME_RATIO"] == {"AMT_CREDIT", "AMT_INCOME_TOTAL"}
    assert sources["APP_EXT_SOURCE_MEAN"] == {"EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3"}
    assert sources["APP_CODE_GENDER"] == {"CODE_GENDER"}
    assert set(sources) < set(feature_names())  # application features only: history reads other tables


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (
            _with({"column": "GENDER", "attribute": "sex", "source": "AU-005"}),
            "protected[0]: unknown application field 'GENDER'",
        ),
        (_with({"column": "CODE_GENDER", "attribute": "sex"}), "protected[0]: missing source"),
        (_with({"column": "CODE_GENDER", "attribute": "", "source": " "}), "missing attribute, source"),
        (_with("CODE_GENDER"), "protected[0]: an entry must be an object"),
        (
            _with(*[{"column": "CODE_GENDER", "attribute": "sex", "source": "AU-005"}] * 2),
            "listed twice: CODE_GENDER",
        ),
        ({"version": 1}, "'protected' must be a list"),
    ],
)
def test_a_bad_policy_is_refused_naming_the_entry(document: object, message: str) -> None:
    with pytest.raises(ProtectedPolicyError, match=re.escape(message)):
        parse_protected(document, "protected.json")


def test_an_unreadable_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "protected.json"
    path.write_text("{not json")
    with pytest.raises(ProtectedPolicyError, match="protected.json: cannot be read as JSON"):
        read_protected(path)
