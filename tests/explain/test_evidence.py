"""The evidence of a reason and the customer sentence it calls for, on hand-made clients."""

from __future__ import annotations

import math

import numpy as np
import pytest

from scoring.explain.by_code import CodeGrouping
from scoring.explain.evidence import Evidence, code_evidence
from scoring.explain.reason_codes import catalogue
from scoring.explain.reasons import CodeReason, code_breakdown, principal_reasons
from scoring.explain.sentences import customer_sentence
from scoring.features.feature import ModelFeature
from scoring.vocabulary import Decision, FeatureKind

NAN = math.nan
FEATURES = [
    ModelFeature("CC_COUNT", "Number of monthly credit card statements", FeatureKind.COUNT),
    ModelFeature("CC_UTILISATION_MEAN", "Average utilisation (balance / limit)"),
    ModelFeature("CC_DRAWINGS_LIMIT_RATIO_MEAN", "Average amount drawn / limit"),
    ModelFeature("PREV_COUNT", "Number of previous applications", FeatureKind.COUNT),
    ModelFeature("PREV_REFUSED_COUNT", "Number of refused previous applications", FeatureKind.COUNT),
    ModelFeature("PREV_APPROVED_SHARE", "Share of previous applications approved"),
    ModelFeature("PREV_AMT_CREDIT_MEAN", "Average amount granted on previous applications"),
    ModelFeature("INST_COUNT", "Number of instalment payments", FeatureKind.COUNT),
    ModelFeature("INST_LATE_MEAN", "Share of instalment payments paid late"),
    ModelFeature("APP_EXT_SOURCE_2", "External score 2"),
    ModelFeature("APP_EXT_SOURCE_3", "External score 3"),
    ModelFeature("APP_DAYS_BIRTH", "Age (days)"),
    ModelFeature("APP_NAME_CONTRACT_TYPE", "Contract type", FeatureKind.CATEGORICAL, ("Cash", "Revolving")),
]
NAMES = [f.name for f in FEATURES]
GROUPING = CodeGrouping.of(catalogue(), NAMES)
NEW_APPLICANT = {  # no row in any history table: counts at 0, every other history feature missing
    "CC_COUNT": 0.0,
    "CC_UTILISATION_MEAN": NAN,
    "CC_DRAWINGS_LIMIT_RATIO_MEAN": NAN,
    "PREV_COUNT": 0.0,
    "PREV_REFUSED_COUNT": 0.0,
    "PREV_APPROVED_SHARE": NAN,
    "PREV_AMT_CREDIT_MEAN": NAN,
    "INST_COUNT": 0.0,
    "INST_LATE_MEAN": NAN,
    "APP_EXT_SOURCE_2": 0.3,
    "APP_EXT_SOURCE_3": NAN,
    "APP_DAYS_BIRTH": -12_000.0,
    "APP_NAME_CONTRACT_TYPE": 0.0,
}


def client(**changes: float) -> np.ndarray:
    values = {**NEW_APPLICANT, **changes}
    return np.array([values[name] for name in NAMES], dtype=np.float64)


def reasons(values: np.ndarray, push: float) -> dict[str, CodeReason]:
    """Every code's reason, each feature pushing by `push` (positive: towards refusal)."""
    contributions = np.full(len(NAMES), push)
    breakdown = code_breakdown(GROUPING.sum(contributions), contributions, values, FEATURES, GROUPING)
    return {r.code: r for r in breakdown}


def told(values: np.ndarray, code: str, kind: str, language: str = "en") -> str:
    return customer_sentence(reasons(values, 0.1 if kind == "adverse" else -0.1)[code], kind, language)


def text(code: str, kind: str, language: str = "en") -> str:
    return catalogue()[code].text(kind, language)


