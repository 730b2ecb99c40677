"""The only transport the dashboard tests fake the API with: it answers what a handler says, once the
answer is one the real API could send.

Every 2xx answer must fake a route the API has (found from the request's method and path among the
routers of `api.routes`), with that route's status code, and a JSON body `checked` by the route's
response model: a fake that drifts from `api.schemas` fails the test that uses it.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
from collections.abc import Callable
from functools import cache

import httpx
from fastapi.routing import APIRoute
from starlette.routing import Match

import api.routes
from api.main import PREFIX
from tests.support.payloads import checked

Handler = Callable[[httpx.Request], httpx.Response]
Answer = Callable[[Handler], None]  # the dashboard tests' `answer` fixture: install a handler as the API


@cache
def api_routes() -> tuple[APIRoute, ...]:
    """Every route of the API's routers (paths relative to PREFIX)."""
    modules = (
        importlib.import_module(f"{api.routes.__name__}.{m.name}")
        for m in pkgutil.iter_modules(api.routes.__path__)
    )
    return tuple(
        r for m in modules if hasattr(m, "router") for r in m.router.routes if isinstance(r, APIRoute)
    )


def route_of(method: str, path: str) -> APIRoute:
    """The API route answering `method` on `path` (with its /api/v1 prefix)."""
    relative = path.removeprefix(PREFIX)
    scope = {"type": "http", "path": relative, "method": method, "root_path": ""}
    found = [r for r in api_routes() if path.startswith(PREFIX) and r.matches(scope)[0] is Match.FULL]
    if len(found) != 1:
        known = "routes twice" if found else "has no route for"
        raise AssertionError(f"the fake answers {method} {path}, which the API {known}")
    return found[0]


def check_answer(request: httpx.Request, response: httpx.Response) -> None:
    """Fail unless the real API could answer `request` with `response` (errors are not checked)."""
    if not response.is_success:
        return
    route = route_of(request.method, request.url.raw_path.decode().partition("?")[0])
    status = route.status_code or 200
    if response.status_code != status:
        raise AssertionError(
            f"{request.method} {route.path} answers {status}, the fake {response.status_code}"
        )
    if route.response_model is not None:
        checked(route.response_model, json.loads(response.content))


class CheckedTransport(httpx.MockTransport):
    """`httpx.MockTransport(handler)` whose every successful answer is checked by `check_answer`."""

    def __init__(self, handler: Handler) -> None:
        def answered(request: httpx.Request) -> httpx.Response:
            response = handler(request)
            check_answer(request, response)
            return response

        super().__init__(answered)
