"""Per-request context (pure ASGI, cheap): request id, timing, metrics, access log, request log, generic 500.

The access log and the request log name the route template (e.g. /api/v1/clients/{client_id}/score), never
the raw path or the query, so no applicant value or client ID reaches them.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from datetime import UTC, datetime

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import metrics
from api.errors import send_internal_error

access_log = logging.getLogger("api.access")
logger = logging.getLogger("api.errors")

_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
UNMATCHED = "<unmatched>"
NOT_LOGGED = ("/health", "/ready", "/metrics")


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
    """Gives each request an id (X-Request-ID), times and logs it, turns crashes into a generic 500."""

    def __init__(self, app: ASGIApp, prefix: str) -> None:
        self.app = app
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _incoming_request_id(scope) or uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        header = (b"x-request-id", request_id.encode())
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            logger.exception("request %s failed", request_id)
            status = 500
            if not response_started:
                await send_internal_error(send_with_id, request_id)
        finally:
            self._record(scope, request_id, status, time.perf_counter() - started)

    def _record(self, scope: Scope, request_id: str, status: int, seconds: float) -> None:
        route = route_template(scope)
        method = scope["method"]
        metrics.observe_request(method, route, status, seconds)
        access_log.info("%s %s %d %.1fms id=%s", method, route, status, seconds * 1000, request_id)
        writer = getattr(scope["app"].state, "log_writer", None)
        if writer is not None and scope["path"].startswith(self.prefix) and not route.endswith(NOT_LOGGED):
            writer.log_request(
                {
                    "created_at": datetime.now(UTC).replace(tzinfo=None),
                    "request_id": request_id,
                    "method": method,
                    "route": route,
                    "status_code": status,
                    "latency_ms": seconds * 1000,
                }
            )
