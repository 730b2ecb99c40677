"""Figures of the model card (PNG, matplotlib Agg backend)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.metrics import roc_curve  # noqa: E402

from scoring.modeling.threshold import CostCurve  # noqa: E402

DPI = 110


def _save(fig: plt.Figure, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    return path


def roc_figure(
    y: np.ndarray, prob: np.ndarray, auc: float, path: Path, oracle: np.ndarray | None = None
) -> Path:
    """ROC curve of the out-of-fold predictions (and of the true probabilities when known)."""
    fig, ax = plt.subplots(figsize=(5, 4.5))
    fpr, tpr, _ = roc_curve(y, prob)
    ax.plot(fpr, tpr, label=f"model (AUC {auc:.3f})")
    if oracle is not None:
        o_fpr, o_tpr, _ = roc_curve(y, oracle)
        ax.plot(o_fpr, o_tpr, ls="--", label="true probabilities")
    ax.plot([0, 1], [0, 1], color="grey", lw=0.8, label="chance")
    ax.set(
        xlabel="good clients refused (false positive rate)", ylabel="defaulters refused (true positive rate)"
    )
    ax.set_title("ROC curve, out-of-fold")
    ax.legend(loc="lower right")
    return _save(fig, path)


def cost_figure(curve: CostCurve, threshold: float, unit: str, path: Path) -> Path:
    """Cost per 1,000 applicants against the threshold, with the chosen threshold and 0.5 marked."""
    fig, ax = plt.subplots(figsize=(6.5, 4.2))
    per_1000 = 1000.0 * curve.cost / curve.n
    t = np.clip(curve.thresholds, 0.0, 1.0)
    ax.step(t, per_1000, where="post", lw=1.2, label="cost")
    best = curve.best_index
    ax.scatter([t[best]], [per_1000[best]], color="red", zorder=3, label=f"chosen threshold {threshold:.3f}")
    ax.axhline(per_1000[0], color="grey", ls=":", lw=1, label="accept everyone")
    ax.scatter(
        [0.5], [per_1000[curve.index_at(0.5)]], color="black", marker="x", zorder=3, label="threshold 0.5"
    )
    ax.set(
        xlabel="threshold (refuse when probability of default >= threshold)",
        ylabel=f"{unit} per 1,000 applicants",
    )
    ax.set_xlim(0, 1)
    ax.set_title("Business cost vs decision threshold (out-of-fold)")
    ax.legend()
    return _save(fig, path)


def confusion_figure(counts: dict[str, int], threshold: float, path: Path) -> Path:
    """Confusion matrix at the threshold: rows = actual, columns = decision."""
    matrix = np.array([[counts["tn"], counts["fp"]], [counts["fn"], counts["tp"]]])
    fig, ax = plt.subplots(figsize=(4.6, 4))
    ax.imshow(matrix, cmap="Blues")
    for (i, j), value in np.ndenumerate(matrix):
        colour = "white" if value > matrix.max() / 2 else "black"
        ax.text(j, i, f"{value:,}", ha="center", va="center", color=colour, fontsize=12)
    ax.set_xticks([0, 1], ["accepted", "refused"])
    ax.set_yticks([0, 1], ["repaid", "defaulted"])
    ax.set(xlabel="decision", ylabel="actual")
    ax.set_title(f"Confusion matrix at threshold {threshold:.3f}")
    return _save(fig, path)


def calibration_figure(reliability: dict, path: Path) -> Path:
    """Reliability diagram: observed default rate against the mean probability of equal-frequency bins."""
    predicted, observed = np.asarray(reliability["predicted"]), np.asarray(reliability["observed"])
    fig, ax = plt.subplots(figsize=(5, 4.5))
    ax.plot(predicted, observed, marker="o", label="model (calibrated)")
    top = max(float(predicted.max()), float(observed.max()))
    ax.plot([0, top], [0, top], color="grey", lw=0.8, label="perfect calibration")
    ax.set(xlabel="mean probability of default", ylabel="observed default rate")
    ax.set_title(f"Reliability, out-of-fold ({len(predicted)} equal-frequency bins)")
    ax.legend()
    return _save(fig, path)


def importance_figure(importance: list[dict], path: Path, top: int = 20) -> Path:
    """Top features by mean |SHAP|."""
    rows = importance[:top][::-1]
    fig, ax = plt.subplots(figsize=(7.5, 0.3 * len(rows) + 1.2))
    ax.barh([r["label"][:60] for r in rows], [r["mean_abs_shap"] for r in rows])
    ax.set(xlabel="mean |SHAP value| (log-odds)")
    ax.set_title(f"Top {len(rows)} features")
    return _save(fig, path)
