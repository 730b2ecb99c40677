"""Response models of client comparisons and out-of-fold performance (threshold, cost, ROC, calibration)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from api.schemas.base import FromResult
from scoring.vocabulary import Decision


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


class ThresholdPoint(FromResult):
    threshold: float
    approval_rate: float = Field(description="Share of clients accepted")
    cost_per_1000: float = Field(description="w_fn * FN + w_fp * FP per 1,000 clients")
    recall: float = Field(description="Share of defaulters refused")


class CostCurveOut(FromResult):
    threshold: list[float]
    approval_rate: list[float]
    cost_per_1000: list[float]


class ProductionChoiceOut(FromResult):
    """How the production threshold was chosen when the model was trained."""

    threshold: float
    w_fn: float | None = Field(description="The cost weights it minimised the cost under (null: unknown)")
    w_fp: float | None
    repeats: int | None = Field(description="Repeats of the cross-validation pooled to choose it")
    predictions: int | None = Field(
        description="Out-of-fold predictions it was chosen on (repeats x clients)"
    )


class ThresholdOut(FromResult):
    w_fn: float
    w_fp: float
    clients: int = Field(description="Out-of-fold clients")
    best: ThresholdPoint = Field(description="The threshold minimising the cost under these weights")
    production: ThresholdPoint = Field(description="The served threshold, costed under these weights")
    accept_all_cost_per_1000: float
    curve: CostCurveOut
    chosen: ProductionChoiceOut | None = Field(
        default=None,
        description="How the production threshold was chosen at training (the curve here is recomputed on "
        "the bundle's stored out-of-fold predictions, one per client: the first repeat)",
    )


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
    fairness: list[dict] = Field(
        description="Rows of the fairness table (see scoring.modeling.fairness); `judged` false: fewer "
        "clients than fairness_min_group, too few to judge"
    )
    fairness_min_group: int = Field(
        description="Clients a group needs to be judged (scoring/modeling/fairness.json)"
    )
