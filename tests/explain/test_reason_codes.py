"""The reason-code catalogue: every feature of the dictionary in exactly one code, texts in every language."""

from __future__ import annotations

import copy
import json
import re
from importlib import resources

import pytest

from scoring.explain.reason_codes import MAX_CODES, MIN_CODES, ReasonCatalogue, UnmappedFeature, catalogue
from scoring.explain.reasons import CodeReason
from scoring.explain.sentences import customer_sentence
from scoring.features.catalog import feature_names
from scoring.vocabulary import Language


def document() -> dict:
    return json.loads(resources.files("scoring.explain").joinpath("reason_codes.json").read_text("utf-8"))


def test_every_dictionary_feature_has_exactly_one_code() -> None:
    codes = catalogue()
    names = feature_names()
    assert len(names) >= 603
    mapped = codes.codes_of(names)  # raises UnmappedFeature naming the first feature without exactly one
    assert len(mapped) == len(names)
    assert set(mapped) == {c.code for c in codes.codes}, "a code with no feature in the dictionary"


def test_size_texts_and_actions() -> None:
    codes = catalogue()
    assert MIN_CODES <= len(codes) <= MAX_CODES
    assert set(codes.languages) == {lang.value for lang in Language}
    for code in codes.codes:
        for kind in ("title", "adverse", "favourable", "neutral", "missing", "officer"):
            texts = {code.text(kind, lang) for lang in codes.languages}
            assert all(texts) and len(texts) == len(codes.languages), (code.code, kind)
        assert code.actionable == bool(code.text("action", "fr"))
    assert sum(c.actionable for c in codes.codes) >= 10
    assert codes["AMOUNT_TO_INCOME"].actionable and not codes["AGE"].actionable


@pytest.mark.parametrize(
    ("feature", "code"),
    [
        ("APP_EXT_SOURCE_2", "EXT_SCORES"),
        ("APP_EXT_SOURCE_WEIGHTED", "EXT_SCORES"),  # derived combinations of the scores
        ("APP_CREDIT_GOODS_RATIO", "GOODS_FINANCING"),
        ("APP_ANNUITY_INCOME_RATIO", "REPAYMENT_BURDEN"),
        ("APP_CREDIT_ANNUITY_RATIO", "LOAN_TERM"),
        ("APP_CREDIT_TERM", "LOAN_TERM"),
        ("APP_AMT_CREDIT", "AMOUNT_TO_INCOME"),
        ("INST_LAST12M_DPD_MAX", "LATE_INSTALMENTS"),
        ("INST_PAYMENT_RATIO_MIN", "SHORT_PAYMENTS"),
        ("INST_COUNT", "INSTALMENT_LOANS"),
        ("BUREAU_AMT_CREDIT_SUM_OVERDUE_MAX", "BUREAU_ARREARS"),
        ("BUREAU_AMT_CREDIT_SUM_DEBT_SUM", "BUREAU_DEBT"),
        ("BUREAU_CLOSED_AMT_CREDIT_SUM_MAX", "CREDIT_HISTORY"),
        ("PREV_REFUSED_COUNT", "PREVIOUS_REFUSALS"),
        ("PREV_AMT_CREDIT_MEAN", "PREVIOUS_LOANS"),
        ("CC_UTILISATION_MAX", "CARD_USE"),
        ("CC_LAST12M_BELOW_MIN_MEAN", "CARD_REPAYMENTS"),
    ],
)
def test_membership_by_name_pattern_and_prefix(feature: str, code: str) -> None:
    assert catalogue().code_of(feature) == code


def test_unknown_feature_is_named() -> None:
    with pytest.raises(UnmappedFeature, match="NEW_TABLE_FEATURE belongs to no reason code"):
        catalogue().code_of("NEW_TABLE_FEATURE")


def test_two_patterns_of_one_tier_are_an_error() -> None:
    doc = document()
    doc["codes"][1]["patterns"] = [r"APP_EXT_SOURCE_1"]
    with pytest.raises(
        UnmappedFeature, match="APP_EXT_SOURCE_1 matches several reason codes: EXT_SCORES, AGE"
    ):
        ReasonCatalogue(doc).code_of("APP_EXT_SOURCE_1")


