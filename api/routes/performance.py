"""The model's out-of-fold performance for the dashboard: threshold and cost under any cost weights, and
the model card in numbers (confusion matrix, ROC, calibration, fairness) at the production threshold.

Everything is computed on the bundle's out-of-fold predictions (`oof.parquet`); the production threshold
itself only changes when a new bundle is trained and promoted.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated

import numpy as np
import polars as pl
from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from sklearn.metrics import roc_curve

from api.deps import ServiceDep
from api.errors import error_responses
from scoring.modeling.bundle import OOF_FILE, PROBABILITY
from scoring.modeling.cost import CostSpec
from scoring.modeling.metrics import confusion, probability_metrics, reliability_bins, safe_auc
from scoring.modeling.threshold import CostCurve, curve_for

router = APIRouter(prefix="/analytics", tags=["analytics"])

ERRORS = error_responses(401, 422, 500, 503)
Weight = Annotated[float, Query(gt=0, le=1000)]


class ThresholdPoint(BaseModel):
    threshold: float
    approval_rate: float = Field(description="Share of clients accepted")
    cost_per_1000: float = Field(description="w_fn * FN + w_fp * FP per 1,000 clients")
    recall: float = Field(description="Share of defaulters refused")


class CostCurveOut(BaseModel):
    threshold: list[float]
    approval_rate: list[float]
    cost_per_1000: list[float]


class ThresholdOut(BaseModel):
    w_fn: float
    w_fp: float
    clients: int = Field(description="Out-of-fold clients")
    best: ThresholdPoint = Field(description="The threshold minimising the cost under these weights")
    production: ThresholdPoint = Field(description="The served threshold, costed under these weights")
    accept_all_cost_per_1000: float
    curve: CostCurveOut


class RocOut(BaseModel):
    auc: float | None
    fpr: list[float]
    tpr: list[float]


class CalibrationOut(BaseModel):
    """Reliability diagram of the calibrated out-of-fold probabilities: bins of equal client counts."""

    predicted: list[float] = Field(description="Mean calibrated probability per bin")
    observed: list[float] = Field(description="Observed default rate per bin")
    clients: list[int]
    brier: float = Field(description="Brier score of the out-of-fold probabilities")
    log_loss: float = Field(description="Log-loss of the out-of-fold probabilities")
    ece: float = Field(description="Expected calibration error over these bins")
    mean_pd: float = Field(description="Mean probability of default")
    observed_rate: float = Field(description="Observed default rate")


class PerformanceOut(BaseModel):
    model_version: str
    created_at: str
    threshold: float
    clients: int
    default_rate: float
    confusion: dict[str, int] = Field(description="tp, fp, fn, tn with default as positive, refusal as flag")
    roc: RocOut
    calibration: CalibrationOut
    fairness: list[dict] = Field(description="Rows of the fairness table (see scoring.modeling.fairness)")


@lru_cache(maxsize=4)
def oof_arrays(bundle_dir: Path) -> tuple[np.ndarray, np.ndarray]:
    """Outcome and out-of-fold probability of every training client of a bundle (read once)."""
    frame = pl.read_parquet(bundle_dir / OOF_FILE, columns=["TARGET", PROBABILITY])
    return frame["TARGET"].to_numpy().astype(np.int64), frame[PROBABILITY].to_numpy().astype(np.float64)


def spread(n: int, points: int, keep: int | None = None) -> np.ndarray:
    """About `points` indices spread evenly over range(n), with both ends (and `keep`) included."""
    index = np.unique(np.linspace(0, n - 1, min(points, n)).round().astype(np.int64))
    return index if keep is None else np.union1d(index, [keep])


def point(curve: CostCurve, index: int, threshold: float | None = None) -> ThresholdPoint:
    """The curve at one index, per 1,000 clients (`threshold` overrides the index's threshold)."""
    return ThresholdPoint(
        threshold=float(curve.thresholds[index]) if threshold is None else threshold,
        approval_rate=float(curve.approval_rate()[index]),
        cost_per_1000=1000.0 * float(curve.cost[index]) / curve.n,
        recall=float(curve.tp[index]) / curve.n_positive if curve.n_positive else 0.0,
    )


def calibration_bins(y: np.ndarray, prob: np.ndarray, bins: int) -> CalibrationOut:
    """Reliability bins of equal client counts, with the probability quality figures over them."""
    return CalibrationOut(**reliability_bins(y, prob, bins), **probability_metrics(y, prob, bins))


@router.get("/threshold", response_model=ThresholdOut, responses=ERRORS)
def threshold(
    service: ServiceDep,
    w_fn: Weight = 10.0,
    w_fp: Weight = 1.0,
    points: Annotated[int, Query(ge=10, le=1000, description="Points of the returned curve")] = 200,
) -> ThresholdOut:
    """Cost-minimising threshold, approval rate and cost under the weights w_fn : w_fp (count mode)."""
    y, prob = oof_arrays(service.scorer.bundle.path)
    curve = curve_for(y, prob, CostSpec(w_fn=w_fn, w_fp=w_fp))
    production = service.scorer.threshold
    index = spread(len(curve.thresholds), points, curve.best_index)
    rate = curve.approval_rate()
    return ThresholdOut(
        w_fn=w_fn,
        w_fp=w_fp,
        clients=curve.n,
        best=point(curve, curve.best_index),
        production=point(curve, curve.index_at(production), production),
        accept_all_cost_per_1000=1000.0 * curve.accept_all_cost / curve.n,
        curve=CostCurveOut(
            threshold=np.minimum(curve.thresholds[index], 1.0).tolist(),
            approval_rate=rate[index].tolist(),
            cost_per_1000=(1000.0 * curve.cost[index] / curve.n).tolist(),
        ),
    )


@router.get("/performance", response_model=PerformanceOut, responses=ERRORS)
def performance(
    service: ServiceDep,
    bins: Annotated[int, Query(ge=2, le=50, description="Calibration bins")] = 10,
    points: Annotated[int, Query(ge=10, le=1000, description="Points of the ROC curve")] = 200,
) -> PerformanceOut:
    """Confusion matrix, ROC and calibration of the out-of-fold predictions at the production threshold."""
    y, prob = oof_arrays(service.scorer.bundle.path)
    meta = service.scorer.bundle.metadata
    cut = service.scorer.threshold
    auc = safe_auc(y, prob)
    fpr, tpr = np.array([0.0, 1.0]), np.array([0.0, 1.0])
    if np.isfinite(auc):
        fpr, tpr, _ = roc_curve(y, prob)
        keep = spread(len(fpr), points)
        fpr, tpr = fpr[keep], tpr[keep]
    return PerformanceOut(
        model_version=service.scorer.version,
        created_at=str(meta.get("created_at", "")),
        threshold=cut,
        clients=len(y),
        default_rate=float(y.mean()),
        confusion=confusion(y, prob >= cut),
        roc=RocOut(auc=auc if np.isfinite(auc) else None, fpr=fpr.tolist(), tpr=tpr.tolist()),
        calibration=calibration_bins(y, prob, bins),
        fairness=meta.get("fairness") or [],
    )
