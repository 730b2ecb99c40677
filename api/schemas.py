"""Response models of the API (the posted application models are in `api.applications`).

Models built from the library's results (dataclasses of `scoring.serving`) read them by attribute.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any, Literal

import orjson
from fastapi import Response
from pydantic import BaseModel, ConfigDict, Field

from api.reason_schemas import CodeOut, ReasonCodeOut, code_payload, reason_payload
from scoring.db.models import utc_now
from scoring.db.users import User
from scoring.explain.reasons import Reason
from scoring.explain.recourse import Recourse, RecourseOption, RecourseTerms
from scoring.serving.service import Explanation, ScoreResult, ScoringService
from scoring.vocabulary import Decision, Language

Value = float | str | None


class FromResult(BaseModel):
    """A response model filled from a library result's attributes."""

    model_config = ConfigDict(from_attributes=True)


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
    detail: str | None = None


class ReasonOut(BaseModel):
    """A feature pushing the risk up (contribution > 0) or down, with its label and the client's value."""

    feature: str
    label: str
    contribution: float = Field(description="Contribution in log-odds of the raw (uncalibrated) model")
    value: Value = Field(description="The client's value (level name for categories; null when missing)")


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
    contributions: dict[str, float] | None = Field(
        description="Contribution (raw log-odds) of each model feature to this score; absent ones add 0"
    )
    raising: list[ReasonOut] = Field(description="Up to 4 features raising the risk, strongest first")
    lowering: list[ReasonOut] = Field(description="Up to 4 features lowering the risk, strongest first")
    reasons: list[ReasonCodeOut] = Field(
        description="Up to 4 reason codes pushing towards the decision (towards refusal for a refusal, "
        "towards acceptance for an acceptance), strongest first, in the requested language"
    )
    codes: list[CodeOut] = Field(
        description="Every reason code moving this score, strongest first; their contributions add up to "
        "raw_score - base_value"
    )


class ScoreOut(BaseModel):
    client_id: int | None = None
    probability: float = Field(ge=0, le=1, description="Calibrated probability of default")
    decision: Decision = Field(description="'refuse' when probability >= threshold")
    threshold: float
    distance_to_threshold: float = Field(
        description="probability - threshold (negative: accepted by that margin)"
    )
    model_version: str
    points: float = Field(
        description="Score points: offset + factor * ln(odds good:bad) (default 600 at 19:1, 50 to double)"
    )
    threshold_points: float = Field(description="Points of the threshold: refused below")
    explanation: ExplanationOut | None = None


def _reason(reason: Reason) -> dict:
    return {
        "feature": reason.feature,
        "label": reason.label,
        "contribution": reason.contribution,
        "value": reason.value,
    }


def _explanation(explanation: Explanation, contributions: bool, decision: str, language: Language) -> dict:
    return {
        "scale": "raw log-odds",
        "base_value": explanation.base_value,
        "raw_score": explanation.raw_score,
        "base_probability": explanation.base_probability,
        "probability": explanation.probability,
        "contributions": explanation.contributions if contributions else None,
        "raising": [_reason(r) for r in explanation.raising],
        "lowering": [_reason(r) for r in explanation.lowering],
        "reasons": [reason_payload(r, decision, language) for r in explanation.reasons],
        "codes": [code_payload(r, language) for r in explanation.codes],
    }


def score_payload(result: ScoreResult, contributions: bool = True, language: Language = Language.EN) -> dict:
    """The ScoreOut document of a result as plain JSON-ready data (the hot routes skip model validation)."""
    return {
        "client_id": result.client_id,
        "probability": result.probability,
        "decision": result.decision,
        "threshold": result.threshold,
        "distance_to_threshold": result.distance,
        "model_version": result.model_version,
        "points": result.points,
        "threshold_points": result.threshold_points,
        "explanation": None
        if result.explanation is None
        else _explanation(result.explanation, contributions, result.decision, language),
    }


