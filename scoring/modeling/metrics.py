"""Decision metrics at a threshold (AUC, recall, precision, F-beta, business cost) and calibration bins."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.metrics import roc_auc_score

from scoring.modeling.cost import CostSpec, total_cost


def safe_auc(y_true: np.ndarray, prob: np.ndarray) -> float:
    """ROC AUC, or NaN when only one class is present."""
    y = np.asarray(y_true)
    if len(np.unique(y)) < 2:
        return float("nan")
    return float(roc_auc_score(y, prob))


def _ratio(num: float, den: float) -> float:
    return float(num / den) if den else 0.0


def confusion(y_true: np.ndarray, refused: np.ndarray) -> dict[str, int]:
    """Confusion counts with default as the positive class and "refused" as the positive decision."""
    y = np.asarray(y_true).astype(bool)
    r = np.asarray(refused).astype(bool)
    return {
        "tp": int((y & r).sum()),
        "fp": int((~y & r).sum()),
        "fn": int((y & ~r).sum()),
        "tn": int((~y & ~r).sum()),
    }


def decision_metrics(
    y_true: np.ndarray,
    prob: np.ndarray,
    threshold: float,
    spec: CostSpec,
    amount: np.ndarray | None = None,
) -> dict[str, float]:
    """AUC, recall, precision, F-beta, cost per 1,000 applicants and relative to "accept everyone"."""
    y = np.asarray(y_true).astype(int)
    prob = np.asarray(prob, dtype=np.float64)
    refused = prob >= threshold
    counts = confusion(y, refused)
    fn_cost, fp_cost = spec.client_costs(len(y), amount)
    cost = total_cost(y, refused, fn_cost, fp_cost)
    accept_all = total_cost(y, np.zeros(len(y), bool), fn_cost, fp_cost)
    recall = _ratio(counts["tp"], counts["tp"] + counts["fn"])
    precision = _ratio(counts["tp"], counts["tp"] + counts["fp"])
    b2 = spec.beta**2
    fbeta = _ratio((1 + b2) * precision * recall, b2 * precision + recall)
    return {
        "auc": safe_auc(y, prob),
        "threshold": float(threshold),
        "recall": recall,
        "precision": precision,
        "fbeta": fbeta,
        "beta": spec.beta,
        "approval_rate": 1.0 - float(refused.mean()),
        "cost": cost,
        "cost_per_1000": 1000.0 * cost / len(y),
        "accept_all_cost_per_1000": 1000.0 * accept_all / len(y),
        "cost_vs_accept_all": _ratio(cost, accept_all),
        **counts,
    }


CALIBRATION_BINS = 10


@dataclass(frozen=True)
class Calibration:
    """Per bin of clients sorted by prediction: mean predicted probability, observed default rate, count."""

    predicted: list[float]
    observed: list[float]
    clients: list[int]


def calibration_bins(y_true: np.ndarray, prob: np.ndarray, bins: int = CALIBRATION_BINS) -> Calibration:
    """Calibration in `bins` bins of equal client counts (the one binning of the model card and the API)."""
    y = np.asarray(y_true, dtype=np.float64)
    prob = np.asarray(prob, dtype=np.float64)
    order = np.argsort(prob, kind="stable")
    parts = [p for p in np.array_split(order, bins) if len(p)]
    return Calibration(
        predicted=[float(prob[p].mean()) for p in parts],
        observed=[float(y[p].mean()) for p in parts],
        clients=[len(p) for p in parts],
    )


# --- probability quality: is a probability of default what it says? -------------------------------------

_EPS = 1e-15


def brier(y_true: np.ndarray, prob: np.ndarray) -> float:
    """Mean squared difference between the probability and the outcome."""
    return float(np.mean((np.asarray(prob, dtype=np.float64) - np.asarray(y_true)) ** 2))


def log_loss(y_true: np.ndarray, prob: np.ndarray) -> float:
    """Mean negative log-likelihood of the outcomes (probabilities clipped away from 0 and 1)."""
    y = np.asarray(y_true, dtype=np.float64)
    p = np.clip(np.asarray(prob, dtype=np.float64), _EPS, 1 - _EPS)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log1p(-p)))


def ece(y_true: np.ndarray, prob: np.ndarray, bins: int = CALIBRATION_BINS) -> float:
    """Expected calibration error: size-weighted mean |observed rate - mean probability| in equal bins."""
    table = calibration_bins(y_true, prob, bins)
    total = sum(table.clients)
    return float(
        sum(n * abs(o - p) for n, o, p in zip(table.clients, table.observed, table.predicted, strict=True))
        / total
    )


def probability_metrics(
    y_true: np.ndarray, prob: np.ndarray, bins: int = CALIBRATION_BINS
) -> dict[str, float]:
    """Brier score, log-loss, ECE (equal-frequency bins), mean probability and observed default rate."""
    y = np.asarray(y_true, dtype=np.float64)
    p = np.asarray(prob, dtype=np.float64)
    return {
        "brier": brier(y, p),
        "log_loss": log_loss(y, p),
        "ece": ece(y, p, bins),
        "mean_pd": float(p.mean()),
        "observed_rate": float(y.mean()),
    }
