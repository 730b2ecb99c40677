"""The alert verdict: too large a share of drifted features, or the model's scores drifting."""

from __future__ import annotations


def alert_reasons(share_drifted: float, drift_share: float, prediction_drift: dict) -> list[str]:
    """Why the check alerts (empty list: no alert). Alerts when the share of drifted features reaches
    `drift_share` (Evidently's dataset drift rule) or when the probability or decision test fails."""
    reasons = []
    if share_drifted >= drift_share:
        reasons.append(f"share of drifted features {share_drifted:.2f} >= threshold {drift_share:.2f}")
    for name in ("probability", "decision"):
        test = prediction_drift[name]
        if test["drifted"]:
            score = f"{test['method']} {test['score']:.4g}, threshold {test['threshold']:g}"
            reasons.append(f"prediction drift: {name} ({score})")
    return reasons
