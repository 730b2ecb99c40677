"""Per-request context in one pure-ASGI pass: request id, the body limit (413 with a JSON body, counted as
413: by Content-Length before anything is read, else while the body is read), the fast path of the stored
score (`api.fast_path`), query parameters the operation does not declare (422, `api.query_names`), the audit
note made durable before the response starts (`api.audit_trail`; a note the local disk refuses withholds the
response: 503), security headers, timing, metrics, access log, request log, generic 500. What depends only on
the route (its template's audit action, its metric series) is looked up once per route, not per request.

The access log and the request log name the route template (e.g. /api/v1/clients/{client_id}/score), never
the raw path or the query, so no applicant value or client ID reaches them.

The request headers are read in one scan. A request without `Origin` skips the CORS middleware
(`api.preflight`, outside this one) and gets its only header, `Vary: Origin`, here; the metrics are tallied
in memory (`api.prometheus`).
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
from api.errors import send_error, send_internal_error, send_unknown_query
from api.fast_path import StoredScoreFastPath
from api.query_names import TEMPLATE, DeclaredQueries
from api.route_templates import UNMATCHED, route_template
from api.spool import SpoolError

access_log = logging.getLogger("api.access")
logger = logging.getLogger("api.errors")

_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
NOT_LOGGED = ("/health", "/ready", "/metrics")
TOO_LARGE = "request body too large"
TEMPLATES_KEPT = 1024  # routes x path depths: a few hundred at most
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


VARY = b"vary"
VARY_ORIGIN = (VARY, b"Origin")
SECURITY_NAMES = {name for name, _ in SECURITY_HEADERS} | {b"content-security-policy", b"content-type", VARY}


def with_security_headers(
    headers: list[tuple[bytes, bytes]], vary_origin: bool = False
) -> list[tuple[bytes, bytes]]:
    """The response headers plus nosniff, same-origin referrer, framing by this origin only and a CSP (unless
    the route set its own); `Origin` added to `Vary` when `vary_origin` (the CORS middleware's, skipped)."""
    given = {name.lower(): value for name, value in headers if name.lower() in SECURITY_NAMES}
    added = [(n, v) for n, v in SECURITY_HEADERS if n not in given]
    if b"content-security-policy" not in given:
        html = given.get(b"content-type", b"").startswith(b"text/html")
        added.append((b"content-security-policy", HTML_POLICY if html else JSON_POLICY))
    if not vary_origin:
        return [*headers, *added]
    if VARY not in given:
        return [*headers, *added, VARY_ORIGIN]
    varies = b", ".join([*(v for n, v in headers if n.lower() == VARY), b"Origin"])
    return [*(h for h in headers if h[0].lower() != VARY), *added, (VARY, varies)]


JSON_HEADERS = with_security_headers([(b"content-type", b"application/json")])
JSON_HEADERS_VARY = [*JSON_HEADERS, VARY_ORIGIN]


class RequestHeaders:
    """What this middleware reads of the request headers, in one scan (the first of a repeated header)."""

    __slots__ = ("content_length", "origin", "request_id")

    def __init__(self, scope: Scope) -> None:
        length = request_id = None
        self.origin = False
        for name, value in scope.get("headers", ()):
            if name == b"content-length" and length is None:
                length = value
            elif name == b"x-request-id" and request_id is None:
                request_id = value.decode("latin-1")
            elif name == b"origin":
                self.origin = True
        self.content_length = int(length) if length is not None and length.isdigit() else None
        self.request_id = request_id if request_id and _REQUEST_ID.fullmatch(request_id) else None


class Templates:
    """`route_template` once per route and path depth (the app's routers have fixed prefixes)."""

    def __init__(self) -> None:
        self._known: dict[tuple[int, int], tuple[object, str]] = {}  # the route kept: its id stays its own

    def of(self, scope: Scope) -> str:
        route = scope.get("route")
        if route is None:
            return scope.get(TEMPLATE, UNMATCHED)  # an operation's, when its query was refused before routing
        key = (id(route), scope["path"].count("/"))
        known = self._known.get(key)
        if known is not None and known[0] is route:
            return known[1]
        template = route_template(scope)
        if len(self._known) < TEMPLATES_KEPT:
            self._known[key] = (route, template)
        return template


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
        self.templates = Templates()
        self._queries: DeclaredQueries | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = RequestHeaders(scope)
        request_id = given.request_id or f"{REQUEST_IDS.getrandbits(128):032x}"
        scope.setdefault("state", {})["request_id"] = request_id
        header = (b"x-request-id", request_id.encode())
        vary_origin = not given.origin  # the CORS middleware answers a request with an Origin
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
            template = self.templates.of(scope)
            if not self._noted(scope, template, message["status"]):
                refused, secured = True, False
                message, withheld = unavailable()
            status = message["status"]
            headers = message.get("headers", ())
            if secured:
                message["headers"] = [*headers, header]
            else:
                message["headers"] = with_security_headers([*headers, header], vary_origin)
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
            length = given.content_length
            if length is not None and length > self.max_body_bytes:
                await send_error(send_with_id, 413, TOO_LARGE, request_id)  # refused before reading it
            elif self.fast_path is not None and (body := self.fast_path.answer(scope)) is not None:
                secure = JSON_HEADERS_VARY if vary_origin else JSON_HEADERS
                headers = [*secure, (b"content-length", str(len(body)).encode())]
                await send_with_id({"type": "http.response.start", "status": 200, "headers": headers}, True)
                await send_with_id({"type": "http.response.body", "body": body})
            elif scope["query_string"] and (unknown := self._declared(scope).unknown(scope)):
                await send_unknown_query(send_with_id, scope, unknown, request_id)
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
            route = template if response_started else self.templates.of(scope)
            self._record(scope, route, request_id, status, time.perf_counter() - started)

    def _declared(self, scope: Scope) -> DeclaredQueries:
        """The operations' declared query parameters, read once from the app's OpenAPI document."""
        if self._queries is None:
            self._queries = DeclaredQueries(scope["app"].openapi()["paths"])
        return self._queries

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
