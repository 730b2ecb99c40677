"""Query parameters an operation does not declare: 422 naming each, from the middleware's one pass, for every
documented operation; declared ones, unknown paths and disallowed methods go on to the router."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.query_names import TEMPLATE, DeclaredQueries
from scoring.db.tables import requests
from tests.api.conftest import API

PATHS = {
    "/a/{item}/score": {
        "get": {"parameters": [{"name": "lang", "in": "query"}, {"name": "item", "in": "path"}]}
    },
    "/a/{item}/{other}": {"get": {}, "post": {"parameters": [{"name": "x", "in": "query"}]}},
    "/b": {"get": {"parameters": [{"name": "since", "in": "query"}]}},
}


def scope(method: str, path: str, query: bytes) -> dict:
    return {"method": method, "path": path, "query_string": query}


def test_the_first_documented_operation_of_the_path_and_method_decides() -> None:
    queries = DeclaredQueries(PATHS)
    assert queries.unknown(scope("GET", "/a/7/score", b"lang=fr")) == []
    refused = scope("GET", "/a/7/score", b"x=1&lang=fr&x=2&%C3%A9t%C3%A9=3")
    assert queries.unknown(refused) == ["x", "été"]  # each once, names decoded as the route reads them
    assert refused[TEMPLATE] == "/a/{item}/score"
    assert queries.unknown(scope("POST", "/a/7/score", b"x=1")) == []  # the next template allows POST with x
    assert queries.unknown(scope("GET", "/a/7/other", b"lang=fr")) == ["lang"]
    assert queries.unknown(scope("GET", "/a/7/8/9", b"x=1")) == []  # a path parameter is one segment
    assert queries.unknown(scope("GET", "/bb", b"x=1")) == queries.unknown(scope("PUT", "/b", b"x=1")) == []
    assert queries.unknown(scope("GET", "/b", b"since=&until")) == ["until"]  # a blank value is a name


def test_an_unknown_query_parameter_is_refused_before_the_route(client: TestClient) -> None:
    refused = client.get(f"{API}/health?x=1&check=all", headers={"Accept-Language": "fr"})
    assert refused.status_code == 422
    body = refused.json()
    assert [(p["field"], p["type"]) for p in body["detail"]] == [
        ("x", "extra_forbidden"),
        ("check", "extra_forbidden"),
    ]
    assert body["detail"][0]["message"] == "paramètre de requête inconnu"
    assert body["request_id"] == refused.headers["x-request-id"]
    assert refused.headers["x-content-type-options"] == "nosniff"
    assert client.get(f"{API}/health").status_code == 200


def test_declared_parameters_unknown_paths_and_methods_go_to_the_router(
    client: TestClient, stored_ids: dict[str, int]
) -> None:
    score = f"{API}/clients/{stored_ids['train']}/score"
    assert client.get(f"{score}?lang=fr&contributions=false").status_code == 200
    assert client.get(f"{score}?lang=de").status_code == 422  # the route validates the value
    assert client.get(f"{API}/nowhere?x=1").status_code == 404
    assert client.post(f"{API}/health?x=1").status_code == 405


def test_a_refused_query_is_logged_under_its_operation(client: TestClient) -> None:
    assert client.get(f"{API}/model?x=1").status_code == 422
    client.app.state.log_writer.flush()
    with client.app.state.scoring.engine.connect() as conn:
        logged = conn.execute(requests.select().where(requests.c.status_code == 422)).mappings().all()
    assert [(row["route"], row["method"]) for row in logged] == [(f"{API}/model", "GET")]