def json_response(payload: object) -> Response:
    """A JSON response serialised with orjson (the payload must already match the route's response model)."""
    return Response(orjson.dumps(payload), media_type="application/json")


class BatchOut(BaseModel):
    model_version: str
    results: list[ScoreOut]


class FactOut(BaseModel):
    name: str
    label: str
    value: Value


class ClientOut(BaseModel):
    client_id: int
    split: Literal["train", "test"]
    known_outcome: int | None = Field(
        description="TARGET: 1 = defaulted, 0 = repaid, null = unknown (test client)"
    )
    facts: list[FactOut]


class ClientSearch(BaseModel):
    ids: list[int]


class NeighbourOut(BaseModel):
    client_id: int
    distance: float
    probability: float = Field(ge=0, le=1)
    decision: Decision
    known_outcome: int | None


class SimilarOut(BaseModel):
    client_id: int
    space: str = Field(description="How similarity is measured")
    features: list[str] = Field(description="Features of the neighbour space")
    neighbours: list[NeighbourOut]


class CounterOfferOut(FromResult):
    client_id: int | None = None
    current_amount: float
    current_probability: float = Field(ge=0, le=1)
    current_decision: Decision
    max_amount: float | None = Field(
        description="Largest credit amount still accepted (null: none from the minimum up)"
    )
    annuity_at_max: float | None = Field(
        description="Annuity rescaled at the same rate and term (null if unknown)"
    )
    probability_at_max: float | None
    capped: bool = Field(description="True when even the search's upper bound is accepted")
    threshold: float
    model_version: str


class FeatureOut(BaseModel):
    name: str
    label: str
    kind: str
    levels: list[str] = []


class ModelOut(BaseModel):
    version: str
    created_at: str
    kind: str = Field(description="lightgbm, linear, blend (LightGBM + logistic regression) or scorecard")
    candidate: str | None = Field(default=None, description="The candidate of the comparison it is")
    threshold: float = Field(description="Refuse when the calibrated probability of default >= threshold")
    cost: dict[str, Any]
    cv_metrics: dict[str, Any] = Field(
        description="Out-of-fold metrics at the threshold (AUC, cost, recall...; brier, log_loss, ece, "
        "mean_pd, observed_rate; *_std across repeats)"
    )
    calibration: dict[str, Any] | None = Field(
        default=None, description="Chosen method, each method's cross-validated scores, reliability bins"
    )
    candidates: list[dict[str, Any]] = Field(
        default=[],
        description="Comparison table: mean and std across repeats of AUC, cost, ECE per candidate",
    )
    selection_rule: str | None = None
    feature_selection: dict[str, Any] | None = Field(
        default=None, description="Features kept of those allowed, out-of-fold AUC of full and selected sets"
    )
    monotone: dict[str, Any] | None = Field(
        default=None, description="Direction (+1/-1) of each constrained feature and the policy's levers"
    )
    challenger: dict[str, Any] | None = Field(
        default=None, description="The other model of the training run (AUC, cost, ECE, number of features)"
    )
    scorecard: list[dict[str, Any]] | None = Field(
        default=None, description="Points table of the run's scorecard (PDO scaling), one row per bin"
    )
    base_value: float = Field(description="Base value of the raw model (log-odds)")
    base_probability: float = Field(ge=0, le=1, description="Calibrated probability at the base value")
    features: list[FeatureOut] = Field(description="The features the model uses, in model order")
    clients: int = Field(description="Clients in the client store")


class ImportanceOut(BaseModel):
    feature: str
    label: str
    mean_abs_shap: float
    gain: float | None = None


class ShapSample(BaseModel):
    """Column-oriented sample for summary and dependence plots (null = missing value)."""

    client_ids: list[int]
    target: list[int | None]
    probability: list[float]
    values: dict[str, list[float | None]]
    shap: dict[str, list[float]]


class GlobalExplanationOut(BaseModel):
    model_version: str
    base_value: float
    importance: list[ImportanceOut]
    sample: ShapSample


