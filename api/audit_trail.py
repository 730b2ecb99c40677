"""Audit rows of reads of client data and of scores, made durable before the response leaves.

`RequestAuditor` notes, when an audited route (`AUDITED`) starts its response and before it is sent, who (the
session's user), from where, which client (salted hash of the ID in the path or the query), the route and its
status; the note is one line of the worker's audit spool on local disk (`api/spool.py`, as the prediction
log's rows), so a worker killed after answering loses none. `AuditWriter` delivers the spool to the
hash-chained trail: it rotates the spool every `flush_seconds`, appends each closed segment in one transaction
(one chain lock) and deletes it once committed; a segment delivered again (a dead worker's, an adopted one,
one whose delivery failed or whose deletion did not happen) adds only the notes the trail lacks (each note has
a random id, kept in its row's detail); the first delivery of the worker's own segment has nothing to look up.
What dead workers left is delivered by the others; what the database refuses at shutdown stays in the spool
for the next start. The writer also anchors the chain's head outside the database (`scoring.db.anchors`) every
SCORING_AUDIT_ANCHOR_SECONDS and at shutdown. A note names the request id: the scores of the request are in
the prediction log under it. Sign-ins, decisions, letters and account changes are not spooled: their routes
write the row in the transaction of the change.
"""

from __future__ import annotations

import logging
import os
import random
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError
from starlette.types import Message, Scope

from api.identity import CLIENT_ADDRESS, UserCache, reported_address
from api.spool import Segment, Spool
from scoring.db.anchors import AnchorSettings, chain_head, write_anchor
from scoring.db.audit import Actor, AuditEvent, append, lock_chain, recorded_notes
from scoring.db.engine import write_transaction
from scoring.serving.prediction_log import ClientHashes
from scoring.vocabulary import AuditAction

logger = logging.getLogger("api.audit")
WARN_EVERY_SECONDS = 30.0
ORPHAN_SCAN_SECONDS = 5.0
REDELIVERY_MARGIN = timedelta(minutes=5)  # clocks of the workers that noted and appended may differ a little
UNAVAILABLE = b'{"detail":"the audit trail cannot be written: try again later"}'

AUDITED = {  # route template after the /api/v1 prefix -> what the row records
    "/clients/{client_id}": AuditAction.VIEW_CLIENT,
    "/clients/{client_id}/similar": AuditAction.VIEW_CLIENT,
    "/clients/{client_id}/max-amount": AuditAction.VIEW_CLIENT,
    "/clients/{client_id}/recourse": AuditAction.VIEW_CLIENT,
    "/clients/{client_id}/decisions": AuditAction.VIEW_CLIENT,
    "/analytics/similar/{client_id}/distribution": AuditAction.VIEW_CLIENT,
    "/analytics/distribution": AuditAction.VIEW_CLIENT,
    "/analytics/scatter": AuditAction.VIEW_CLIENT,
    "/clients/{client_id}/score": AuditAction.SCORE,
    "/clients/{client_id}/what-if": AuditAction.SCORE,
    "/clients/{client_id}/offer": AuditAction.SCORE,
    "/score": AuditAction.SCORE,
    "/score/batch": AuditAction.SCORE,
    "/score/max-amount": AuditAction.SCORE,
    "/score/offer": AuditAction.SCORE,
}
QUERY_CLIENT = b"client_id="
CLIENT_ADDRESS_KEY = CLIENT_ADDRESS.encode()
NOTE_IDS = random.Random()  # a note's id needs to be unique, not secret: no system call per request
os.register_at_fork(after_in_child=NOTE_IDS.seed)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None


def _client_id(scope: Scope) -> int | None:
    """The client ID of the path, else of the query (`client_id=`), when it is a number."""
    value = str(scope.get("path_params", {}).get("client_id", ""))
    if not value:
        for part in scope.get("query_string", b"").split(b"&"):
            if part.startswith(QUERY_CLIENT):
                value = part[len(QUERY_CLIENT) :].decode("latin-1")
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 12 else None


