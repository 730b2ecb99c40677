"""The audit trail as CSV or JSON lines (`scoring audit export`, the API's /audit/export), every column as
text including the hashes, in the chain's order, so that the rows can be kept and checked outside the
database."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Literal

from sqlalchemy import ColumnElement, Engine, select

from scoring.db.audit import Actor, AuditEvent, record, text_of
from scoring.db.tables import audit_log, created_between
from scoring.io import PRIVATE_FILE_MODE, atomic_path
from scoring.vocabulary import AuditAction

COLUMNS = [column.name for column in audit_log.columns]
CHUNK = 2000
ExportFormat = Literal["csv", "jsonl"]


def period(since: datetime | None, until: datetime | None) -> list[ColumnElement[bool]]:
    """The conditions of the audit rows created in [since, until)."""
    return created_between(audit_log, since, until)


def _texts(row: Sequence[object]) -> list[str]:
    return ["" if value is None else text_of(value) for value in row]


def export_csv(
    engine: Engine, path: Path, actor: Actor, since: datetime | None = None, until: datetime | None = None
) -> int:
    """Write the rows created in [since, until) to `path` (CSV, private); the export is itself audited."""
    query = select(audit_log).where(*period(since, until)).order_by(audit_log.c.id)
    count = 0
    with atomic_path(path, PRIVATE_FILE_MODE) as tmp, tmp.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        with engine.connect() as conn:
            for row in conn.execution_options(yield_per=2000).execute(query):
                writer.writerow(_texts(row))
                count += 1
    detail = {"rows": count, "since": text_of(since), "until": text_of(until), "file": path.name}
    record(engine, AuditEvent(AuditAction.AUDIT_EXPORTED, actor, detail=detail))
    return count


def _line(row: Sequence[object], form: ExportFormat) -> str:
    if form == "jsonl":
        return json.dumps(dict(zip(COLUMNS, _texts(row), strict=True)), ensure_ascii=False) + "\n"
    buffer = io.StringIO()
    csv.writer(buffer).writerow(_texts(row))
    return buffer.getvalue()


def export_lines(
    engine: Engine, form: ExportFormat, conditions: Sequence[ColumnElement[bool]], through: int
) -> Iterator[str]:
    """The rows meeting `conditions` up to row `through`, in the chain's order, as CSV (with its header)
    or JSON lines; read in chunks, each on a connection of its own (a response streams from many threads)."""
    if form == "csv":
        yield _line(COLUMNS, "csv")
    after = 0
    while True:
        query = (
            select(audit_log)
            .where(*conditions, audit_log.c.id > after, audit_log.c.id <= through)
            .order_by(audit_log.c.id)
            .limit(CHUNK)
        )
        with engine.connect() as conn:
            rows = conn.execute(query).all()
        for row in rows:
            yield _line(row, form)
        if len(rows) < CHUNK:
            return
        after = rows[-1].id