class BucketOut(BaseModel):
    start: datetime
    requests: int
    errors: dict[str, int] = Field(description="Count of responses by error status code (4xx/5xx)")
    latency_ms_p50: float | None
    latency_ms_p95: float | None
    latency_ms_p99: float | None
    scores: int
    refusal_rate: float | None
    mean_probability: float | None
    probability_p10: float | None = Field(description="10th percentile of the scored probabilities")
    probability_p50: float | None = Field(description="Median of the scored probabilities")
    probability_p90: float | None = Field(description="90th percentile of the scored probabilities")


class MonitoringOut(BaseModel):
    since: datetime
    until: datetime
    bucket: str
    buckets: list[BucketOut]


class DriftReportOut(BaseModel):
    name: str
    created_at: str | None = None
    reference: str | None = None
    current: str | None = None
    summary_url: str | None = None
    html_url: str | None = None


class ApplicationFieldOut(BaseModel):
    name: str
    kind: Literal["key", "int", "float", "cat"]
    required: bool
    levels: list[str] = Field(description="Levels of a categorical field (besides XNA/XAP for missing)")


class ApplicationFieldsOut(BaseModel):
    fields: list[ApplicationFieldOut]


class WhatIfOut(BaseModel):
    client_id: int
    changed: list[str] = Field(description="The fields changed")
    score: ScoreOut = Field(description="Score and explanation with the changes")
    counter_offer: CounterOfferOut = Field(description="Largest credit amount accepted with the changes")


# -- analytics: client comparisons -------------------------------------------------------------------------


class ExampleOut(FromResult):
    kind: Literal["safe", "borderline", "risky"]
    client_id: int
    probability: float = Field(ge=0, le=1)
    decision: Decision


class ExamplesOut(BaseModel):
    threshold: float
    examples: list[ExampleOut]


class DistributionOut(FromResult):
    """Counts of repaid and defaulted clients per bin (numeric) or per level (categorical)."""

    feature: str
    label: str
    kind: str
    group: Literal["all", "similar"]
    clients: int = Field(description="Labelled clients in the group")
    edges: list[float] | None = Field(description="Bin edges (numeric features; the end bins hold extremes)")
    levels: list[str] | None = Field(description="Levels (categorical features)")
    repaid: list[int]
    defaulted: list[int]
    missing_repaid: int
    missing_defaulted: int
    client_value: float | str | None = Field(description="The client's value (level name for categories)")


class ScatterClient(FromResult):
    client_id: int
    x: float | None
    y: float | None
    probability: float


class ScatterOut(FromResult):
    x: str
    x_label: str
    y: str
    y_label: str
    client_ids: list[int]
    x_values: list[float]
    y_values: list[float]
    probability: list[float]
    outcome: list[int] = Field(description="1 = defaulted, 0 = repaid")
    client: ScatterClient | None = None


# -- analytics: out-of-fold performance -------------------------------------------------------------------


class ThresholdPoint(FromResult):
    threshold: float
    approval_rate: float = Field(description="Share of clients accepted")
    cost_per_1000: float = Field(description="w_fn * FN + w_fp * FP per 1,000 clients")
    recall: float = Field(description="Share of defaulters refused")


class CostCurveOut(FromResult):
    threshold: list[float]
    approval_rate: list[float]
    cost_per_1000: list[float]


class ThresholdOut(FromResult):
    w_fn: float
    w_fp: float
    clients: int = Field(description="Out-of-fold clients")
    best: ThresholdPoint = Field(description="The threshold minimising the cost under these weights")
    production: ThresholdPoint = Field(description="The served threshold, costed under these weights")
    accept_all_cost_per_1000: float
    curve: CostCurveOut


class RocOut(FromResult):
    auc: float | None
    fpr: list[float]
    tpr: list[float]


