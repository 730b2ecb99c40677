"""Where drift reports live: reports/drift/<timestamp>_<name>/ (report.html, summary.json) and index.json.

index.json lists every report, newest first, as {name, created_at, reference, current, summary_path,
html_path, monitoring} with paths relative to reports/drift/; `monitoring` holds the figures of the trend
across runs (current source and rows, PSI of the score, drifted shares, estimated performance, alert kinds;
see `scoring.drift.trend.headline`). The API's GET /reports/drift and the dashboard read it.
It is rebuilt from the summaries on disk, so it always matches the report directories. `read_index` and
`report_file` are how readers (the API) get at it: only files the index names, inside the reports folder.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from scoring.drift.trend import INDEX_FILE, headline
from scoring.io import atomic_dir, json_text, write_json_atomic

if TYPE_CHECKING:  # the API reads the index without Evidently installed
    from evidently.core.report import Snapshot

HTML_FILE = "report.html"
SUMMARY_FILE = "summary.json"


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


def write_index(drift_dir: Path) -> list[dict]:
    """Rebuild drift_dir/index.json from the report directories; returns its entries, newest first."""
    found = (_entry(d) for d in drift_dir.iterdir() if d.is_dir() and not d.name.startswith("."))
    entries = sorted((e for e in found if e), key=lambda e: (e["created_at"] or "", e["name"]), reverse=True)
    write_json_atomic(drift_dir / INDEX_FILE, entries)
    return entries


def read_index(drift_dir: Path) -> list[dict]:
    """The entries of drift_dir/index.json, newest first (empty when no report was run)."""
    path = drift_dir / INDEX_FILE
    if not path.exists():
        return []
    entries = json.loads(path.read_text())
    return [e for e in entries if isinstance(e, dict) and isinstance(e.get("name"), str)]


def find_entry(drift_dir: Path, name: str) -> dict | None:
    """The index entry of the report called `name`, or None."""
    return next((e for e in read_index(drift_dir) if e["name"] == name), None)


def report_file(drift_dir: Path, relative: str | None) -> Path | None:
    """The file an index entry names (relative to drift_dir), only if it lies inside the reports folder."""
    if not relative:
        return None
    root = drift_dir.parent.resolve()
    for base in (drift_dir.resolve(), root):
        candidate = (base / relative).resolve()
        if candidate.is_relative_to(root) and candidate.is_file():
            return candidate
    return None
