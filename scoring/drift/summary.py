"""The compact JSON summary of a drift report: what drifted, by how much, and the alert verdict."""

from __future__ import annotations

from datetime import datetime

import evidently
import polars as pl

from scoring.drift.alert import drift_alerts
from scoring.drift.report import DECISION, DriftRun
from scoring.drift.sample import PROBABILITY, REFUSED, TARGET, Sample
from scoring.drift.settings import DriftSettings
from scoring.features.feature import ModelFeature
from scoring.io import clean_json

VALUE_DRIFT = "evidently:metric_v2:ValueDrift"
FAILED = "FAIL"
QUALITY = {
    "Accuracy": "accuracy",
    "Precision": "precision",
    "Recall": "recall",
    "F1Score": "f1",
    "RocAuc": "roc_auc",
    "LogLoss": "log_loss",
    "TPR": "tpr",
    "TNR": "tnr",
    "FPR": "fpr",
    "FNR": "fnr",
}
NO_CURRENT_VALUE = "no value in the current data"
NO_REFERENCE_VALUE = "no value in the reference"
DRIFTED_KEYS = ("feature", "label", "rank", "method", "score", "threshold")


def value_drifts(result: dict) -> dict[str, dict]:
    """Per column of a snapshot's dict(): Evidently's method, threshold, score and verdict (its test)."""
    failed = {
        t["metric_config"]["metric_id"]: t["status"] == FAILED
        for t in result["tests"]
        if t["metric_config"]["params"].get("type") == VALUE_DRIFT
    }
    return {
        m["config"]["column"]: {
            "method": m["config"]["method"],
            "score": m["value"],
            "threshold": m["config"]["threshold"],
            "drifted": failed[m["id"]],
        }
        for m in result["metrics"]
        if m["config"]["type"] == VALUE_DRIFT
    }


def _feature_rows(run: DriftRun, drifts: dict[str, dict]) -> list[dict]:
    def row(feature: ModelFeature, drift: dict) -> dict:
        return {"feature": feature.name, "label": feature.label, "rank": run.rank(feature), **drift}

    rows = [row(f, drifts[f.name]) for f in run.tested]
    missing = {"method": NO_CURRENT_VALUE, "score": None, "threshold": None, "drifted": True}
    rows += [row(f, missing) for f in run.empty_in_current]
    return sorted(rows, key=lambda r: r["rank"])


def _mean(sample: Sample, column: str) -> float:
    return float(sample.frame[column].cast(pl.Float64).mean())


def _quality(result: dict) -> dict:
    values = {}
    for metric in result["metrics"]:
        name = QUALITY.get(metric["config"]["type"].rsplit(":", 1)[-1])
        if name is not None:
            values[name] = metric["value"]
    return values


def _prediction(drifts: dict[str, dict], reference: Sample, current: Sample) -> dict:
    probability = {
        **drifts[PROBABILITY],
        "reference_mean": _mean(reference, PROBABILITY),
        "current_mean": _mean(current, PROBABILITY),
    }
    decision = {
        **drifts[DECISION],
        "reference_refusal_rate": _mean(reference, REFUSED),
        "current_refusal_rate": _mean(current, REFUSED),
    }
    drifted = probability["drifted"] or decision["drifted"]
    return {"drifted": drifted, "probability": probability, "decision": decision}


def _target(drifts: dict[str, dict], reference: Sample, current: Sample) -> dict:
    return {
        **drifts[TARGET],
        "reference_default_rate": _mean(reference, TARGET),
        "current_default_rate": _mean(current, TARGET),
    }


def summarise(
    run: DriftRun,
    reference: Sample,
    current: Sample,
    settings: DriftSettings,
    model: dict,
    name: str,
    created: datetime,
    psi: dict | None = None,
    estimated: dict | None = None,
    segments: tuple[list[dict], dict] | None = None,
) -> dict:
    """The summary of `run`: drifted share and features, prediction / target drift, quality, PSI (`psi`, see
    scoring.drift.stability), the label-free performance estimate (`estimated`, see scoring.drift.estimate),
    drift by segment (`segments`: entries and how they were chosen, see scoring.drift.segment_drift),
    verdict. `model` holds the bundle's version and threshold."""
    result = run.snapshot.dict()
    drifts = value_drifts(result)
    features = _feature_rows(run, drifts)
    drifted = [r for r in features if r["drifted"]]
    share = len(drifted) / len(features)
    prediction = _prediction(drifts, reference, current)
    entries, check = segments if segments is not None else (None, None)
    alerts = drift_alerts(share, settings.drift_share, prediction, psi, estimated, entries)
    summary = {
        "name": name,
        "created_at": created.isoformat(),
        "evidently_version": evidently.__version__,
        "model": model,
        "reference": {"source": reference.source, "description": reference.description, **reference.details},
        "current": {
            "source": current.source,
            "description": current.description,
            "labelled": run.labelled,
            **current.details,
        },
        "settings": settings.to_dict(),
        "features_checked": len(features),
        "drifted_count": len(drifted),
        "share_drifted": share,
        "dataset_drift": share >= settings.drift_share,
        "drifted_features": [{k: r[k] for k in DRIFTED_KEYS} for r in drifted],
        "features": features,
        "skipped_features": [
            {"feature": f.name, "label": f.label, "reason": NO_REFERENCE_VALUE}
            for f in run.empty_in_reference
        ],
        "prediction_drift": prediction,
        "target_drift": _target(drifts, reference, current) if run.labelled else None,
        "classification": {"threshold": model["threshold"], **_quality(result)} if run.labelled else None,
        "psi": psi,
        "estimated_performance": estimated,
        "segments": entries,
        "segment_check": check,
        "drift_detected": bool(alerts),
        "alerts": [a["message"] for a in alerts],
        "alert_kinds": sorted({a["kind"] for a in alerts}),
        "alert_details": alerts,
    }
    return clean_json(summary)
