"""Response models of scores: health, readiness, a score with its explanation, batches; the hot routes'
payloads."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from api.schemas.offers import AlternativeOut, LimitsOut, TermsOut
from api.schemas.reasons import (
    CodeOut,
    FeatureContributionOut,
    ReasonCodeOut,
    code_payload,
    feature_contribution,
    reason_payload,
)
from api.schemas.strategies import StrategyOut
from scoring.explain.policy_reasons import policy_catalogue
from scoring.serving.service import ScoreResult
from scoring.vocabulary import Decision, Language


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class Readiness(BaseModel):
    status: Literal["ready", "loading", "failed"]
    model_version: str | None = None
    clients: int | None = None
    explanations: Literal["ready", "pending", "computing", "failed"] | None = Field(
        default=None,
        description="Precomputed explanations of stored clients (until 'ready', computed per request).",
    )
    strategy: StrategyOut | None = Field(
        default=None, description="The decision strategy in force (null: the bundle's threshold decides)"
    )
    strategy_error: str | None = Field(
        default=None,
        description="Why the stored active strategy is not served (it does not validate): the one before "
        "it still decides",
    )
    detail: str | None = None


class ExplanationOut(BaseModel):
    """Contributions are in log-odds of the raw model (before calibration); the calibrated probabilities at
    the waterfall's end points are ``base_probability`` (average client) and ``probability`` (this client)."""

    scale: Literal["raw log-odds"] = Field(
        default="raw log-odds",
        description="Unit of base_value, raw_score and contributions: raw model log-odds, not calibrated",
    )
    base_value: float = Field(description="Base value of the raw model (log-odds): the average client")
    raw_score: float = Field(
        description="The client's raw score (log-odds): base_value + sum of contributions"
    )
    base_probability: float = Field(
        ge=0, le=1, description="Calibrated probability of default at the base value (waterfall start)"
    )
    probability: float = Field(
        ge=0, le=1, description="Calibrated probability of default at the raw score (waterfall end)"
    )
    base_points: float = Field(description="Score points of the average client (base_probability)")
    points_per_log_odds: float = Field(
        description="pdo / ln 2 of the points scale: a log-odds step c is about -c times this many points"
    )
    contributions: dict[str, float] | None = Field(
        description="Contribution (raw log-odds) of each model feature to this score; absent ones add 0"
    )
    raising: list[FeatureContributionOut] = Field(
        description="Up to 4 features raising the risk, strongest first"
    )
    lowering: list[FeatureContributionOut] = Field(
        description="Up to 4 features lowering the risk, strongest first"
    )
    reasons: list[ReasonCodeOut] = Field(
        description="The policy codes of the strategy's rules that fired (refuse rules first; contribution "
        "and share 0, no features), then up to 4 reason codes pushing towards the decision (towards refusal "
        "for a refusal or a referral, towards acceptance for an acceptance), strongest first, in the "
        "requested language"
    )
    codes: list[CodeOut] = Field(
        description="Every reason code moving this score, strongest first; their contributions add up to "
        "raw_score - base_value"
    )


class ScoreOut(BaseModel):
    client_id: int | None = None
    probability: float = Field(ge=0, le=1, description="Calibrated probability of default")
    decision: Decision = Field(
        description="'accept', 'refer' (to a credit officer, who decides) or 'refuse'. With a strategy in "
        "force: a refuse rule that fired refuses, else a refer rule refers, else accept below "
        "accept_below, refuse from refuse_from, refer between; without one: 'refuse' when probability >= "
        "threshold"
    )
    rules_fired: list[str] = Field(
        default_factory=list,
        description="Policy reason codes of the strategy's rules that fired (refuse rules first); each is "
        "also among explanation.reasons",
    )
    strategy: StrategyOut | None = Field(
        default=None, description="The strategy that decided (null: the bundle's threshold)"
    )
    threshold: float = Field(description="The bundle's threshold (the decision's without a strategy)")
    distance_to_threshold: float = Field(
        description="probability - threshold (negative: below the bundle's threshold by that margin)"
    )
    model_version: str
    points: float = Field(
        description="Score points: offset + factor * ln(odds good:bad) (default 600 at 19:1, 50 to double)"
    )
    threshold_points: float = Field(description="Points of the threshold: refused below")
    explanation: ExplanationOut | None = None
    grade: str | None = Field(
        default=None, description="With ?offer=true: the risk grade (null: refused on risk)"
    )
    offer: TermsOut | None = Field(
        default=None, description="With ?offer=true: the offer (see the offer routes)"
    )
    alternatives: list[AlternativeOut] | None = Field(
        default=None, description="With ?offer=true: alternatives"
    )
    limits: LimitsOut | None = Field(default=None, description="With ?offer=true: what bounds the loan")


def policy_reason_payload(code: str, language: Language) -> dict:
    """The ReasonCodeOut document of a policy rule that fired (its catalogue texts)."""
    reason = policy_catalogue()[code]
    return {
        "code": code,
        "title": reason.text("title", language),
        "text": reason.text("customer", language),
        "evidence": None,
        "officer_text": reason.text("officer", language),
        "actionable": False,
        "action": None,
        "contribution": 0.0,
        "share": 0.0,
        "features": [],
    }


def _explanation(result: ScoreResult, contributions: bool, language: Language) -> dict:
    explanation, decision = result.explanation, result.decision
    policy = [policy_reason_payload(code, language) for code in result.rules_fired]
    return {
        "scale": "raw log-odds",
        "base_value": explanation.base_value,
        "raw_score": explanation.raw_score,
        "base_probability": explanation.base_probability,
        "probability": explanation.probability,
        "base_points": result.scale.of(explanation.base_probability),
        "points_per_log_odds": result.scale.factor,
        "contributions": explanation.contributions if contributions else None,
        "raising": [feature_contribution(r, language) for r in explanation.raising],
        "lowering": [feature_contribution(r, language) for r in explanation.lowering],
        "reasons": policy + [reason_payload(r, decision, language) for r in explanation.reasons],
        "codes": [code_payload(r, language) for r in explanation.codes],
    }


def score_payload(result: ScoreResult, contributions: bool = True, language: Language = Language.EN) -> dict:
    """The ScoreOut document of a result as plain JSON-ready data (the hot routes skip model validation)."""
    return {
        "client_id": result.client_id,
        "probability": result.probability,
        "decision": result.decision,
        "rules_fired": list(result.rules_fired),
        "strategy": None if result.strategy is None else result.strategy.describe(),
        "threshold": result.threshold,
        "distance_to_threshold": result.distance,
        "model_version": result.model_version,
        "points": result.points,
        "threshold_points": result.threshold_points,
        "explanation": None if result.explanation is None else _explanation(result, contributions, language),
    }


class BatchOut(BaseModel):
    model_version: str
    results: list[ScoreOut]
