"""Where drift reports live: reports/drift/<timestamp>_<name>/ (report.html, summary.json) and index.json.

index.json lists every report, newest first, as {name, created_at, reference, current, summary_path,
html_path, monitoring} with paths relative to reports/drift/; `monitoring` holds the figures of the trend
across runs (current source and rows, PSI of the score, drifted shares, estimated performance, alert kinds;
see `headline`). The API's GET /reports/drift and the dashboard read it.
It is rebuilt from the summaries on disk, so it always matches the report directories.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from evidently.core.report import Snapshot

from scoring.io import atomic_dir, json_text, write_json_atomic

HTML_FILE = "report.html"
SUMMARY_FILE = "summary.json"
INDEX_FILE = "index.json"


def report_directory(drift_dir: Path, created: datetime, name: str) -> Path:
    """A free directory name `<UTC timestamp>_<name>` (suffixed -2, -3... when taken)."""
    stem = f"{created.strftime('%Y%m%dT%H%M%SZ')}_{name}"
    candidate, counter = drift_dir / stem, 1
    while candidate.exists():
        counter += 1
        candidate = drift_dir / f"{stem}-{counter}"
    return candidate


def save_report(snapshot: Snapshot, summary: dict, directory: Path) -> Path:
    """Write report.html and summary.json into `directory`, all or nothing (staged, then renamed)."""
    with atomic_dir(directory) as staging:
        snapshot.save_html(str(staging / HTML_FILE))
        (staging / SUMMARY_FILE).write_text(json_text(summary, indent=2))
    return directory


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
        "drift_detected": summary.get("drift_detected"),
        "alert_kinds": summary.get("alert_kinds") or [],
    }


def _entry(directory: Path) -> dict | None:
    try:
        summary = json.loads((directory / SUMMARY_FILE).read_text())
    except (OSError, ValueError):
        return None
    if not (directory / HTML_FILE).is_file() or not isinstance(summary, dict):
        return None
    return {
        "name": directory.name,
        "created_at": summary.get("created_at"),
        "reference": (summary.get("reference") or {}).get("description"),
        "current": (summary.get("current") or {}).get("description"),
        "summary_path": f"{directory.name}/{SUMMARY_FILE}",
        "html_path": f"{directory.name}/{HTML_FILE}",
        "monitoring": headline(summary),
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


def write_index(drift_dir: Path) -> list[dict]:
    """Rebuild drift_dir/index.json from the report directories; returns its entries, newest first."""
    found = (_entry(d) for d in drift_dir.iterdir() if d.is_dir() and not d.name.startswith("."))
    entries = sorted((e for e in found if e), key=lambda e: (e["created_at"] or "", e["name"]), reverse=True)
    write_json_atomic(drift_dir / INDEX_FILE, entries)
    return entries
