"""Per-request context in one pure-ASGI pass: request id, the body limit (413 with a JSON body, counted as
413: by Content-Length before anything is read, else while the body is read), the fast path of the stored
score (`api.fast_path`), the audit note made durable before the response starts (`api.audit_trail`; a note the
local disk refuses withholds the response: 503), security headers, timing, metrics, access log, request log,
generic 500. What depends only on the route (its template's audit action, its metric series) is looked up
once per route, not per request.

The access log and the request log name the route template (e.g. /api/v1/clients/{client_id}/score), never
the raw path or the query, so no applicant value or client ID reaches them.
"""

from __future__ import annotations

import logging
import os
import random
import re
import time
from datetime import UTC, datetime

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import prometheus
from api.audit_trail import RequestAuditor, unavailable
from api.errors import send_error, send_internal_error
from api.fast_path import StoredScoreFastPath
from api.spool import SpoolError

access_log = logging.getLogger("api.access")
logger = logging.getLogger("api.errors")

_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
UNMATCHED = "<unmatched>"
NOT_LOGGED = ("/health", "/ready", "/metrics")
TOO_LARGE = "request body too large"
REQUEST_IDS = random.Random()  # an id needs to be unique, not secret: no system call per request
os.register_at_fork(after_in_child=REQUEST_IDS.seed)
audit_logger = logging.getLogger("api.audit")

# JSON needs no policy beyond "nothing": a response opened in a browser runs and embeds nothing. HTML from
# the API (drift reports) runs sandboxed (an opaque origin: no access to the API's origin) with its inline
# scripts.
JSON_POLICY = b"default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
HTML_POLICY = (
    b"sandbox allow-scripts; default-src 'none'; script-src 'unsafe-inline'; "
    b"style-src 'unsafe-inline'; img-src data: blob:; font-src data:; base-uri 'none'; form-action 'none'; "
    b"frame-ancestors 'self'"
)
SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"SAMEORIGIN"),
)


def with_security_headers(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """The response headers plus nosniff, same-origin referrer, framing by this origin only and a CSP (unless
    the route set its own)."""
    names = {name.lower() for name, _ in headers}
    added = [(n, v) for n, v in SECURITY_HEADERS if n not in names]
    if b"content-security-policy" not in names:
        html = any(n.lower() == b"content-type" and v.startswith(b"text/html") for n, v in headers)
        added.append((b"content-security-policy", HTML_POLICY if html else JSON_POLICY))
    return [*headers, *added]


JSON_HEADERS = with_security_headers([(b"content-type", b"application/json")])


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None


def _incoming_request_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            text = value.decode("latin-1")
            return text if _REQUEST_ID.fullmatch(text) else None
    return None


def route_template(scope: Scope) -> str:
    """The matched route's template with its router prefixes (routes of an included router are relative)."""
    relative = getattr(scope.get("route"), "path", None)
    if not relative:
        return UNMATCHED
    parts = scope["path"].split("/")
    return "/".join(parts[: max(len(parts) - relative.count("/"), 0)]) + relative


class RequestContextMiddleware:
    """Gives each request an id (X-Request-ID), answers the stored score's fast path, notes audited responses
    before they leave, adds the security headers, times and logs each request, turns crashes into a generic
    500."""

    def __init__(
        self,
        app: ASGIApp,
        prefix: str,
        max_body_bytes: int,
        fast_path: StoredScoreFastPath | None = None,
    ) -> None:
        self.app = app
        self.prefix = prefix
        self.max_body_bytes = max_body_bytes
        self.fast_path = fast_path
        self.auditor = RequestAuditor(prefix)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _incoming_request_id(scope) or f"{REQUEST_IDS.getrandbits(128):032x}"
        scope.setdefault("state", {})["request_id"] = request_id
        header = (b"x-request-id", request_id.encode())
        started = time.perf_counter()
        status = 500
        response_started = refused = False
        template = UNMATCHED  # the route's, known once the app has routed the request

        async def send_with_id(message: Message, secured: bool = False) -> None:
            """Sends `message`; a response's start is noted for the audit first and gets the request id and
            the security headers (already there when `secured`)."""
            nonlocal status, response_started, refused, template
            if refused:
                return  # the 503 went instead of this response
            if message["type"] != "http.response.start":
                await send(message)
                return
            response_started = True
            withheld = None
            template = route_template(scope)
            if not self._noted(scope, template, message["status"]):
                refused, secured = True, False
                message, withheld = unavailable()
            status = message["status"]
            headers = message.get("headers", ())
            message["headers"] = [*headers, header] if secured else with_security_headers([*headers, header])
            await send(message)
            if withheld is not None:
                await send(withheld)

        received = 0

        async def receive_with_limit() -> Message:
            """The body, refused with 413 once it exceeds the limit (a body sent without Content-Length)."""
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise HTTPException(413, TOO_LARGE)
            return message

        try:
            length = _content_length(scope)
            if length is not None and length > self.max_body_bytes:
                await send_error(send_with_id, 413, TOO_LARGE, request_id)  # refused before reading it
            elif self.fast_path is not None and (body := self.fast_path.answer(scope)) is not None:
                headers = [*JSON_HEADERS, (b"content-length", str(len(body)).encode())]
                await send_with_id({"type": "http.response.start", "status": 200, "headers": headers}, True)
                await send_with_id({"type": "http.response.body", "body": body})
            else:
                await self.app(scope, receive_with_limit, send_with_id)
        except HTTPException as exc:  # raised outside a route: answered, no traceback
            if not response_started:
                await send_error(send_with_id, exc.status_code, str(exc.detail), request_id)
        except Exception:
            logger.exception("request %s failed", request_id)
            status = 500
            if not response_started:
                await send_internal_error(send_with_id, request_id)
        finally:
            route = template if response_started else route_template(scope)
            self._record(scope, route, request_id, status, time.perf_counter() - started)

    def _noted(self, scope: Scope, template: str, status: int) -> bool:
        """The audit note of this response made durable (False: the local disk refused it)."""
        try:
            self.auditor.note(scope, template, status)
        except SpoolError as error:
            audit_logger.error("audit trail: row not written, response refused: %s", error)
            return False
        return True

    def _record(self, scope: Scope, route: str, request_id: str, status: int, seconds: float) -> None:
        method = scope["method"]
        prometheus.observe_request(method, route, status, seconds)
        if access_log.isEnabledFor(logging.INFO):
            access_log.info("%s %s %d %.1fms id=%s", method, route, status, seconds * 1000, request_id)
        writer = getattr(scope["app"].state, "log_writer", None)
        if writer is None or not scope["path"].startswith(self.prefix) or route.endswith(NOT_LOGGED):
            return
        row = {
            "created_at": datetime.now(UTC).replace(tzinfo=None),
            "request_id": request_id,
            "method": method,
            "route": route,
            "status_code": status,
            "latency_ms": seconds * 1000,
        }
        try:
            writer.log_request(row)
        except SpoolError as error:
            logger.error("request %s not logged: %s", request_id, error)
