"""The audit trail for administrators: its rows, newest first, and the check of its hash chain."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select

from api.errors import error_responses
from api.identity import Admin, DatabaseDep
from api.schemas.access import AuditPageOut, AuditRowOut, VerificationOut
from api.times import IsoDateTime, aware_utc
from scoring.db.audit import verify
from scoring.db.models import audit_log
from scoring.vocabulary import AuditAction

router = APIRouter(prefix="/audit", tags=["audit"])
ERRORS = error_responses(401, 403, 422, 500)


@router.get("", response_model=AuditPageOut, responses=ERRORS)
def audit_rows(
    engine: DatabaseDep,
    _admin: Admin,
    since: Annotated[IsoDateTime, Query(description="Start (ISO 8601)")] = None,
    until: Annotated[IsoDateTime, Query(description="End, excluded (ISO 8601)")] = None,
    action: Annotated[AuditAction | None, Query(description="Only this action")] = None,
    before: Annotated[
        int | None, Query(ge=1, description="Only rows before this row number (paging)")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> AuditPageOut:
    """Rows of the audit trail, newest first."""
    t = audit_log
    query = select(t).order_by(t.c.id.desc()).limit(limit)
    if since is not None:
        query = query.where(t.c.created_at >= aware_utc(since))
    if until is not None:
        query = query.where(t.c.created_at < aware_utc(until))
    if action is not None:
        query = query.where(t.c.action == str(action))
    if before is not None:
        query = query.where(t.c.id < before)
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    return AuditPageOut(rows=[AuditRowOut(**{**r, "detail": json.loads(r["detail"])}) for r in rows])


@router.get("/verify", response_model=VerificationOut, responses=ERRORS)
def audit_verify(engine: DatabaseDep, _admin: Admin) -> VerificationOut:
    """Walk the hash chain: the first row edited, inserted or deleted, if any."""
    result = verify(engine)
    problem = result.problem
    return VerificationOut(
        ok=result.ok,
        rows=result.rows,
        first_id=result.first_id,
        last_id=result.last_id,
        head_hash=result.head_hash,
        problem=None if problem is None else problem.message,
        problem_kind=None if problem is None else problem.kind,
        problem_row=None if problem is None else problem.row,
    )
