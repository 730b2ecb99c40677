"""The audit trail: append-only rows, each carrying a SHA-256 hash chained to the previous row's.

row_hash = SHA-256(prev_hash + "\\n" + canonical JSON of the row's fields). Rows are numbered 1, 2, 3... in
the order appended; the one-row table `audit_chain` holds the first row kept (with the hash it chains to)
and the last row written (with its hash). Appending locks that row (SELECT ... FOR UPDATE on PostgreSQL; on
SQLite the caller's `write_transaction` holds the database's write lock), so several API workers appending
at once form one well-defined chain. `verify` walks the chain and names the first row edited, inserted or
deleted; `purge` removes rows older than the retention only as a whole prefix of the chain, moves the
chain's start and logs itself. Whoever can rewrite the whole table and its head can forge a consistent
chain, or cut its end: the signed anchors of the head kept outside the database (`scoring.db.anchors`)
detect that.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Engine, func, select

from scoring.db.bulk_insert import insert_rows
from scoring.db.engine import write_transaction
from scoring.db.tables import audit_chain, audit_log, utc_now
from scoring.vocabulary import AuditAction

GENESIS = "0" * 64
HASHED = (
    "id",
    "created_at",
    "actor",
    "actor_id",
    "role",
    "action",
    "client_hash",
    "target",
    "detail",
    "source",
    "request_id",
)


@dataclass(frozen=True)
class Actor:
    """Who did something, and from where: a user, the API service, the command line, the system."""

    name: str
    id: int | None = None
    role: str | None = None
    source: str | None = None
    request_id: str | None = None


@dataclass(frozen=True)
class AuditEvent:
    """One thing to record: what was done, by whom, to which client (hashed) or object, with details."""

    action: AuditAction
    actor: Actor
    client_hash: str | None = None
    target: str | None = None
    detail: Mapping[str, object] = field(default_factory=dict)


def text_of(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return _time_text(value)
    return str(value)


@functools.lru_cache(maxsize=64)
def _time_text(value: datetime) -> str:
    """A time's text in the hashed row (the rows of one append share theirs: written once)."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


KEYS = tuple((name, f'"{name}": ') for name in sorted(HASHED))
quoted = json.encoder.encode_basestring  # as json.dumps(ensure_ascii=False) writes a string


def row_hash(prev_hash: str, row: Mapping[str, object]) -> str:
    """The hash of a row chained to `prev_hash` (over the fields in HASHED, as text): the canonical text is
    json.dumps of those fields' texts with sorted keys, not ASCII-escaped, written out directly."""
    fields = [
        key + ("null" if (v := row[name]) is None else quoted(v if type(v) is str else text_of(v)))
        for name, key in KEYS
    ]
    return hashlib.sha256(f"{prev_hash}\n{{{', '.join(fields)}}}".encode()).hexdigest()


def _clip(value: str | None, size: int) -> str | None:
    return None if value is None else value[:size]


def lock_chain(conn: Connection) -> Mapping:
    """The chain's head row, locked until the transaction ends (one appender at a time)."""
    return conn.execute(select(audit_chain).where(audit_chain.c.id == 1).with_for_update()).mappings().one()


def append(conn: Connection, events: Sequence[AuditEvent]) -> list[int]:
    """Append `events` in the caller's transaction (a `write_transaction`); returns their row numbers."""
    if not events:
        return []
    head = lock_chain(conn)
    last_id, last_hash = head["last_id"], head["last_hash"]
    now = utc_now()
    rows = []
    for event in events:
        last_id += 1
        row = {
            "id": last_id,
            "created_at": now,
            "actor": _clip(event.actor.name, 64),
            "actor_id": event.actor.id,
            "role": event.actor.role,
            "action": str(event.action),
            "client_hash": event.client_hash,
            "target": _clip(event.target, 128),
            "detail": json.dumps(dict(event.detail), sort_keys=True, ensure_ascii=False, default=str),
            "source": _clip(event.actor.source, 128),
            "request_id": _clip(event.actor.request_id, 64),
            "prev_hash": last_hash,
        }
        row["row_hash"] = last_hash = row_hash(row["prev_hash"], row)
        rows.append(row)
    insert_rows(conn, audit_log, rows)
    conn.execute(
        audit_chain.update().where(audit_chain.c.id == 1).values(last_id=last_id, last_hash=last_hash)
    )
    return [row["id"] for row in rows]


def recorded_notes(conn: Connection, request_ids: Sequence[str], since: datetime) -> set[str]:
    """The `note` ids (in `detail`) of the rows appended since `since` for these request ids: what a delivery
    of the API's durable audit notes interrupted after its commit already appended."""
    found: set[str] = set()
    wanted = sorted(set(request_ids))
    for start in range(0, len(wanted), 500):
        rows = conn.execute(
            select(audit_log.c.detail).where(
                audit_log.c.created_at >= since, audit_log.c.request_id.in_(wanted[start : start + 500])
            )
        )
        for (detail,) in rows:
            note = json.loads(detail).get("note")
            if isinstance(note, str):
                found.add(note)
    return found


def record(engine: Engine, *events: AuditEvent) -> list[int]:
    """Append events in a transaction of their own."""
    with write_transaction(engine) as conn:
        return append(conn, events)


