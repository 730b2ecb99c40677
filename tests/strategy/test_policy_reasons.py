"""The policy reason catalogue: texts in every language, no code shared with the feature reason codes."""

from __future__ import annotations

import pytest

from scoring.explain.policy_reasons import (
    NOT_AFFORDABLE,
    PRICE_ABOVE_CAP,
    PolicyCatalogue,
    is_policy_code,
    policy_catalogue,
)
from scoring.explain.reason_codes import catalogue
from scoring.vocabulary import Language


def test_every_code_has_every_text_in_both_languages() -> None:
    codes = policy_catalogue()
    assert set(codes.languages) == {lang.value for lang in Language}
    for code in codes.codes:
        for kind in ("title", "customer", "officer"):
            texts = {code.text(kind, lang) for lang in codes.languages}
            assert all(texts) and len(texts) == len(codes.languages), (code.code, kind)


def test_no_policy_code_is_a_feature_reason_code() -> None:
    features = {c.code for c in catalogue().codes}
    policy = {c.code for c in policy_catalogue().codes}
    assert not policy & features
    assert is_policy_code(NOT_AFFORDABLE) and is_policy_code(PRICE_ABOVE_CAP)
    assert not is_policy_code("INCOME")


def test_the_offer_codes_say_it_in_plain_words() -> None:
    assert "share of your income" in policy_catalogue()[NOT_AFFORDABLE].text("customer", "en")
    assert "maximum rate" in policy_catalogue()[PRICE_ABOVE_CAP].text("customer", "en")


def test_a_missing_language_is_refused_naming_the_code_and_text() -> None:
    entry = {
        "code": "X_RULE",
        "title": {"en": "t", "fr": "t"},
        "customer": {"en": "c"},
        "officer": {"en": "o", "fr": "o"},
    }
    with pytest.raises(ValueError, match=r"X_RULE: `customer` has no text in fr"):
        PolicyCatalogue({"version": "1", "languages": ["en", "fr"], "codes": [entry]})
