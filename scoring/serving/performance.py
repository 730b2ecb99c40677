"""The served model's out-of-fold performance: threshold and cost under any cost weights, and the model card
in numbers (confusion matrix, ROC, calibration, fairness) at the production threshold.

Everything is computed on the bundle's out-of-fold predictions (`oof.parquet`: one calibrated prediction per
training client, from the first repeat of the cross-validation), the one source of the Model page's figures.
The production threshold was chosen at training as the lowest-cost threshold over the predictions of every
repeat pooled (`repeats` x clients), so on the first repeat alone the lowest cost can fall a little beside it;
it only changes when a new bundle is trained and promoted. Calibration uses the model card's bins.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import polars as pl
from sklearn.metrics import roc_curve

from scoring.modeling.bundle import OOF_FILE, PROBABILITY
from scoring.modeling.cost import CostSpec
from scoring.modeling.fairness import MIN_GROUP
from scoring.modeling.metrics import (
    CALIBRATION_BINS,
    calibration_bins,
    confusion,
    probability_metrics,
    safe_auc,
)
from scoring.modeling.threshold import CostCurve, curve_for
from scoring.serving.service import ScoringService


@lru_cache(maxsize=4)
def oof_arrays(bundle_dir: Path) -> tuple[np.ndarray, np.ndarray]:
    """Outcome and out-of-fold probability of every training client of a bundle (read once)."""
    frame = pl.read_parquet(bundle_dir / OOF_FILE, columns=["TARGET", PROBABILITY])
    return frame["TARGET"].to_numpy().astype(np.int64), frame[PROBABILITY].to_numpy().astype(np.float64)


def spread(n: int, points: int, keep: int | None = None) -> np.ndarray:
    """About `points` indices spread evenly over range(n), with both ends (and `keep`) included."""
    index = np.unique(np.linspace(0, n - 1, min(points, n)).round().astype(np.int64))
    return index if keep is None else np.union1d(index, [keep])


@dataclass(frozen=True)
class ThresholdPoint:
    threshold: float
    approval_rate: float
    cost_per_1000: float
    recall: float


@dataclass(frozen=True)
class CostCurvePoints:
    threshold: list[float]
    approval_rate: list[float]
    cost_per_1000: list[float]


@dataclass(frozen=True)
class ProductionChoice:
    """How the production threshold was chosen at training: the weights, and on how many out-of-fold
    predictions (every repeat of the cross-validation pooled)."""

    threshold: float
    w_fn: float | None
    w_fp: float | None
    repeats: int | None
    predictions: int | None


@dataclass(frozen=True)
class ThresholdView:
    """The cost-minimising threshold under some weights, the production threshold costed under them."""

    w_fn: float
    w_fp: float
    clients: int
    best: ThresholdPoint
    production: ThresholdPoint
    accept_all_cost_per_1000: float
    curve: CostCurvePoints
    chosen: ProductionChoice


def production_choice(service: ScoringService) -> ProductionChoice:
    """The bundle's record of how its threshold was chosen."""
    meta = service.scorer.bundle.metadata
    cost, metrics = meta.get("cost") or {}, meta.get("cv_metrics") or {}
    repeats = metrics.get("repeats") or meta.get("repeats")
    rows = meta.get("n_train")
    return ProductionChoice(
        threshold=service.scorer.threshold,
        w_fn=cost.get("w_fn"),
        w_fp=cost.get("w_fp"),
        repeats=repeats,
        predictions=repeats * rows if repeats and rows else None,
    )


def point(curve: CostCurve, index: int, threshold: float | None = None) -> ThresholdPoint:
    """The curve at one index, per 1,000 clients (`threshold` overrides the index's threshold)."""
    return ThresholdPoint(
        threshold=float(curve.thresholds[index]) if threshold is None else threshold,
        approval_rate=float(curve.approval_rate()[index]),
        cost_per_1000=1000.0 * float(curve.cost[index]) / curve.n,
        recall=float(curve.tp[index]) / curve.n_positive if curve.n_positive else 0.0,
    )


def threshold_view(service: ScoringService, w_fn: float, w_fp: float, points: int) -> ThresholdView:
    """Cost-minimising threshold, approval rate and cost under the weights w_fn : w_fp (count mode)."""
    y, prob = oof_arrays(service.scorer.bundle.path)
    curve = curve_for(y, prob, CostSpec(w_fn=w_fn, w_fp=w_fp))
    production = service.scorer.threshold
    index = spread(len(curve.thresholds), points, curve.best_index)
    rate = curve.approval_rate()
    return ThresholdView(
        w_fn=w_fn,
        w_fp=w_fp,
        clients=curve.n,
        best=point(curve, curve.best_index),
        production=point(curve, curve.index_at(production), production),
        accept_all_cost_per_1000=1000.0 * curve.accept_all_cost / curve.n,
        curve=CostCurvePoints(
            threshold=np.minimum(curve.thresholds[index], 1.0).tolist(),
            approval_rate=rate[index].tolist(),
            cost_per_1000=(1000.0 * curve.cost[index] / curve.n).tolist(),
        ),
        chosen=production_choice(service),
    )


@dataclass(frozen=True)
class Roc:
    auc: float | None
    fpr: list[float]
    tpr: list[float]


@dataclass(frozen=True)
class CalibrationReport:
    """The reliability bins of the calibrated out-of-fold probabilities and the probability quality figures
    over them (Brier, log-loss, ECE, mean PD, observed rate)."""

    predicted: list[float]
    observed: list[float]
    clients: list[int]
    brier: float
    log_loss: float
    ece: float
    mean_pd: float
    observed_rate: float

    @classmethod
    def of(cls, y: np.ndarray, prob: np.ndarray, bins: int = CALIBRATION_BINS) -> CalibrationReport:
        return cls(**asdict(calibration_bins(y, prob, bins)), **probability_metrics(y, prob, bins))


@dataclass(frozen=True)
class Performance:
    model_version: str
    created_at: str
    threshold: float
    clients: int
    default_rate: float
    confusion: dict[str, int]
    roc: Roc
    calibration: CalibrationReport
    fairness: list[dict]
    fairness_min_group: int


def judged(rows: list[dict]) -> list[dict]:
    """Fairness rows marked `judged` (enough clients to judge), as bundles older than the mark lack it."""
    return [{**r, "judged": r.get("judged", r.get("n", 0) >= MIN_GROUP)} for r in rows]


def performance(service: ScoringService, points: int, bins: int = CALIBRATION_BINS) -> Performance:
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
    return Performance(
        model_version=service.scorer.version,
        created_at=str(meta.get("created_at", "")),
        threshold=cut,
        clients=len(y),
        default_rate=float(y.mean()),
        confusion=confusion(y, prob >= cut),
        roc=Roc(auc=auc if np.isfinite(auc) else None, fpr=fpr.tolist(), tpr=tpr.tolist()),
        calibration=CalibrationReport.of(y, prob, bins),
        fairness=judged(meta.get("fairness") or []),
        fairness_min_group=MIN_GROUP,
    )
