"""Champion against challenger on the same out-of-time window, and the promotion rule.

Each model scores the window's labelled applicants and is judged at its own threshold with the champion's
cost weights: AUC, business cost per 1,000 applicants, expected calibration error (ECE: 10 equal-size bins
of the score, the mean gap between predicted and realised default rates weighted by bin size) and fairness
(per attribute, the lowest approval-rate ratio among groups of at least 30 clients, and the groups below the
four-fifths rule).

The challenger is promoted only when every check passes: AUC higher by at least the AUC margin, cost lower
by at least the cost margin (relative; 0: not higher), ECE not worse by more than its tolerance, and, for
every attribute, the lowest approval ratio not lower than the champion's by more than its tolerance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from scoring.modeling.bundle import Bundle
from scoring.modeling.cost import CostSpec
from scoring.modeling.dataset import AMOUNT
from scoring.modeling.fairness import BIRTH_FEATURE, GENDER_FEATURE, MIN_GROUP, fairness_table
from scoring.modeling.metrics import decision_metrics, ece


@dataclass(frozen=True)
class PromotionRule:
    """Margins a challenger must beat the champion by (see the module docstring)."""

    auc_margin: float = 0.005
    cost_margin: float = 0.0
    ece_tolerance: float = 0.01
    fairness_tolerance: float = 0.02

    def to_dict(self) -> dict:
        return {
            "auc_margin": self.auc_margin,
            "cost_margin": self.cost_margin,
            "ece_tolerance": self.ece_tolerance,
            "fairness_tolerance": self.fairness_tolerance,
        }


def _column(frame: pl.DataFrame, name: str) -> np.ndarray | None:
    return frame[name].cast(pl.Float64).fill_null(np.nan).to_numpy() if name in frame.columns else None


def fairness_summary(rows: list[dict]) -> dict[str, dict]:
    """Per attribute: the lowest approval ratio of the groups of MIN_GROUP clients or more, flagged groups."""
    summary: dict[str, dict] = {}
    for row in rows:
        entry = summary.setdefault(row["attribute"], {"min_approval_ratio": None, "flagged": 0})
        if row["n"] >= MIN_GROUP and np.isfinite(row["approval_ratio"]):
            low = entry["min_approval_ratio"]
            entry["min_approval_ratio"] = (
                min(low, row["approval_ratio"]) if low is not None else row["approval_ratio"]
            )
        entry["flagged"] += int(row["flagged"])
    return summary


def evaluate(bundle: Bundle, window: pl.DataFrame, spec: CostSpec) -> dict:
    """AUC, cost, ECE and fairness of `bundle` on the labelled window (column `outcome`)."""
    probability = bundle.predict_proba(bundle.matrix(window))
    y = window["outcome"].to_numpy().astype(int)
    amount = _column(window, AMOUNT) if spec.mode == "monetary" else None
    metrics = decision_metrics(y, probability, bundle.threshold, spec, amount)
    refused = bundle.refuse(probability)
    gender = next((f for f in bundle.metadata["features"] if f["name"] == GENDER_FEATURE), None)
    levels = tuple(gender.get("levels") or ()) if gender else ()
    fairness = fairness_table(
        y, refused, _column(window, GENDER_FEATURE), levels, _column(window, BIRTH_FEATURE)
    )
    return {
        "version": bundle.version,
        "auc": metrics["auc"],
        "cost_per_1000": metrics["cost_per_1000"],
        "ece": ece(y, probability),
        "approval_rate": metrics["approval_rate"],
        "threshold": bundle.threshold,
        "fairness": fairness_summary(fairness),
    }


def _check(name: str, passed: bool, champion: float | None, challenger: float | None, rule: str) -> dict:
    return {
        "check": name,
        "passed": bool(passed),
        "champion": champion,
        "challenger": challenger,
        "rule": rule,
    }


def compare(champion: dict, challenger: dict, rule: PromotionRule) -> list[dict]:
    """Every check of the promotion rule with both figures."""
    checks = [
        _check(
            "auc",
            challenger["auc"] >= champion["auc"] + rule.auc_margin,
            champion["auc"],
            challenger["auc"],
            f"challenger AUC >= champion AUC + {rule.auc_margin:g}",
        ),
        _check(
            "cost",
            challenger["cost_per_1000"] <= champion["cost_per_1000"] * (1 - rule.cost_margin),
            champion["cost_per_1000"],
            challenger["cost_per_1000"],
            f"challenger cost per 1,000 <= champion's x {1 - rule.cost_margin:g}",
        ),
        _check(
            "ece",
            challenger["ece"] <= champion["ece"] + rule.ece_tolerance,
            champion["ece"],
            challenger["ece"],
            f"challenger ECE <= champion ECE + {rule.ece_tolerance:g}",
        ),
    ]
    for attribute, old in champion["fairness"].items():
        new = challenger["fairness"].get(attribute, {"min_approval_ratio": None, "flagged": 0})
        low_old, low_new = old["min_approval_ratio"], new["min_approval_ratio"]
        ratio_ok = low_old is None or (low_new is not None and low_new >= low_old - rule.fairness_tolerance)
        checks.append(
            _check(
                f"fairness: {attribute}",
                ratio_ok,
                low_old,
                low_new,
                f"lowest approval ratio >= champion's - {rule.fairness_tolerance:g} (groups below 4/5: "
                f"champion {old['flagged']}, challenger {new['flagged']})",
            )
        )
    return checks