def test_a_client_without_history_is_told_there_is_none_never_a_fact() -> None:
    values = client()
    for kind in ("adverse", "favourable"):
        judged = reasons(values, 0.1 if kind == "adverse" else -0.1)
        for code in ("PREVIOUS_REFUSALS", "PREVIOUS_LOANS", "LATE_INSTALMENTS", "CARD_USE"):
            assert judged[code].evidence == Evidence.MISSING, code
            for language in ("en", "fr"):
                assert customer_sentence(judged[code], kind, language) == text(code, "missing", language)
    assert told(values, "PREVIOUS_REFUSALS", "favourable") == (
        "We have no previous credit application from you on record."
    )
    assert told(values, "LATE_INSTALMENTS", "favourable") == "We have no repayment history for you with us."
    assert told(values, "LATE_INSTALMENTS", "adverse", "fr") == (
        "Nous n'avons pas d'historique de remboursement pour vous chez nous."
    )
    for code, fact in [
        ("PREVIOUS_REFUSALS", "approved"),
        ("PREVIOUS_REFUSALS", "refused"),
        ("LATE_INSTALMENTS", "on time"),
        ("CARD_USE", "small part"),
    ]:
        assert fact not in told(values, code, "favourable") + told(values, code, "adverse")
    assert customer_sentence(reasons(values, 0.1)["LATE_INSTALMENTS"], "action", "en") == ""


def test_a_count_of_zero_is_evidence_only_with_a_record_in_its_table() -> None:
    none_refused = client(PREV_COUNT=3.0, PREV_APPROVED_SHARE=NAN, PREV_AMT_CREDIT_MEAN=50_000.0)
    assert reasons(none_refused, -0.1)["PREVIOUS_REFUSALS"].evidence == Evidence.FAVOURABLE
    assert told(none_refused, "PREVIOUS_REFUSALS", "favourable") == text("PREVIOUS_REFUSALS", "favourable")
    assert told(none_refused, "PREVIOUS_REFUSALS", "adverse") == text("PREVIOUS_REFUSALS", "neutral")
    refused = client(PREV_COUNT=3.0, PREV_REFUSED_COUNT=1.0, PREV_APPROVED_SHARE=2 / 3)
    assert told(refused, "PREVIOUS_REFUSALS", "adverse") == text("PREVIOUS_REFUSALS", "adverse")
    assert told(refused, "PREVIOUS_REFUSALS", "favourable") == text("PREVIOUS_REFUSALS", "neutral")


def test_a_share_below_one_approved_shows_no_refusal_by_itself() -> None:
    values = client(PREV_COUNT=NAN, PREV_REFUSED_COUNT=NAN, PREV_APPROVED_SHARE=0.75)
    assert reasons(values, 0.1)["PREVIOUS_REFUSALS"].evidence == Evidence.NEUTRAL
    everything_approved = client(PREV_COUNT=NAN, PREV_REFUSED_COUNT=NAN, PREV_APPROVED_SHARE=1.0)
    assert reasons(everything_approved, -0.1)["PREVIOUS_REFUSALS"].evidence == Evidence.FAVOURABLE


def test_a_utilisation_of_0_265_is_never_a_large_part_of_the_limit() -> None:
    values = client(CC_COUNT=12.0, CC_UTILISATION_MEAN=0.265, CC_DRAWINGS_LIMIT_RATIO_MEAN=0.033)
    adverse = told(values, "CARD_USE", "adverse")
    assert (
        adverse
        == "Your credit-card account with us (its balance, limit and repayments) was taken into account."
    )
    assert "large" not in adverse and "grande" not in told(values, "CARD_USE", "adverse", "fr")
    assert told(values, "CARD_USE", "favourable") == "You use a small part of your credit-card limit."
    assert told(values, "CARD_USE", "action") == ""  # no advice to lower a balance the values show low
    heavy = client(CC_COUNT=12.0, CC_UTILISATION_MEAN=0.95, CC_DRAWINGS_LIMIT_RATIO_MEAN=0.9)
    assert told(heavy, "CARD_USE", "action") == text("CARD_USE", "action")


