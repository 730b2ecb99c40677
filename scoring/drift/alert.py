"""The alert verdict: too large a share of drifted features, the model's scores drifting, or the estimated
performance dropping. Each alert has a kind (what notifications de-duplicate on) and a sentence."""

from __future__ import annotations

from scoring.vocabulary import AlertKind

DATA_DRIFT = AlertKind.DATA_DRIFT.value
PREDICTION_DRIFT = AlertKind.PREDICTION_DRIFT.value
PERFORMANCE_DROP = AlertKind.PERFORMANCE_DROP.value
SEGMENT_DRIFT = AlertKind.SEGMENT_DRIFT.value


def drift_alerts(
    share_drifted: float,
    drift_share: float,
    prediction_drift: dict,
    psi: dict | None = None,
    estimated: dict | None = None,
    segments: list[dict] | None = None,
) -> list[dict]:
    """Why the check alerts, as {kind, message} (empty list: no alert).

    Data drift: the share of drifted features (Evidently's tests, or PSI beyond its band and critical
    value) reaches `drift_share`. Prediction drift: the probability or decision test fails, or the score's
    PSI is significant (>= 0.25) and beyond its critical value. Performance drop: the expected AUC (CBPE)
    is lower than the reference's realised AUC by the set margin or more. Segment drift: one per drifted
    segment value (`scoring.drift.segment_drift`).
    """
    alerts = []
    if share_drifted >= drift_share:
        message = f"share of drifted features {share_drifted:.2f} >= threshold {drift_share:.2f}"
        alerts.append({"kind": DATA_DRIFT, "message": message})
    if psi is not None and psi["drifted_share"] >= drift_share:
        message = (
            f"share of features with a PSI shift {psi['drifted_share']:.2f} >= threshold {drift_share:.2f}"
        )
        alerts.append({"kind": DATA_DRIFT, "message": message})
    for name in ("probability", "decision"):
        test = prediction_drift[name]
        if test["drifted"]:
            score = f"{test['method']} {test['score']:.4g}, threshold {test['threshold']:g}"
            alerts.append({"kind": PREDICTION_DRIFT, "message": f"prediction drift: {name} ({score})"})
    if psi is not None and psi["score"]["band"] == "significant" and psi["score"]["drifted"]:
        score = psi["score"]
        message = f"prediction drift: PSI of the score {score['psi']:.3f} (critical {score['critical']:.3f})"
        alerts.append({"kind": PREDICTION_DRIFT, "message": message})
    if estimated is not None and estimated["performance_drop"]:
        message = (
            f"estimated AUC {estimated['estimated']['auc']:.3f} is {estimated['auc_drop']:.3f} below the "
            f"reference's {estimated['reference']['auc']:.3f} (alert at {estimated['auc_drop_threshold']:g})"
        )
        alerts.append({"kind": PERFORMANCE_DROP, "message": message})
    alerts += [{"kind": SEGMENT_DRIFT, "message": segment_message(s)} for s in segments or [] if s["drifted"]]
    return alerts


def segment_message(entry: dict) -> str:
    """The sentence of a drifted segment value: its score's PSI and the features that moved."""
    moved = ", ".join(m["feature"] for m in entry["features_moved"][:5]) or "none"
    return (
        f"segment {entry['name']} ({entry['n']:,} clients): PSI of the score {entry['score_psi']:.3f} "
        f"(critical {entry['score_psi_critical']:.3f}), {len(entry['features_moved'])} of "
        f"{entry['features_checked']} features moved ({moved})"
    )


def alert_reasons(share_drifted: float, drift_share: float, prediction_drift: dict) -> list[str]:
    """The sentences of the Evidently-based alerts (data and prediction drift)."""
    return [a["message"] for a in drift_alerts(share_drifted, drift_share, prediction_drift)]
