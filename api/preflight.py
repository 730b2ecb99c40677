"""CORS preflights that agree with the routes: an `OPTIONS` request answers as `Allow` says.

A preflight (OPTIONS with Origin and Access-Control-Request-Method) from an allowed origin, for a method the
route has, is answered with that route's methods only; any other OPTIONS request (no preflight, an origin not
allowed, a method the route lacks) gets the app's own answer: 405 with the route's `Allow`, or 404.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi import FastAPI
from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send


def _pattern(template: str) -> re.Pattern[str]:
    """A path template of the schema (/clients/{client_id}/score) as a regular expression."""
    parts = ("[^/]+" if part.startswith("{") else re.escape(part) for part in template.split("/"))
    return re.compile("/".join(parts) + "$")


def schema_methods(app: FastAPI) -> Callable[[str], frozenset[str]]:
    """The methods the OpenAPI schema gives a request path (empty: no operation there)."""
    table: list[tuple[re.Pattern[str], frozenset[str]]] = []

    def methods_of(path: str) -> frozenset[str]:
        if not table:
            table.extend(
                (_pattern(template), frozenset(method.upper() for method in operations))
                for template, operations in app.openapi()["paths"].items()
            )
        return frozenset().union(*(methods for pattern, methods in table if pattern.match(path)))

    return methods_of


class RouteCORSMiddleware(CORSMiddleware):
    """Starlette's CORS, its preflights limited to the methods of the route asked about."""

    def __init__(self, app: ASGIApp, methods_of: Callable[[str], frozenset[str]], **options: object) -> None:
        super().__init__(app, **options)
        self.methods_of = methods_of

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not any(name == b"origin" for name, _ in scope["headers"]):
            await self.app(scope, receive, send)  # no CORS; its `Vary: Origin` is added by api.middleware
            return
        headers = Headers(scope=scope) if scope["type"] == "http" else None
        if headers is None or scope["method"] != "OPTIONS" or "access-control-request-method" not in headers:
            await super().__call__(scope, receive, send)
            return
        methods = self.methods_of(scope["path"])
        origin = headers.get("origin")
        asked = headers["access-control-request-method"]
        if not origin or not self.is_allowed_origin(origin) or asked not in methods:
            await self.app(scope, receive, send)
            return
        response = self.preflight_response(request_headers=headers)
        response.headers["access-control-allow-methods"] = ", ".join(sorted(methods))
        await response(scope, receive, send)
