"""Response models of reason codes (principal reasons and the per-code breakdown) and their payloads."""

from __future__ import annotations

from pydantic import BaseModel, Field

from api.schemas.base import Value
from scoring.explain.reason_codes import catalogue
from scoring.explain.reasons import CodeReason, Reason
from scoring.explain.sentences import customer_sentence
from scoring.features.dictionary import feature_label, feature_unit
from scoring.vocabulary import Decision, Language

MEMBERS_SHOWN = 3


class FeatureContributionOut(BaseModel):
    """A feature's push on this score (up: towards refusal) with its label and the client's value."""

    feature: str
    label: str
    contribution: float = Field(
        description="SHAP contribution in log-odds of the raw (uncalibrated) model; a quantity the model "
        "uses in two units (age in years and in days) is listed once, as the readable one, with both "
        "contributions"
    )
    value: Value = Field(description="The client's value (level name for categories; null when missing)")
    unit: str | None = Field(
        description="The feature dictionary's unit of the value (currency, days, ratio, share, count...)"
    )


class CodeOut(BaseModel):
    """A reason code's push on this score: the sum of its features' contributions."""

    code: str
    title: str = Field(description="Short name of the code, in the requested language")
    contribution: float = Field(description="Sum of the code's feature contributions (log-odds)")
    share: float = Field(
        ge=0, le=1, description="Share of the total push in the same direction (raising or lowering)"
    )
    features: list[FeatureContributionOut] = Field(
        description="Its strongest features (by |contribution|), for drill-down"
    )


class ReasonCodeOut(BaseModel):
    """A principal reason: a code pushing towards the decision, in words for the customer and the officer."""

    code: str
    title: str
    text: str = Field(
        description="Sentence for the customer: why it counted against (refusal) or for (acceptance) as far "
        "as the client's own values show it; else the factor stated plainly, or that nothing of it is known"
    )
    evidence: str | None = Field(
        default=None,
        description="What the client's values of the code's features support: missing (none known), adverse, "
        "favourable, neutral (neither) or present (the code asserts no level)",
    )
    officer_text: str = Field(description="What the code measures, for the credit officer")
    actionable: bool = Field(description="Whether the applicant can act on it")
    action: str | None = Field(description="How the applicant can act on it (null when not actionable)")
    contribution: float = Field(description="Sum of the code's feature contributions (log-odds)")
    share: float = Field(ge=0, le=1, description="Share of the total push towards the decision")
    features: list[FeatureContributionOut] = Field(
        description="The client's values of its most important features"
    )


def feature_contribution(reason: Reason, language: Language = Language.EN) -> dict:
    """The FeatureContributionOut document of a feature-level reason (its label in `language`)."""
    return {
        "feature": reason.feature,
        "label": feature_label(reason.feature, language, reason.label),
        "contribution": reason.contribution,
        "value": reason.value,
        "unit": feature_unit(reason.feature),
    }


def _share(value: float) -> float:
    return min(max(value, 0.0), 1.0)


def code_payload(reason: CodeReason, language: Language) -> dict:
    """A CodeOut document."""
    return {
        "code": reason.code,
        "title": catalogue()[reason.code].text("title", language),
        "contribution": reason.contribution,
        "share": _share(reason.share),
        "features": [feature_contribution(f, language) for f in reason.features],
    }


def reason_payload(reason: CodeReason, decision: str, language: Language) -> dict:
    """A ReasonCodeOut document."""
    code = catalogue()[reason.code]
    sentence = "favourable" if decision == Decision.ACCEPT else "adverse"
    return {
        "code": reason.code,
        "title": code.text("title", language),
        "text": customer_sentence(reason, sentence, language),
        "evidence": None if reason.evidence is None else str(reason.evidence),
        "officer_text": code.text("officer", language),
        "actionable": code.actionable,
        "action": (customer_sentence(reason, "action", language) or None) if code.actionable else None,
        "contribution": reason.contribution,
        "share": _share(reason.share),
        "features": [feature_contribution(f, language) for f in reason.features[:MEMBERS_SHOWN]],
    }
