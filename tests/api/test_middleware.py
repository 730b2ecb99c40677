"""The request-context middleware on a small app wired as the API is (CORS outside it): request ids, the body
limit on declared and streamed bodies, the headers of every kind of answer (errors included), `Vary: Origin`
without the CORS middleware, and the requests counted by route template."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY

from api import prometheus
from api.errors import install_error_handlers
from api.middleware import RequestContextMiddleware, Templates, with_security_headers
from api.preflight import RouteCORSMiddleware
from api.route_templates import route_template

PREFIX = "/api/v1"
LIMIT = 2048
DASHBOARD = "http://127.0.0.1:8050"
SECURITY = ("x-content-type-options", "referrer-policy", "x-frame-options", "content-security-policy")


def small_app() -> FastAPI:
    """Routes answering JSON, HTML, their own Vary, a read body and a crash, under the API's middleware and
    error handlers."""
    app = FastAPI()
    install_error_handlers(app)

    @app.get(f"{PREFIX}/items/{{item_id}}")
    async def item(item_id: int) -> dict:
        return {"item": item_id}

    @app.get(f"{PREFIX}/page")
    async def page() -> HTMLResponse:
        return HTMLResponse("<p>report</p>")

    @app.get(f"{PREFIX}/varies")
    async def varies() -> JSONResponse:
        return JSONResponse({}, headers={"Vary": "Accept-Language"})

    @app.post(f"{PREFIX}/echo")
    async def echo(request: Request) -> dict:
        return {"bytes": len(await request.body())}

    @app.get(f"{PREFIX}/boom")
    async def boom() -> dict:
        raise RuntimeError("secret-internal-detail")

    app.add_middleware(RequestContextMiddleware, prefix=PREFIX, max_body_bytes=LIMIT)
    app.add_middleware(
        RouteCORSMiddleware,
        methods_of=lambda path: frozenset({"GET", "POST"}),
        allow_origins=[DASHBOARD],
        allow_methods=["GET", "POST"],
        allow_headers=["Content-Type", "X-Request-ID"],
        expose_headers=["X-Request-ID"],
    )
    return app


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(small_app(), raise_server_exceptions=False) as client:
        yield client


def assert_secured(response: object) -> None:
    for name in SECURITY:
        assert response.headers[name], name
    assert len(response.headers["x-request-id"]) >= 1


def test_every_kind_of_answer_carries_the_id_and_the_security_headers(client: TestClient) -> None:
    body = b"x" * (LIMIT + 1)

    def streamed() -> Iterator[bytes]:  # no Content-Length: refused while it is read
        yield body[:1000]
        yield body[1000:]

    answers = {
        "ok": client.get(f"{PREFIX}/items/3"),
        "not found": client.get(f"{PREFIX}/nowhere"),
        "invalid": client.get(f"{PREFIX}/items/three"),
        "declared too large": client.post(f"{PREFIX}/echo", content=body),
        "streamed too large": client.post(f"{PREFIX}/echo", content=streamed()),
        "crash": client.get(f"{PREFIX}/boom", headers={"X-Request-ID": "trace-7"}),
    }
    assert {name: r.status_code for name, r in answers.items()} == {
        "ok": 200,
        "not found": 404,
        "invalid": 422,
        "declared too large": 413,
        "streamed too large": 413,
        "crash": 500,
    }
    for response in answers.values():
        assert_secured(response)
        assert response.headers["vary"] == "Origin"
    for name in ("declared too large", "streamed too large"):
        assert answers[name].json() == {
            "detail": "request body too large",
            "request_id": answers[name].headers["x-request-id"],
        }
    assert answers["crash"].json() == {"detail": "internal server error", "request_id": "trace-7"}
    assert answers["crash"].headers["x-request-id"] == "trace-7"


def test_a_streamed_body_within_the_limit_is_read_whole(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b"a" * 1000
        yield b"b" * 1000

    answer = client.post(f"{PREFIX}/echo", content=chunks())
    assert answer.status_code == 200 and answer.json() == {"bytes": 2000}


def test_html_gets_the_sandboxed_policy_and_json_the_closed_one(client: TestClient) -> None:
    assert (
        client.get(f"{PREFIX}/page").headers["content-security-policy"].startswith("sandbox allow-scripts;")
    )
    assert client.get(f"{PREFIX}/items/1").headers["content-security-policy"].startswith("default-src 'none'")


def test_vary_says_origin_once_with_or_without_the_cors_middleware(client: TestClient) -> None:
    plain = client.get(f"{PREFIX}/varies")
    assert plain.headers.get_list("vary") == ["Accept-Language, Origin"]
    crossed = client.get(f"{PREFIX}/items/1", headers={"Origin": DASHBOARD})
    assert crossed.headers["access-control-allow-origin"] == DASHBOARD
    assert crossed.headers.get_list("vary") == ["Origin"]
    assert crossed.headers["access-control-expose-headers"] == "X-Request-ID"
    assert_secured(crossed)
    refused = client.get(f"{PREFIX}/items/1", headers={"Origin": "http://evil.example"})
    assert "access-control-allow-origin" not in refused.headers and refused.headers["vary"] == "Origin"


def test_security_headers_keep_a_route_s_own_policy() -> None:
    own = [(b"Content-Security-Policy", b"default-src 'self'"), (b"content-type", b"text/html")]
    headers = with_security_headers(own)
    assert [v for n, v in headers if n.lower() == b"content-security-policy"] == [b"default-src 'self'"]
    assert (b"x-content-type-options", b"nosniff") in headers


def test_request_ids_are_generated_or_kept_when_safe(client: TestClient) -> None:
    generated = {client.get(f"{PREFIX}/items/1").headers["x-request-id"] for _ in range(3)}
    assert len(generated) == 3 and all(len(i) == 32 for i in generated)
    assert (
        client.get(f"{PREFIX}/items/1", headers={"X-Request-ID": "abc-1"}).headers["x-request-id"] == "abc-1"
    )
    unsafe = client.get(f"{PREFIX}/items/1", headers={"X-Request-ID": "a b"}).headers["x-request-id"]
    assert unsafe != "a b" and len(unsafe) == 32


def test_route_templates_are_the_same_remembered(client: TestClient) -> None:
    route = next(r for r in client.app.routes if getattr(r, "path", "").endswith("{item_id}"))
    templates = Templates()
    for path in (f"{PREFIX}/items/1", f"{PREFIX}/items/22", f"{PREFIX}/items/1"):
        scope = {"route": route, "path": path}
        assert templates.of(scope) == route_template(scope) == f"{PREFIX}/items/{{item_id}}"
    assert templates.of({"path": "/x"}) == "<unmatched>"


def test_requests_are_counted_by_route_template_and_status(client: TestClient) -> None:
    def count(status: str) -> float:
        prometheus.flush()  # what /metrics does first: the middleware queues its observations
        labels = {"method": "GET", "route": f"{PREFIX}/items/{{item_id}}", "status": status}
        return REGISTRY.get_sample_value("scoring_http_requests_total", labels) or 0.0

    before = count("200"), count("422")
    client.get(f"{PREFIX}/items/5")
    client.get(f"{PREFIX}/items/6")
    client.get(f"{PREFIX}/items/x")
    assert (count("200") - before[0], count("422") - before[1]) == (2, 1)


def test_queued_observations_add_up_as_if_observed_one_by_one() -> None:
    route, seconds = "/queued/{x}", [0.0005, 0.001, 0.003, 0.003, 0.7, 9.0]
    for value in seconds:
        prometheus.observe_request("GET", route, 200, value)
    prometheus.flush()

    def sample(name: str, **labels: str) -> float | None:
        return REGISTRY.get_sample_value(f"scoring_http_{name}", {"route": route, **labels})

    assert sample("requests_total", method="GET", status="200") == len(seconds)
    assert sample("request_duration_seconds_sum") == pytest.approx(sum(seconds))
    cumulative = {"0.001": 2, "0.005": 4, "0.5": 4, "1.0": 5, "5.0": 5, "+Inf": 6}  # a bound is inclusive
    assert {le: sample("request_duration_seconds_bucket", le=le) for le in cumulative} == cumulative
