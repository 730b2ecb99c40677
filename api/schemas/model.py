"""Response models of the model: metadata, global explanation, operational monitoring buckets, drift
reports."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from api.schemas.base import FromResult
from api.schemas.monitoring import FairnessTrendOut
from api.schemas.strategies import StrategyOut


class FeatureOut(BaseModel):
    name: str
    label: str
    kind: str
    levels: list[str] = []


class ScorecardRowOut(BaseModel):
    """One bin of a scorecard characteristic and its points."""

    feature: str = Field(description="The characteristic as shown (a twin in days shown as its years twin)")
    members: list[str] = Field(default=[], description="The scorecard's characteristics behind the row")
    label: str
    unit: str | None = Field(default=None, description="Unit of low and high (currency, years, ratio...)")
    bin: str = Field(description="The bin as the scorecard writes it, in the feature's own unit")
    low: float | None = Field(default=None, description="Lower bound, included (null: no lower bound)")
    high: float | None = Field(default=None, description="Upper bound, excluded (null: no upper bound)")
    levels: list[str] | None = Field(default=None, description="The categories of a categorical bin")
    missing: bool = Field(default=False, description="The bin of clients without a value")
    clients: int | None = Field(default=None, description="Training clients in the bin (null when merged)")
    default_rate: float | None = None
    points: float


class ModelOut(BaseModel):
    version: str
    created_at: str
    kind: str = Field(
        description="lightgbm, linear, blend (LightGBM + logistic regression, and the scorecard in the "
        "three-part blend) or scorecard"
    )
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
    scorecard: list[ScorecardRowOut] | None = Field(
        default=None,
        description="Points table of the run's scorecard (PDO scaling), one row per bin, in readable units "
        "(a quantity entering twice, as age in years and in days, merged)",
    )
    base_value: float = Field(description="Base value of the raw model (log-odds)")
    base_probability: float = Field(ge=0, le=1, description="Calibrated probability at the base value")
    features: list[FeatureOut] = Field(description="The features the model uses, in model order")
    clients: int = Field(description="Clients in the client store")
    expected_profit_per_1000: float | None = Field(
        default=None,
        description="Expected profit per 1,000 applicants of the out-of-fold PDs at the threshold, each "
        "accepted loan priced by the offer's policy (data's currency; null without out-of-fold PDs)",
    )
    profit: dict[str, Any] | None = Field(
        default=None,
        description="The figures behind it per 1,000 applicants: interest income, expected loss, cost of "
        "funds, operating cost, realised profit (known outcomes), offered share, share refused on price",
    )
    strategy: StrategyOut | None = Field(
        default=None,
        description="The decision strategy in force (its cut-offs and rules decide, not the threshold "
        "alone); null: the threshold decides",
    )


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


class SummaryImportanceOut(FromResult):
    feature: str = Field(description="The feature as shown (twins in two units merged into one)")
    label: str
    mean_abs_shap: float = Field(description="Mean |SHAP| over the sample (of the twins' sum when merged)")
    gain: float | None = None
    members: list[str] = Field(description="The model's features behind it")


class BeeswarmRowOut(FromResult):
    """A feature's clients per SHAP bin (the bins are the summary's `edges`)."""

    feature: str
    label: str
    counts: list[int]
    value_rank: list[float | None] = Field(description="Mean rank (0 lowest, 1 highest) of the known values")
    missing: list[int] = Field(description="Clients without a value per bin")


class DependenceBinOut(FromResult):
    low: float
    high: float
    clients: int
    mean_shap: float
    low_shap: float = Field(description="10th percentile of the contributions")
    high_shap: float = Field(description="90th percentile of the contributions")


class DependenceOut(FromResult):
    """A feature's contribution against its value, in bins (one per value when it has few)."""

    feature: str
    label: str
    unit: str | None
    bins: list[DependenceBinOut]
    missing_clients: int
    missing_mean_shap: float | None


class GlobalSummaryOut(BaseModel):
    """The SHAP sample in summaries: what the Model page draws at first paint."""

    model_version: str
    base_value: float
    clients: int = Field(description="Clients of the SHAP sample")
    importance: list[SummaryImportanceOut]
    edges: list[float] = Field(description="SHAP bin edges (log-odds) shared by the beeswarm rows")
    beeswarm: list[BeeswarmRowOut]
    dependence: list[DependenceOut]


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
    fairness: FairnessTrendOut | None = Field(
        default=None, description="Approval-rate ratios by sex and age band per month of the window"
    )


class DriftReportOut(BaseModel):
    name: str
    created_at: str | None = None
    reference: str | None = None
    current: str | None = None
    summary_url: str | None = None
    html_url: str | None = None