class CalibrationOut(FromResult):
    """Reliability diagram of the calibrated out-of-fold probabilities: bins of equal client counts."""

    predicted: list[float] = Field(description="Mean calibrated probability per bin")
    observed: list[float] = Field(description="Observed default rate per bin")
    clients: list[int]
    brier: float = Field(description="Brier score of the out-of-fold probabilities")
    log_loss: float = Field(description="Log-loss of the out-of-fold probabilities")
    ece: float = Field(description="Expected calibration error over these bins")
    mean_pd: float = Field(description="Mean probability of default")
    observed_rate: float = Field(description="Observed default rate")


class PerformanceOut(FromResult):
    model_version: str
    created_at: str
    threshold: float
    clients: int
    default_rate: float
    confusion: dict[str, int] = Field(description="tp, fp, fn, tn with default as positive, refusal as flag")
    roc: RocOut
    calibration: CalibrationOut
    fairness: list[dict] = Field(description="Rows of the fairness table (see scoring.modeling.fairness)")


# -- sign-in, users, decisions, letters, audit ---------------------------------------------------------------

RoleName = Literal["officer", "analyst", "admin"]
OfficerDecisionName = Literal["accept", "accept-counter-offer", "refuse", "refer"]
OverrideReasonName = Literal[
    "information-outside-model",
    "data-error",
    "verified-income",
    "collateral-or-guarantor",
    "existing-relationship",
    "affordability",
    "fraud-suspicion",
    "policy-rule",
    "other",
]


class LoginIn(BaseModel):
    model_config = {"extra": "forbid"}
    username: str = Field(min_length=1, max_length=128)
    password: str = Field(min_length=1, max_length=1024)


class SsoIn(BaseModel):
    """A user the dashboard authenticated with the OpenID Connect provider (it checked the ID token)."""

    model_config = {"extra": "forbid"}
    username: str = Field(min_length=1, max_length=128)
    provider: str = Field(min_length=1, max_length=64)


class UserOut(BaseModel):
    id: int
    username: str
    role: RoleName
    active: bool
    locked: bool = Field(description="Locked after repeated failed sign-ins")
    created_at: datetime
    last_sign_in_at: datetime | None
    has_password: bool = Field(description="False for a single-sign-on-only account")


def user_out(user: User) -> UserOut:
    locked = user.locked_until is not None and user.locked_until > utc_now()
    return UserOut(
        id=user.id,
        username=user.username,
        role=str(user.role),
        active=user.active,
        locked=locked,
        created_at=user.created_at,
        last_sign_in_at=user.last_sign_in_at,
        has_password=user.has_password,
    )


class UserCreateIn(BaseModel):
    model_config = {"extra": "forbid"}
    username: str = Field(min_length=1, max_length=64)
    role: RoleName
    password: str | None = Field(default=None, max_length=1024, description="null: single sign-on only")


class PasswordIn(BaseModel):
    model_config = {"extra": "forbid"}
    password: str = Field(max_length=1024)


class DeniedIn(BaseModel):
    """A request the dashboard refused (recorded in the audit trail)."""

    model_config = {"extra": "forbid"}
    resource: str = Field(min_length=1, max_length=128, description="Page path or callback output")
    reason: Literal["no session", "role"]


class LabelledValue(BaseModel):
    value: str
    label: str


class DecisionVocabularyOut(BaseModel):
    decisions: list[LabelledValue]
    override_reasons: list[LabelledValue]
    overrides: dict[str, list[str]] = Field(
        description="Model decision -> the officer decisions overriding it"
    )
    min_justification: int = Field(description="Characters an override's justification needs at least")


class DecisionIn(BaseModel):
    model_config = {"extra": "forbid"}
    decision: OfficerDecisionName
    reason_category: OverrideReasonName | None = Field(default=None, description="Required for an override")
    justification: str | None = Field(
        default=None, max_length=4000, description="Required (20 characters or more) for an override"
    )


