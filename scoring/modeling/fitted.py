"""From a cross-validated candidate to a served model: calibrator, threshold, metrics, final fit, bundle.

The champion and the challenger of a run go through the same steps: the calibrator chosen on the
candidate's out-of-fold raw scores (every repeat), the threshold minimising the business cost on the
calibrated out-of-fold probabilities, the out-of-fold metrics at that threshold, the fairness table, the
model refitted on every row, its explanations, and the bundle's metadata.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime

import numpy as np
import polars as pl

from scoring.features.monotone import MonotonePolicy
from scoring.features.protected import ProtectedPolicy
from scoring.modeling.bundle import PROBABILITY, RAW_SCORE, BundleContent
from scoring.modeling.candidates import Evaluated
from scoring.modeling.cost import CostSpec
from scoring.modeling.dataset import AMOUNT, ID, TARGET, TrainingData
from scoring.modeling.explanations import explain
from scoring.modeling.fairness import BIRTH_FEATURE, GENDER_FEATURE, fairness_table
from scoring.modeling.metrics import calibration_bins, decision_metrics, probability_metrics, safe_auc
from scoring.modeling.models import SCORECARD, ScoringModel
from scoring.modeling.reference_statistics import reference_stats
from scoring.modeling.threshold import CostCurve, curve_for

STD_KEYS = ("auc", "cost_per_1000", "cost_vs_accept_all", "ece", "brier")


@dataclass(frozen=True)
class FittedModel:
    """A model ready to be written: what it is, how it was chosen and how it does out of fold."""

    role: str  # champion | challenger
    evaluated: Evaluated
    model: ScoringModel
    data: TrainingData  # the training rows with exactly the model's features
    params: dict
    rounds: int
    bags: int
    curve: CostCurve
    metrics: dict
    fairness: list[dict]

    @property
    def kind(self) -> str:
        return self.model.kind

    @property
    def calibrator(self):  # noqa: ANN201 - Calibrator
        return self.evaluated.calibration.calibrator

    @property
    def threshold(self) -> float:
        return self.evaluated.threshold

    @property
    def oof_probability(self) -> np.ndarray:
        """Calibrated out-of-fold probability of the first repeat."""
        return self.evaluated.calibrated[0]

    def oof_frame(self) -> pl.DataFrame:
        amount = self.data.amount if self.data.amount is not None else np.full(self.data.n, np.nan)
        return pl.DataFrame(
            {
                ID: pl.Series(self.data.ids, dtype=pl.Int64),
                TARGET: pl.Series(self.data.y, dtype=pl.Int64),
                PROBABILITY: self.oof_probability,
                RAW_SCORE: self.evaluated.oof.raw[0],
                AMOUNT: pl.Series(amount, dtype=pl.Float64, nan_to_null=True),
            }
        )

    def summary(self, version: str) -> dict:
        """What the other model of the run shows about this one (the champion / challenger comparison)."""
        m = self.metrics
        return {
            "kind": self.kind,
            "candidate": self.evaluated.candidate.name,
            "version": version,
            "role": self.role,
            "n_features": len(self.data.names),
            "threshold": self.threshold,
            "calibration": self.evaluated.calibration.method,
            **{
                k: m.get(k)
                for k in ("auc", "cost_per_1000", "cost_vs_accept_all", "ece", "brier", "log_loss")
            },
            **{f"{k}_std": m.get(f"{k}_std") for k in STD_KEYS},
        }


def cv_metrics(evaluated: Evaluated, data: TrainingData, spec: CostSpec, oracle: np.ndarray | None) -> dict:
    """Out-of-fold metrics pooled over the repeats at the threshold, with their std across repeats."""
    repeats = evaluated.oof.repeats
    y = np.tile(data.y, repeats)
    amount = None if data.amount is None else np.tile(data.amount, repeats)
    prob = evaluated.calibrated.ravel()
    metrics = decision_metrics(y, prob, evaluated.threshold, spec, amount)
    metrics["cost_per_1000_at_0_5"] = decision_metrics(y, prob, 0.5, spec, amount)["cost_per_1000"]
    metrics["oracle_auc"] = safe_auc(data.y, oracle) if oracle is not None else None
    metrics |= probability_metrics(y, prob)
    metrics |= {f"{k}_std": evaluated.row[f"{k}_std"] for k in STD_KEYS}
    metrics["repeats"] = repeats
    return metrics


def _fairness(data: TrainingData, refused: np.ndarray) -> list[dict]:
    def column(name: str) -> np.ndarray | None:
        return data.column(name) if name in data.names else None

    gender = next((f for f in data.features if f.name == GENDER_FEATURE), None)
    levels = gender.levels if gender else ()
    return fairness_table(data.y, refused, column(GENDER_FEATURE), levels, column(BIRTH_FEATURE))


def finish(
    role: str,
    evaluated: Evaluated,
    model: ScoringModel,
    data: TrainingData,
    full: TrainingData,
    spec: CostSpec,
    oracle: np.ndarray | None,
    params: dict,
    bags: int,
) -> FittedModel:
    """Threshold, metrics and fairness of a fitted model (``full``: the same rows with every feature, for
    the fairness attributes the model may not use)."""
    y = np.tile(data.y, evaluated.oof.repeats)
    amount = None if data.amount is None else np.tile(data.amount, evaluated.oof.repeats)
    curve = curve_for(y, evaluated.calibrated.ravel(), spec, amount)
    metrics = cv_metrics(evaluated, data, spec, oracle)
    fairness = _fairness(full, evaluated.calibrated[0] >= evaluated.threshold)
    rounds = evaluated.oof.mean_rounds if model.kind != SCORECARD else 0
    return FittedModel(role, evaluated, model, data, params, rounds, bags, curve, metrics, fairness)


@dataclass(frozen=True)
class RunFacts:
    """What both bundles of a run share."""

    version: str
    fingerprint: str
    config: dict  # cost, folds, repeats and the training settings
    selection: dict
    candidates: list[dict]
    policy: MonotonePolicy
    protected: ProtectedPolicy
    tuning: dict | None
    run_id: str | None


def build_metadata(
    fitted: FittedModel, facts: RunFacts, version: str, other: dict | None, scorecard: list[dict] | None
) -> dict:
    """The bundle's metadata.json (see scoring.modeling.bundle for the contract)."""
    data = fitted.data
    y0, p0 = data.y, fitted.oof_probability
    return {
        "version": version,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "role": fitted.role,
        "kind": fitted.kind,
        "candidate": fitted.evaluated.candidate.name,
        "features": [f.to_dict() for f in data.features],
        "model": fitted.model.spec(),
        "monotone": {
            "features": facts.policy.constrained(data.names),
            "levers": facts.policy.to_dict()["levers"],
        },
        "protected": facts.protected.to_dict(),
        "threshold": fitted.threshold,
        "cost": facts.config["cost"],
        "cv_metrics": fitted.metrics,
        "calibration": {
            "method": fitted.evaluated.calibration.method,
            "table": fitted.evaluated.calibration.table,
            "reliability": asdict(calibration_bins(y0, p0)),
        },
        "candidates": facts.candidates,
        "selection_rule": facts.config["rule"],
        "feature_selection": facts.selection,
        "strategy": fitted.evaluated.candidate.strategy,
        "params": fitted.params,
        "rounds": fitted.rounds,
        "bags": fitted.bags,
        "folds": facts.config["folds"],
        "repeats": facts.config["repeats"],
        "n_train": data.n,
        "default_rate": float(data.y.mean()),
        "data_fingerprint": facts.fingerprint,
        "reference_stats": reference_stats(data.X, data.names),
        "base_value": fitted.model.base_value,
        "fairness": fitted.fairness,
        "challenger": other,
        "scorecard": scorecard,
        "tuning": facts.tuning,
        "mlflow_run_id": facts.run_id,
        "settings": facts.config["settings"],
    }


def bundle_content(
    fitted: FittedModel, metadata: dict, shap_rows: int, seed: int, threads: int
) -> BundleContent:
    """Explanations of the fitted model and everything its bundle holds."""
    explanations = explain(fitted.model, fitted.calibrator, fitted.data, shap_rows, seed, threads)
    metadata = {**metadata, "base_value": explanations.base_value}
    return BundleContent(
        fitted.model,
        fitted.calibrator,
        metadata,
        explanations.importance,
        explanations.sample,
        fitted.oof_frame(),
    )