class AuditWriter:
    """The worker's audit spool and the thread delivering it to the trail (see the module docstring)."""

    def __init__(
        self,
        engine: Engine,
        users: UserCache,
        salt: bytes,
        spool_dir: Path,
        flush_seconds: float = 0.5,
        anchors: AnchorSettings | None = None,
        adopt: Path | None = None,
        hashes: ClientHashes | None = None,
    ) -> None:
        self.engine = engine
        self.users = users
        self.hashes = hashes or ClientHashes(salt)  # the prediction log's: each client hashed once
        self.spool = Spool(spool_dir)
        if adopt is not None:  # the notes an older version kept at shutdown
            self.spool.adopt(adopt)
        self.flush_seconds = flush_seconds
        self.anchors = anchors
        self._wake = threading.Event()
        self._done = threading.Condition()
        self._requested = self._completed = 0
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._warned_at = -WARN_EVERY_SECONDS
        self._retry_at = self._next_scan = 0.0
        self._backoff = 0.0
        self._anchored: int | None = None
        self._stop_at = 0.0
        self._anchor_at = time.monotonic() + (anchors.audit_anchor_seconds if anchors else 0.0)
        self._tried: set[str] = set()  # segments whose delivery began: one tried again may be in the trail

    def note(self, note: dict) -> None:
        """Make one note durable, stamped with its time and id (SpoolError when the local disk refuses it)."""
        note["at"] = datetime.now(UTC).isoformat()
        note["note"] = f"{NOTE_IDS.getrandbits(64):016x}"
        self.spool.append(orjson.dumps(note) + b"\n")

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="audit-writer", daemon=True)
        self._thread.start()

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until every note so far is in the trail (False after `timeout` seconds)."""
        if self._thread is None:
            return self.spool.waiting == 0
        with self._done:
            self._requested += 1
            target = self._requested
            self._wake.set()
            return self._done.wait_for(lambda: self._completed >= target, timeout)

    def stop(self, timeout: float = 30.0) -> None:
        """Deliver what the database takes within `timeout` s and anchor the head; the rest stays spooled."""
        if self._thread is None:
            self.spool.close()
            return
        self._stopping = True
        self._stop_at = time.monotonic() + timeout
        self._wake.set()
        self._thread.join(timeout + 1.0)
        self._thread = None

    def _run(self) -> None:
        while not self._stopping:
            self._wake.wait(self.flush_seconds)
            self._wake.clear()
            self._cycle()
            if self.anchors is not None and time.monotonic() >= self._anchor_at:
                self._anchor(self.anchors, "interval")
        self._next_scan = 0.0
        while not self._cycle(final=True) and time.monotonic() < self._stop_at:
            time.sleep(0.2)
        left = self.spool.close()
        if left:
            logger.error(
                "audit trail: %d rows not written stay in %s for the next start", left, self.spool.directory
            )
        if self.anchors is not None:
            self._anchor(self.anchors, "shutdown")

    def _cycle(self, final: bool = False) -> bool:
        """Rotate, then deliver every closed segment unless backing off; True when nothing is left."""
        requested = self._requested
        now = time.monotonic()
        pending: list[Segment] = []
        try:
            self.spool.rotate()
            if now >= self._next_scan:
                self.spool.claim_orphans()
                self._next_scan = now + ORPHAN_SCAN_SECONDS
            pending = self.spool.pending()
            if pending and now < self._retry_at and not final:
                return False
            for segment in pending:
                self._deliver(segment)
        except Exception as error:  # noqa: BLE001 - the database down, hung or read-only: retried, one line
            self._failed(len(pending), error)
            return False
        self._backoff, self._retry_at = 0.0, 0.0
        with self._done:
            self._completed = max(self._completed, requested)
            self._done.notify_all()
        return self.spool.waiting == 0

    def _deliver(self, segment: Segment) -> None:
        notes = []
        for number, line in enumerate(self.spool.read(segment)):
            try:
                note = orjson.loads(line)
                notes.append((note, self._event(note)))
            except (ValueError, KeyError, TypeError):
                logger.error("audit trail: line %d of %s is not an audit note; skipped", number, segment.key)
        if notes:
            first = segment.token == self.spool.token and segment.key not in self._tried
            self._tried.add(segment.key)
            self._append(notes, check=not first)
        self.spool.done(segment)
        self._tried.discard(segment.key)

    def _append(self, notes: list[tuple[dict, AuditEvent]], check: bool = True) -> None:
        """Append, in one transaction, the notes the trail lacks (a note's id is in its row's detail); without
        `check` every note is appended (the first delivery of the worker's own segment: none is there yet)."""
        with write_transaction(self.engine) as conn:
            lock_chain(conn)
            seen = self._recorded(conn, notes) if check else set()
            append(
                conn, [event for note, event in notes if note.get("note") is None or note["note"] not in seen]
            )

    @staticmethod
    def _recorded(conn: Connection, notes: list[tuple[dict, AuditEvent]]) -> set[str]:
        """The ids of these notes the trail already holds (appended by an earlier delivery)."""
        times = [datetime.fromisoformat(note["at"]) for note, _ in notes if note.get("at")]
        ids = [note["request_id"] for note, _ in notes if note.get("request_id")]
        return recorded_notes(conn, ids, min(times) - REDELIVERY_MARGIN) if times and ids else set()

    def _event(self, note: dict) -> AuditEvent:
        user = self.users.get(note["user_id"]) if note["user_id"] is not None else None
        source, request_id = note["source"], note["request_id"]
        actor = user.actor(source, request_id) if user else Actor("service", None, None, source, request_id)
        hashed = self.hashes.of(note["client_id"])
        detail = {"route": note["route"], "method": note["method"], "status": note["status"]}
        if note.get("note"):
            detail["note"] = note["note"]
        return AuditEvent(AuditAction(note["action"]), actor, client_hash=hashed, detail=detail)

    def _failed(self, segments: int, error: Exception) -> None:
        now = time.monotonic()
        self._backoff = min(30.0, max(self.flush_seconds, self._backoff * 2))
        self._retry_at = now + self._backoff
        if now - self._warned_at >= WARN_EVERY_SECONDS:
            self._warned_at = now
            logger.warning(
                "audit trail: %d spooled segments waiting in %s: the database refuses them (%s); retrying",
                segments,
                self.spool.directory,
                type(getattr(error, "orig", None) or error).__name__,
            )

    def _anchor(self, anchors: AnchorSettings, reason: str) -> None:
        """Anchor the chain's head outside the database, when it moved since this worker's last anchor."""
        self._anchor_at = time.monotonic() + anchors.audit_anchor_seconds
        try:
            if chain_head(self.engine)["last_id"] in (0, self._anchored):
                return  # nothing new to anchor
            self._anchored = write_anchor(self.engine, anchors, reason)["last_id"]
        except (DBAPIError, OSError) as error:
            logger.warning("audit trail: head not anchored (%s): %s", reason, type(error).__name__)


UNAVAILABLE_START = {
    "type": "http.response.start",
    "status": 503,
    "headers": [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(UNAVAILABLE)).encode()),
        (b"retry-after", b"5"),
    ],
}