# -- verification ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    kind: str  # "edited", "inserted" or "deleted"
    row: int
    message: str


@dataclass(frozen=True)
class Verification:
    rows: int
    first_id: int
    last_id: int
    head_hash: str
    problem: Problem | None

    @property
    def ok(self) -> bool:
        return self.problem is None

    def describe(self) -> str:
        if self.problem is not None:
            return f"audit trail TAMPERED: {self.problem.message}"
        span = f"rows {self.first_id}-{self.last_id}" if self.rows else "no rows"
        return f"audit trail intact: {self.rows} rows checked ({span}); head hash {self.head_hash}"


def _rows(conn: Connection) -> Iterator[Mapping]:
    result = conn.execution_options(yield_per=2000).execute(select(audit_log).order_by(audit_log.c.id))
    yield from result.mappings()


def _first_problem(head: Mapping, rows: Iterator[Mapping]) -> tuple[int, Problem | None]:
    """(rows checked, the first row out of place) walking the chain from its recorded start."""
    expected, prev = head["first_id"], head["first_prev_hash"]
    checked = 0
    row = next(rows, None)
    while row is not None:
        following = next(rows, None)
        number = row["id"]
        if number < head["first_id"]:
            return checked, Problem("inserted", number, f"row {number} inserted before the chain's first row")
        if number > head["last_id"]:
            return checked, Problem("inserted", number, f"row {number} inserted after the chain's last row")
        if row_hash(row["prev_hash"], row) != row["row_hash"]:
            return checked, Problem("edited", number, f"row {number} edited (its hash no longer matches)")
        if row["prev_hash"] != prev or number != expected:
            if number > expected:
                gone = f"row {expected}" if number == expected + 1 else f"rows {expected}-{number - 1}"
                return checked, Problem("deleted", expected, f"{gone} deleted (row {number} follows)")
            if following is not None and following["prev_hash"] == prev:
                return checked, Problem("inserted", number, f"row {number} inserted into the chain")
            message = (
                f"row {number - 1} or {number} edited (row {number} no longer chains to row {number - 1})"
            )
            return checked, Problem("edited", number - 1, message)
        checked += 1
        prev, expected = row["row_hash"], number + 1
        row = following
    if expected <= head["last_id"]:
        gone = f"row {expected}" if expected == head["last_id"] else f"rows {expected}-{head['last_id']}"
        return checked, Problem("deleted", expected, f"{gone} deleted (the chain ends at {head['last_id']})")
    if prev != head["last_hash"]:
        last = head["last_id"]
        return checked, Problem("edited", last, f"row {last} edited (the chain's head hash differs)")
    return checked, None


def verify(engine: Engine) -> Verification:
    """Walk the whole chain; the first row edited, inserted or deleted, if any."""
    with engine.connect() as conn:
        head = conn.execute(select(audit_chain).where(audit_chain.c.id == 1)).mappings().one()
        checked, problem = _first_problem(head, _rows(conn))
    return Verification(checked, head["first_id"], head["last_id"], head["last_hash"], problem)


# -- retention ---------------------------------------------------------------------------------------------


def purge(conn: Connection, before: datetime, actor: Actor) -> int:
    """Delete the chain's rows older than `before` (a whole prefix), move its start and log the purge.

    The caller checks `before` against the retention (`purge_older_than` does). Returns the rows deleted.
    """
    head = lock_chain(conn)
    newer = conn.execute(
        select(func.min(audit_log.c.id)).where(audit_log.c.created_at >= before)
    ).scalar_one_or_none()
    last_gone = (newer - 1) if newer is not None else head["last_id"]
    if last_gone < head["first_id"]:
        return 0
    anchor = conn.execute(select(audit_log.c.row_hash).where(audit_log.c.id == last_gone)).scalar_one()
    deleted = conn.execute(audit_log.delete().where(audit_log.c.id <= last_gone)).rowcount
    conn.execute(
        audit_chain.update()
        .where(audit_chain.c.id == 1)
        .values(first_id=last_gone + 1, first_prev_hash=anchor)
    )
    detail = {
        "before": text_of(before),
        "deleted": deleted,
        "rows": f"{head['first_id']}-{last_gone}",
        "chain_starts_after_hash": anchor,
    }
    append(conn, [AuditEvent(AuditAction.AUDIT_PURGED, actor, detail=detail)])
    return deleted


def purge_older_than(
    engine: Engine, retention_days: int, actor: Actor, before: datetime | None = None
) -> int:
    """Purge rows older than `before` (default: the retention), never rows younger than the retention."""
    cutoff = utc_now() - timedelta(days=retention_days)
    before = before or cutoff
    if before > cutoff:
        raise ValueError(
            f"before: {text_of(before)} is within the retention of {retention_days} days "
            f"(SCORING_AUDIT_RETENTION_DAYS): only rows older than {text_of(cutoff)} may be purged"
        )
    with write_transaction(engine) as conn:
        return purge(conn, before, actor)


def record_promotion(engine: Engine, version: str, actor: Actor, detail: Mapping[str, object] = {}) -> None:  # noqa: B006
    """Record that a model version became the champion (the API serves it from its next start or reload)."""
    record(engine, AuditEvent(AuditAction.MODEL_PROMOTED, actor, target=version, detail=detail))
