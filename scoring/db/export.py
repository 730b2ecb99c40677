"""The audit trail as CSV (`scoring audit export`), written atomically, every column including the hashes,
so that the rows can be kept and checked outside the database."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, select

from scoring.db.audit import Actor, AuditEvent, record, text_of
from scoring.db.models import audit_log
from scoring.io import PRIVATE_FILE_MODE, atomic_path
from scoring.vocabulary import AuditAction

COLUMNS = [column.name for column in audit_log.columns]


def export_csv(
    engine: Engine, path: Path, actor: Actor, since: datetime | None = None, until: datetime | None = None
) -> int:
    """Write the rows created in [since, until) to `path` (CSV, private); the export is itself audited."""
    query = select(audit_log).order_by(audit_log.c.id)
    if since is not None:
        query = query.where(audit_log.c.created_at >= since)
    if until is not None:
        query = query.where(audit_log.c.created_at < until)
    count = 0
    with atomic_path(path, PRIVATE_FILE_MODE) as tmp, tmp.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        with engine.connect() as conn:
            for row in conn.execution_options(yield_per=2000).execute(query):
                writer.writerow(["" if value is None else text_of(value) for value in row])
                count += 1
    detail = {"rows": count, "since": text_of(since), "until": text_of(until), "file": path.name}
    record(engine, AuditEvent(AuditAction.AUDIT_EXPORTED, actor, detail=detail))
    return count