class DecisionOut(BaseModel):
    id: int
    created_at: datetime
    username: str = Field(description="The officer who decided")
    decision: OfficerDecisionName
    model_decision: Decision
    override: bool
    reason_category: OverrideReasonName | None
    justification: str | None
    model_version: str
    probability: float
    threshold: float
    reasons: list[dict[str, Any]] = Field(description="The reasons shown with the score")
    counter_offer_amount: float | None


class DecisionHistoryOut(BaseModel):
    client_id: int
    decisions: list[DecisionOut] = Field(description="Newest first")


class OfficerMonthOut(BaseModel):
    officer: str
    month: str = Field(description="YYYY-MM (UTC)")
    decisions: int
    overrides: int
    override_rate: float | None


class OutcomeGroupOut(BaseModel):
    granted_with_outcome: int
    defaults: int
    default_rate: float | None


class OutcomesOut(BaseModel):
    overridden: OutcomeGroupOut
    followed: OutcomeGroupOut


class OversightOut(BaseModel):
    decisions: int
    overrides: int
    override_rate: float | None
    per_officer_month: list[OfficerMonthOut]
    outcomes: OutcomesOut | None = Field(description="Null until outcomes (the labels table) are known")


class AuditRowOut(BaseModel):
    id: int
    created_at: datetime
    actor: str
    role: str | None
    action: str
    client_hash: str | None
    target: str | None
    detail: dict[str, Any]
    source: str | None
    request_id: str | None


class AuditPageOut(BaseModel):
    rows: list[AuditRowOut] = Field(description="Newest first")


class VerificationOut(BaseModel):
    ok: bool
    rows: int
    first_id: int
    last_id: int
    head_hash: str
    problem: str | None = Field(description="The first row edited, inserted or deleted")
    problem_kind: Literal["edited", "inserted", "deleted"] | None
    problem_row: int | None


# -- recourse ------------------------------------------------------------------------------------------------


class RecourseOptionOut(BaseModel):
    kind: Literal["amount", "term"] = Field(
        description="'amount': a lower amount at the same rate and term; 'term': a longer term at the same "
        "rate for the same amount"
    )
    amount: float
    annuity: float | None = Field(description="Instalment of the offer (null when the application has none)")
    term: float | None = Field(description="Number of monthly instalments at the lender's rate")
    probability: float = Field(ge=0, le=1)
    points: float
    change: float = Field(ge=0, description="Relative size of the change (0.1: 10 % less amount or term)")


class RecourseOut(BaseModel):
    client_id: int
    decision: Literal["accept", "refuse"]
    probability: float = Field(ge=0, le=1)
    points: float
    threshold: float
    amount: float = Field(description="The amount asked")
    annuity: float | None
    term: float | None = Field(description="Term implied by amount, instalment and the lender's rate")
    options: list[RecourseOptionOut] = Field(description="Accepted offers, smallest change first (refusals)")
    recommended: RecourseOptionOut | None = Field(description="The smallest change (null: none found)")
    annual_rate: float = Field(description="The lender's nominal annual rate assumed for the terms")
    max_term: int = Field(description="Longest term offered (monthly instalments)")
    model_version: str


def _number(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def _option(service: ScoringService, option: RecourseOption) -> RecourseOptionOut:
    return RecourseOptionOut(
        kind=option.kind,
        amount=option.amount,
        annuity=_number(option.annuity),
        term=_number(option.term),
        probability=option.probability,
        points=service.points.of(option.probability),
        change=max(option.change, 0.0),
    )


def recourse_out(
    service: ScoringService, found: Recourse, client_id: int, terms: RecourseTerms
) -> RecourseOut:
    options = [_option(service, o) for o in found.options]
    return RecourseOut(
        client_id=client_id,
        decision=service.scorer.decision(found.probability),
        probability=found.probability,
        points=service.points.of(found.probability),
        threshold=found.threshold,
        amount=found.amount,
        annuity=_number(found.annuity),
        term=_number(found.term),
        options=options,
        recommended=options[0] if options else None,
        annual_rate=terms.annual_rate,
        max_term=terms.max_term,
        model_version=service.scorer.version,
    )
