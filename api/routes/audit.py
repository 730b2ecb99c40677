"""The audit trail for administrators: its rows (filtered, newest first, a page at a time), the check of its
hash chain and of the chain's signed anchors, and an export (itself audited and anchored)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse
from sqlalchemy import ColumnElement, or_, select

from api.deps import SettingsDep
from api.errors import error_responses
from api.identity import Admin, DatabaseDep, actor_of
from api.schemas.access import AuditPageOut, AuditRowOut, VerificationOut
from api.times import IsoDateTime, aware_utc
from scoring.db.anchors import check_anchors, write_anchor
from scoring.db.audit import AuditEvent, record, text_of, verify
from scoring.db.export import ExportFormat, export_lines, period
from scoring.db.tables import audit_log
from scoring.vocabulary import AuditAction

router = APIRouter(prefix="/audit", tags=["audit"])
ERRORS = error_responses(401, 403, 422, 500)
MEDIA = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson"}

Since = Annotated[IsoDateTime, Query(description="Start (ISO 8601, UTC when no offset)")]
Until = Annotated[IsoDateTime, Query(description="End, excluded (ISO 8601)")]
ActionFilter = Annotated[AuditAction | None, Query(description="Only this action")]
UserFilter = Annotated[
    str | None,
    Query(min_length=1, max_length=64, description="Only this actor: a user name (or `cli:…`) or a user id"),
]


def _conditions(
    since: datetime | None, until: datetime | None, action: AuditAction | None, user: str | None
) -> list[ColumnElement[bool]]:
    conditions = period(aware_utc(since), aware_utc(until))
    if action is not None:
        conditions.append(audit_log.c.action == str(action))
    if user is not None:
        name = user.strip()
        by_id = [audit_log.c.actor_id == int(name)] if name.isascii() and name.isdigit() else []
        conditions.append(or_(audit_log.c.actor == name, *by_id))
    return conditions


def _row(row: dict) -> AuditRowOut:
    return AuditRowOut(**{**row, "detail": json.loads(row["detail"])})


@router.get("", response_model=AuditPageOut, responses=ERRORS)
def audit_rows(
    engine: DatabaseDep,
    _admin: Admin,
    since: Since = None,
    until: Until = None,
    action: ActionFilter = None,
    user: UserFilter = None,
    before: Annotated[
        int | None, Query(ge=1, description="Only rows before this row number (the next page)")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> AuditPageOut:
    """Rows of the audit trail, newest first; `next_before` asks for the next (older) page."""
    conditions = _conditions(since, until, action, user)
    if before is not None:
        conditions.append(audit_log.c.id < before)
    query = select(audit_log).where(*conditions).order_by(audit_log.c.id.desc()).limit(limit + 1)
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    more = len(rows) > limit
    shown = rows[:limit]
    return AuditPageOut(rows=[_row(r) for r in shown], next_before=shown[-1]["id"] if more else None)


@router.get("/verify", response_model=VerificationOut, responses=ERRORS)
def audit_verify(engine: DatabaseDep, settings: SettingsDep, _admin: Admin) -> VerificationOut:
    """Walk the hash chain (the first row edited, inserted or deleted, if any) and check the signed anchors
    of its end (rows cut at the end, an anchor edited), as `scoring audit verify` does."""
    result = verify(engine)
    anchors = check_anchors(engine, settings)
    problem = result.problem
    return VerificationOut(
        ok=result.ok and anchors.problem is None,
        rows=result.rows,
        first_id=result.first_id,
        last_id=result.last_id,
        head_hash=result.head_hash,
        problem=None if problem is None else problem.message,
        problem_kind=None if problem is None else problem.kind,
        problem_row=None if problem is None else problem.row,
        anchors=anchors.anchors,
        last_anchored=anchors.last_anchored,
        anchor_problem=anchors.problem,
    )


@router.get(
    "/export",
    response_class=StreamingResponse,
    responses={
        **ERRORS,
        200: {"description": "The rows, oldest first", "content": {"text/csv": {}, MEDIA["jsonl"]: {}}},
    },
)
def audit_export(
    request: Request,
    engine: DatabaseDep,
    settings: SettingsDep,
    admin: Admin,
    since: Since = None,
    until: Until = None,
    action: ActionFilter = None,
    user: UserFilter = None,
    format: Annotated[ExportFormat, Query(description="csv or jsonl (JSON lines)")] = "csv",  # noqa: A002
) -> StreamingResponse:
    """The filtered rows in the chain's order, every column with the hashes, as `scoring audit export`
    writes them; the export is recorded first (its row is the last one exported) and the chain's head is
    anchored."""
    conditions = _conditions(since, until, action, user)
    filters = {"since": text_of(aware_utc(since)), "until": text_of(aware_utc(until)), "action": action}
    detail = {"format": format, **{k: str(v) for k, v in {**filters, "user": user}.items() if v is not None}}
    event = AuditEvent(AuditAction.AUDIT_EXPORTED, actor_of(request, admin), detail=detail)
    (through,) = record(engine, event)
    write_anchor(engine, settings, "export")
    name = f"audit-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.{format}"
    return StreamingResponse(
        export_lines(engine, format, conditions, through),
        media_type=MEDIA[format],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
