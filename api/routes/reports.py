"""Drift reports listed in reports/drift/index.json, and their files (only those the index names)."""

from __future__ import annotations

import json

from fastapi import APIRouter, HTTPException, status
from fastapi.responses import FileResponse, JSONResponse

from api.deps import SettingsDep
from api.errors import error_responses
from api.language import LanguageDep
from api.schemas.model import DriftReportOut
from scoring.drift.index import find_entry, read_index, report_file
from scoring.features.dictionary import feature_label

router = APIRouter(prefix="/reports", tags=["reports"])

PREFIX = "/api/v1/reports/drift"


def _out(settings: SettingsDep, entry: dict) -> DriftReportOut:
    name = entry["name"]
    summary = report_file(settings.drift_dir, entry.get("summary_path"))
    html = report_file(settings.drift_dir, entry.get("html_path"))
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
    return [_out(settings, e) for e in read_index(settings.drift_dir)]


def _file(settings: SettingsDep, name: str, key: str, media_type: str) -> FileResponse:
    entry = find_entry(settings.drift_dir, name)
    if entry is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "drift report not found")
    path = report_file(settings.drift_dir, entry.get(key))
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
        **error_responses(401, 404, 422, 500),
    },
)
def drift_report_summary(name: str, settings: SettingsDep, language: LanguageDep) -> JSONResponse:
    """The JSON summary of a drift report, its features' labels in the request's language."""
    summary = json.loads(_file(settings, name, "summary_path", "application/json").path.read_text("utf-8"))
    return JSONResponse(_labelled(summary, language))


def _labelled(summary: object, language: str) -> object:
    """The summary with each feature row's label in `language` (rows of a feature the code no longer
    defines keep the report's own label)."""
    if not isinstance(summary, dict):
        return summary
    psi = summary.get("psi") or {}
    moved = [e.get("features_moved") for e in summary.get("segments") or [] if isinstance(e, dict)]
    for rows in (
        summary.get("drifted_features"),
        summary.get("features"),
        summary.get("skipped_features"),
        psi.get("features"),
        *moved,
    ):
        for row in rows or []:
            if isinstance(row, dict) and "feature" in row:
                row["label"] = feature_label(row["feature"], language, row.get("label") or row["feature"])
    return summary
