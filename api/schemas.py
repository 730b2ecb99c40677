"""Response models of the API (the posted application models are in `api.applications`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import orjson
from fastapi import Response
from pydantic import BaseModel, Field

from scoring.explain.reasons import Reason
from scoring.serving.service import Explanation, ScoreResult

Decision = Literal["accept", "refuse"]
Value = float | str | None


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
    raising: list[ReasonOut] = Field(description="Up to 4 reasons raising the risk, strongest first")
    lowering: list[ReasonOut] = Field(description="Up to 4 reasons lowering the risk, strongest first")


class ScoreOut(BaseModel):
    client_id: int | None = None
    probability: float = Field(ge=0, le=1, description="Calibrated probability of default")
    decision: Decision = Field(description="'refuse' when probability >= threshold")
    threshold: float
    distance_to_threshold: float = Field(
        description="probability - threshold (negative: accepted by that margin)"
    )
    model_version: str
    explanation: ExplanationOut | None = None


def _reason(reason: Reason) -> dict:
    return {
        "feature": reason.feature,
        "label": reason.label,
        "contribution": reason.contribution,
        "value": reason.value,
    }


def _explanation(explanation: Explanation, contributions: bool) -> dict:
    return {
        "scale": "raw log-odds",
        "base_value": explanation.base_value,
        "raw_score": explanation.raw_score,
        "base_probability": explanation.base_probability,
        "probability": explanation.probability,
        "contributions": explanation.contributions if contributions else None,
        "raising": [_reason(r) for r in explanation.raising],
        "lowering": [_reason(r) for r in explanation.lowering],
    }


def score_payload(result: ScoreResult, contributions: bool = True) -> dict:
    """The ScoreOut document of a result as plain JSON-ready data (the hot routes skip model validation)."""
    return {
        "client_id": result.client_id,
        "probability": result.probability,
        "decision": result.decision,
        "threshold": result.threshold,
        "distance_to_threshold": result.distance,
        "model_version": result.model_version,
        "explanation": None
        if result.explanation is None
        else _explanation(result.explanation, contributions),
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


class CounterOfferOut(BaseModel):
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
