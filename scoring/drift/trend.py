"""The trend across drift runs: each run's headline figures, kept in the drift index
(reports/drift/index.json) and read back by the API. No Evidently here: the API image reads it without."""

from __future__ import annotations

import json
from pathlib import Path

INDEX_FILE = "index.json"


def headline(summary: dict) -> dict:
    """The figures of one run that the trend across runs plots (None where the run has no such figure)."""
    psi = summary.get("psi") or {}
    estimate = summary.get("estimated_performance") or {}
    estimated, reference = estimate.get("estimated") or {}, estimate.get("reference") or {}
    return {
        "current_source": (summary.get("current") or {}).get("source"),
        "current_rows": (summary.get("current") or {}).get("rows"),
        "share_drifted": summary.get("share_drifted"),
        "psi_score": (psi.get("score") or {}).get("psi"),
        "psi_score_band": (psi.get("score") or {}).get("band"),
        "psi_drifted_share": psi.get("drifted_share"),
        "estimated_auc": estimated.get("auc"),
        "estimated_default_rate": estimated.get("default_rate"),
        "estimated_cost_per_1000": estimated.get("cost_per_1000"),
        "reference_auc": reference.get("auc"),
        "segments_drifted": (summary.get("segment_check") or {}).get("drifted"),
        "drift_detected": summary.get("drift_detected"),
        "alert_kinds": summary.get("alert_kinds") or [],
    }


def read_index(drift_dir: Path) -> list[dict]:
    """The entries of drift_dir/index.json, newest first ([] when there is no index yet)."""
    try:
        entries = json.loads((drift_dir / INDEX_FILE).read_text())
    except (OSError, ValueError):
        return []
    return [e for e in entries if isinstance(e, dict) and isinstance(e.get("name"), str)]


def trend(entries: list[dict]) -> list[dict]:
    """The figures of each run, oldest first: the trend across runs (PSI of the score, drifted shares,
    estimated performance)."""
    points = [
        {"name": e["name"], "created_at": e.get("created_at"), **(e.get("monitoring") or {})} for e in entries
    ]
    return sorted(points, key=lambda p: (p["created_at"] or "", p["name"]))
