"""Audit rows of reads of client data and of scores, appended in the background (the response never waits).

`AuditMiddleware` notes, after each response of an audited route (`AUDITED`), who (X-Scoring-User), from
where, which client (salted hash of the ID in the path or the query), the route and its status;
`AuditWriter` appends the notes to the hash-chained trail in batches, one chain lock per batch. A note names
the request id: the scores of the request are in the prediction log under it. Notes the database still
refuses at shutdown are kept in a JSON-lines file and appended at the next start. Sign-ins, decisions,
letters and account changes are not buffered: their routes write the row in the transaction of the change.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import deque
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.identity import ADDRESS, CLIENT_ADDRESS, UserCache
from api.middleware import route_template
from scoring.db.audit import Actor, AuditEvent, record
from scoring.serving.prediction_log import client_hash
from scoring.vocabulary import AuditAction

logger = logging.getLogger("api.audit")
WARN_EVERY_SECONDS = 30.0

AUDITED = {  # route template after the /api/v1 prefix -> what the row records
    "/clients/{client_id}": AuditAction.VIEW_CLIENT,
    "/clients/{client_id}/similar": AuditAction.VIEW_CLIENT,
    "/clients/{client_id}/max-amount": AuditAction.VIEW_CLIENT,
    "/clients/{client_id}/decisions": AuditAction.VIEW_CLIENT,
    "/analytics/similar/{client_id}/distribution": AuditAction.VIEW_CLIENT,
    "/analytics/distribution": AuditAction.VIEW_CLIENT,
    "/analytics/scatter": AuditAction.VIEW_CLIENT,
    "/clients/{client_id}/score": AuditAction.SCORE,
    "/clients/{client_id}/what-if": AuditAction.SCORE,
    "/score": AuditAction.SCORE,
    "/score/batch": AuditAction.SCORE,
    "/score/max-amount": AuditAction.SCORE,
}
QUERY_CLIENT = b"client_id="


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
    return int(value) if value.isdigit() and len(value) <= 12 else None


class AuditWriter:
    """Notes buffered in memory, appended to the audit trail by one thread every `flush_seconds`."""

    def __init__(
        self, engine: Engine, users: UserCache, salt: bytes, spill: Path, flush_seconds: float = 0.5
    ) -> None:
        self.engine = engine
        self.users = users
        self.salt = salt
        self.spill = spill
        self.flush_seconds = flush_seconds
        self._notes: deque[dict | threading.Event] = deque()
        self._wake = threading.Event()
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._warned_at = -WARN_EVERY_SECONDS

    def note(self, note: dict) -> None:
        self._notes.append(note)

    def start(self) -> None:
        self._recover()
        self._thread = threading.Thread(target=self._run, name="audit-writer", daemon=True)
        self._thread.start()

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until every note so far is in the trail."""
        if self._thread is None:
            return True
        done = threading.Event()
        self._notes.append(done)
        self._wake.set()
        return done.wait(timeout)

    def stop(self, timeout: float = 30.0) -> None:
        if self._thread is None:
            return
        self._stopping = True
        self._wake.set()
        self._thread.join(timeout)
        self._thread = None

    def _event(self, note: dict) -> AuditEvent:
        user = self.users.get(note["user_id"]) if note["user_id"] is not None else None
        source, request_id = note["source"], note["request_id"]
        actor = user.actor(source, request_id) if user else Actor("service", None, None, source, request_id)
        hashed = client_hash(note["client_id"], self.salt)
        detail = {"route": note["route"], "method": note["method"], "status": note["status"]}
        return AuditEvent(AuditAction(note["action"]), actor, client_hash=hashed, detail=detail)

    def _write(self, notes: list[dict], attempts: int) -> list[dict]:
        for attempt in range(attempts):
            try:
                record(self.engine, *[self._event(n) for n in notes])
                return []
            except DBAPIError as error:  # the database is down, hung or read-only: one line, no traceback
                now = time.monotonic()
                if now - self._warned_at >= WARN_EVERY_SECONDS:
                    self._warned_at = now
                    logger.warning(
                        "audit trail: %d rows waiting: the database refuses them (%s); retrying",
                        len(notes),
                        type(error.orig).__name__,
                    )
                self._wake.wait(min(0.2 * 2**attempt, 2.0))
        return notes

    def _run(self) -> None:
        pending: list[dict] = []
        waiting: list[threading.Event] = []
        while True:
            stopping = self._stopping
            if not stopping:
                self._wake.wait(self.flush_seconds)
                self._wake.clear()
            while self._notes and len(pending) < 5000:
                item = self._notes.popleft()
                (waiting if isinstance(item, threading.Event) else pending).append(item)
            if pending:
                pending = self._write(pending, 10 if stopping else 1)
            if not pending:
                for event in waiting:
                    event.set()
                waiting.clear()
            if stopping and (pending or not self._notes):
                break
        rest = pending + [n for n in self._notes if not isinstance(n, threading.Event)]
        if rest:
            self.spill.parent.mkdir(parents=True, exist_ok=True)
            with self.spill.open("a") as handle:
                handle.writelines(json.dumps(n) + "\n" for n in rest)
            logger.error("audit trail: %d rows not written, kept in %s", len(rest), self.spill)

    def _recover(self) -> None:
        """Append the notes a previous run could not write (then remove their file)."""
        if not self.spill.exists():
            return
        notes = [json.loads(line) for line in self.spill.read_text().splitlines() if line.strip()]
        if self._write(notes, 3):
            logger.error("audit trail: %d rows of %s still not written", len(notes), self.spill)
            return
        self.spill.unlink()
        logger.info("audit trail: %d rows kept at the last shutdown appended", len(notes))


class AuditMiddleware:
    """Notes each response of an audited route for the `AuditWriter` in `app.state.audit_writer`."""

    def __init__(self, app: ASGIApp, prefix: str) -> None:
        self.app = app
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            self._note(scope, status)

    def _note(self, scope: Scope, status: int) -> None:
        action = AUDITED.get(route_template(scope).removeprefix(self.prefix))
        writer = getattr(scope["app"].state, "audit_writer", None)
        if (
            action is None
            or writer is None
            or (action is AuditAction.VIEW_CLIENT and scope["method"] != "GET")
        ):
            return  # a recorded decision writes its own row
        if action is AuditAction.VIEW_CLIENT and _client_id(scope) is None:
            return  # a distribution or scatter without a client shows no one's data
        user = _header(scope, b"x-scoring-user")
        reported = _header(scope, CLIENT_ADDRESS.encode())
        client = scope.get("client")
        source = reported if reported and ADDRESS.fullmatch(reported) else (client[0] if client else None)
        writer.note(
            {
                "action": str(action),
                "user_id": int(user) if user and user.isdigit() and len(user) <= 12 else None,
                "client_id": _client_id(scope),
                "route": route_template(scope),
                "method": scope["method"],
                "status": status,
                "source": source,
                "request_id": scope.get("state", {}).get("request_id"),
            }
        )