def test_a_large_utilisation_is_told_as_large_and_mixed_values_as_the_factor_only() -> None:
    large = client(CC_COUNT=12.0, CC_UTILISATION_MEAN=0.8, CC_DRAWINGS_LIMIT_RATIO_MEAN=0.6)
    assert told(large, "CARD_USE", "adverse") == "You use a large part of your credit-card limit."
    assert told(large, "CARD_USE", "favourable") == text("CARD_USE", "neutral")
    mixed = client(CC_COUNT=12.0, CC_UTILISATION_MEAN=0.8, CC_DRAWINGS_LIMIT_RATIO_MEAN=0.033)
    assert (
        told(mixed, "CARD_USE", "adverse")
        == told(mixed, "CARD_USE", "favourable")
        == text("CARD_USE", "neutral")
    )


def test_partially_missing_features_are_judged_on_the_present_ones() -> None:
    low = client(APP_EXT_SOURCE_2=0.2, APP_EXT_SOURCE_3=NAN)
    assert told(low, "EXT_SCORES", "adverse") == text("EXT_SCORES", "adverse")
    split = client(APP_EXT_SOURCE_2=0.2, APP_EXT_SOURCE_3=0.8)
    assert told(split, "EXT_SCORES", "adverse") == text("EXT_SCORES", "neutral")
    unknown = client(APP_EXT_SOURCE_2=NAN, APP_EXT_SOURCE_3=NAN)
    assert told(unknown, "EXT_SCORES", "favourable") == (
        "We have no credit score from an external credit agency for you."
    )


def test_a_late_instalment_is_told_and_an_on_time_record_is_never_called_late() -> None:
    late = client(INST_COUNT=24.0, INST_LATE_MEAN=0.125)
    assert told(late, "LATE_INSTALMENTS", "adverse") == text("LATE_INSTALMENTS", "adverse")
    on_time = client(INST_COUNT=24.0, INST_LATE_MEAN=0.0)
    assert told(on_time, "LATE_INSTALMENTS", "favourable") == text("LATE_INSTALMENTS", "favourable")
    assert told(on_time, "LATE_INSTALMENTS", "adverse") == text("LATE_INSTALMENTS", "neutral")


def test_the_categorical_missing_code_is_missing() -> None:
    values = client(APP_NAME_CONTRACT_TYPE=-1.0)
    assert code_evidence(values, FEATURES, GROUPING)[GROUPING.codes.index("CREDIT_TYPE")] == Evidence.MISSING
    assert told(values, "CREDIT_TYPE", "adverse") == text("CREDIT_TYPE", "missing")
    assert told(client(), "CREDIT_TYPE", "adverse") == text("CREDIT_TYPE", "adverse")


def test_age_is_stated_as_a_factor_in_both_directions() -> None:
    assert told(client(), "AGE", "adverse") == (
        "Your age was taken into account in the assessment and weighed against the application."
    )
    assert told(client(), "AGE", "favourable", "fr") == (
        "Votre âge a été pris en compte dans l'évaluation et a joué en faveur de la demande."
    )


def test_principal_reasons_keep_the_evidence() -> None:
    contributions = np.full(len(NAMES), 0.1)
    breakdown = code_breakdown(GROUPING.sum(contributions), contributions, client(), FEATURES, GROUPING)
    principal = principal_reasons(breakdown, Decision.REFUSE, k=10)
    assert len(principal) == len(breakdown) and Evidence.MISSING in {r.evidence for r in principal}
    assert [r.evidence for r in principal] == [r.evidence for r in breakdown]


@pytest.mark.parametrize("kind", ["adverse", "favourable", "action"])
def test_a_reason_not_judged_is_told_by_the_asked_sentence(kind: str) -> None:
    assert customer_sentence(CodeReason("CARD_USE", 0.2, 0.1, []), kind, "en") == text("CARD_USE", kind)