def unavailable() -> tuple[Message, Message]:
    """The 503 sent instead of a response whose audit row cannot be made durable."""
    start = {**UNAVAILABLE_START, "headers": list(UNAVAILABLE_START["headers"])}
    return start, {"type": "http.response.body", "body": UNAVAILABLE}


class RequestAuditor:
    """Notes each response of an audited route in the `AuditWriter`'s spool (`app.state.audit_writer`) before
    it is sent (called by the request-context middleware, `api.middleware`); the action of each route template
    is looked up once."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self._actions: dict[str, AuditAction | None] = {}

    def action(self, template: str) -> AuditAction | None:
        """What a response of the route `template` records (None: not audited here)."""
        try:
            return self._actions[template]
        except KeyError:
            action = self._actions[template] = AUDITED.get(template.removeprefix(self.prefix))
            return action

    def note(self, scope: Scope, template: str, status: int) -> None:
        """Make the note of this response durable (SpoolError when the local disk refuses it)."""
        action = self.action(template)
        if action is None:
            return
        writer = getattr(scope["app"].state, "audit_writer", None)
        if writer is None or (action is AuditAction.VIEW_CLIENT and scope["method"] != "GET"):
            return  # a recorded decision writes its own row
        client_id = _client_id(scope)
        if action is AuditAction.VIEW_CLIENT and client_id is None:
            return  # a distribution or scatter without a client shows no one's data
        state = scope.get("state", {})
        host = scope["client"][0] if scope.get("client") else None
        headers = {CLIENT_ADDRESS: _header(scope, CLIENT_ADDRESS_KEY) or ""}
        source = reported_address(headers, state.get("key_scope"), scope["app"].state.settings, host) or host
        writer.note(
            {
                "action": str(action),
                "user_id": state.get("user_id"),  # set by the session's check (api.identity)
                "client_id": client_id,
                "route": template,
                "method": scope["method"],
                "status": status,
                "source": source,
                "request_id": state.get("request_id"),
            }
        )