def test_an_exact_name_wins_over_patterns_and_prefixes() -> None:
    doc = document()
    doc["codes"][0]["features"] = ["INST_DPD_MAX"]
    assert ReasonCatalogue(doc).code_of("INST_DPD_MAX") == doc["codes"][0]["code"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["codes"][2]["adverse"].pop("fr"), "`adverse` has no text in fr"),
        (lambda d: d["codes"][2].update(actionable=True), "`actionable` must be true exactly when"),
        (lambda d: d["codes"][3].update(features=["APP_DAYS_BIRTH"]), "APP_DAYS_BIRTH is listed by AGE and"),
        (lambda d: d["codes"].append(copy.deepcopy(d["codes"][0])), "a code appears twice"),
        (lambda d: d.update(codes=d["codes"][:5]), "5 codes, expected 20 to 35"),
        (lambda d: d["codes"][0].update(patterns=["APP_("]), "EXT_SCORES: bad pattern"),
        (lambda d: d["codes"][0].pop("missing"), "EXT_SCORES: `missing` has no text in en"),
        (lambda d: d["codes"][0]["headline"]["rules"][0].update(adverse="up"), "`adverse` must be one of"),
        (lambda d: d["codes"][0]["headline"]["rules"][0].update(low=0.7), "`low` 0.7 is above `high` 0.6"),
        (lambda d: d["codes"][0]["headline"]["rules"][0].update(low=None, high=None), "a `low` or a `high`"),
        (lambda d: d["codes"][0]["headline"]["rules"][0].update(high="0.6"), "`high` must be a number"),
        (lambda d: d["codes"][0]["headline"].update(adverse_if="most"), "`adverse_if` must be one of"),
        (lambda d: d["codes"][0]["headline"]["rules"][0].update(patterns=["APP_("]), "bad headline pattern"),
    ],
)
def test_a_broken_catalogue_is_refused_with_its_reason(change, message: str) -> None:  # noqa: ANN001
    doc = document()
    change(doc)
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        ReasonCatalogue(doc)


CUSTOMER_TEXTS = ("adverse", "favourable", "neutral", "missing", "action")
GROUP_WORDING = re.compile(
    r"\b(age group|people like you|tranche d'âge|groupe|in our experience|selon notre expérience)\b",
    re.IGNORECASE,
)
# words by which a sentence asserts a level or an event the client's own values must show
DIRECTION_WORDS = re.compile(
    r"\b(large|small|low|high|late|on time|approved|refused|short|long|many|few|good|moderate|comfortable|"
    r"in full|below|overdue|recently|stable|only part)\b",
    re.IGNORECASE,
)


def test_no_customer_sentence_blames_a_group() -> None:
    codes = catalogue()
    for code in codes.codes:
        for kind in CUSTOMER_TEXTS:
            for language in codes.languages:
                sentence = code.text(kind, language)
                assert not GROUP_WORDING.search(sentence), (code.code, kind, language, sentence)
    assert GROUP_WORDING.search("Your age group has had more repayment difficulties in our experience.")
    assert not GROUP_WORDING.search("Réduisez ou regroupez vos autres dettes.")


def test_age_sentences_state_the_factor_plainly() -> None:
    age = catalogue()["AGE"]
    assert not age.actionable and age.protected
    for kind in ("adverse", "favourable", "neutral"):
        assert age.text(kind, "en").startswith("Your age was taken into account in the assessment")
        assert age.text(kind, "fr").startswith("Votre âge a été pris en compte dans l'évaluation")
    assert "against" in age.text("adverse", "en") and "favour" in age.text("favourable", "en")


def test_every_sentence_asserting_a_level_has_headline_rules_and_a_neutral_form() -> None:
    asserting = []
    for code in catalogue().codes:
        claims = [DIRECTION_WORDS.search(code.text(kind, "en")) for kind in ("adverse", "favourable")]
        if any(claims):
            asserting.append(code.code)
            assert code.headline is not None, (code.code, [c.group(0) for c in claims if c])
        for kind in ("neutral", "missing"):
            assert not DIRECTION_WORDS.search(code.text(kind, "en")), (code.code, kind)
    assert {"CARD_USE", "LATE_INSTALMENTS", "PREVIOUS_REFUSALS", "EXT_SCORES"} <= set(asserting)


def test_headline_features_are_members_of_their_code() -> None:
    codes = catalogue()
    names = feature_names()
    for code in codes.codes:
        if code.headline is None:
            continue
        for rule in code.headline.rules:
            for pattern in rule.patterns:
                matched = [n for n in names if pattern.fullmatch(n)]
                assert matched, (code.code, pattern.pattern)
                assert {codes.code_of(n) for n in matched} == {code.code}, (code.code, pattern.pattern)


def test_history_prefixes_name_the_history_tables() -> None:
    names = feature_names()
    for prefix in catalogue().history_prefixes:
        assert f"{prefix}COUNT" in names, prefix


def test_the_customer_sentence_of_an_unjudged_reason_is_the_catalogue_text() -> None:
    reason = CodeReason("AGE", 0.3, 0.2, [])
    assert customer_sentence(reason, "adverse", "fr") == catalogue()["AGE"].text("adverse", "fr")


def test_no_two_codes_share_a_customer_sentence() -> None:
    """A letter listing several reasons never repeats a sentence (two histories missing read differently)."""
    codes = catalogue()
    for kind in ("adverse", "favourable", "neutral", "missing"):
        for language in codes.languages:
            sentences = [code.text(kind, language) for code in codes.codes]
            assert len(set(sentences)) == len(sentences), (kind, language)
