"""Drift reports listed in reports/drift/index.json, and their files (only those the index names)."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi import APIRouter, HTTPException, status
from fastapi.responses import FileResponse

from api.deps import SettingsDep
from api.errors import error_responses
from api.schemas import DriftReportOut

router = APIRouter(prefix="/reports", tags=["reports"])

PREFIX = "/api/v1/reports/drift"


def _index(reports_dir: Path) -> list[dict]:
    path = reports_dir / "drift" / "index.json"
    if not path.exists():
        return []
    entries = json.loads(path.read_text())
    return [e for e in entries if isinstance(e, dict) and isinstance(e.get("name"), str)]


def _inside(reports_dir: Path, relative: str | None) -> Path | None:
    """The file a report entry names, only if it lies inside the reports directory."""
    if not relative:
        return None
    root = reports_dir.resolve()
    for base in (root / "drift", root):
        candidate = (base / relative).resolve()
        if candidate.is_relative_to(root) and candidate.is_file():
            return candidate
    return None


def _entry(reports_dir: Path, name: str) -> dict:
    for entry in _index(reports_dir):
        if entry["name"] == name:
            return entry
    raise HTTPException(status.HTTP_404_NOT_FOUND, "drift report not found")


def _out(reports_dir: Path, entry: dict) -> DriftReportOut:
    name = entry["name"]
    summary = _inside(reports_dir, entry.get("summary_path"))
    html = _inside(reports_dir, entry.get("html_path"))
    return DriftReportOut(
        name=name,
        created_at=entry.get("created_at"),
        reference=entry.get("reference"),
        current=entry.get("current"),
        summary_url=f"{PREFIX}/{name}/summary" if summary else None,
        html_url=f"{PREFIX}/{name}/html" if html else None,
    )


@router.get("/drift", response_model=list[DriftReportOut], responses=error_responses(401, 500))
def drift_reports(settings: SettingsDep) -> list[DriftReportOut]:
    """The drift reports, as listed by the drift step (empty when none was run)."""
    return [_out(settings.reports_dir, e) for e in _index(settings.reports_dir)]


def _file(settings: SettingsDep, name: str, key: str, media_type: str) -> FileResponse:
    path = _inside(settings.reports_dir, _entry(settings.reports_dir, name).get(key))
    if path is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "drift report file not found")
    return FileResponse(path, media_type=media_type)


@router.get(
    "/drift/{name}/html",
    response_class=FileResponse,
    responses={
        200: {"content": {"text/html": {"schema": {"type": "string"}}}},
        **error_responses(401, 404, 500),
    },
)
def drift_report_html(name: str, settings: SettingsDep) -> FileResponse:
    """The HTML drift report."""
    return _file(settings, name, "html_path", "text/html")


@router.get(
    "/drift/{name}/summary",
    response_class=FileResponse,
    responses={
        200: {"content": {"application/json": {"schema": {"type": "object"}}}},
        **error_responses(401, 404, 500),
    },
)
def drift_report_summary(name: str, settings: SettingsDep) -> FileResponse:
    """The JSON summary of a drift report."""
    return _file(settings, name, "summary_path", "application/json")
