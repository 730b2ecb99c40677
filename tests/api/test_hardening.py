"""What an attacker or an operator probes: error bodies, security headers, body limit, docs, ISO dates, and
the API serving while its log database is unavailable."""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings
from scoring.serving.prediction_log import open_log, read_predictions
from tests.api.conftest import API, APPLICATION, make_settings
from tests.api.test_oversight import NOTE
from tests.api.test_oversight import app_client as app_client_fixture
from tests.api.test_oversight import people as people_fixture
from tests.api.test_reports import _reports

PAYLOAD = "<img src=x onerror=alert(document.domain)>"
pytestmark = pytest.mark.usefixtures("fast_hashes")  # light argon2id (tests/conftest.py)
KEY = "hardening-key"


def _policy(response: object) -> str:
    return response.headers["content-security-policy"]


def assert_secure_headers(response: object) -> None:
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    policy = _policy(response)
    assert "frame-ancestors 'self'" in policy and "http" not in policy  # no third-party origin


def test_error_bodies_name_the_field_never_the_value(client: TestClient, stored_ids: dict[str, int]) -> None:
    quoted = "%3Cimg%20src%3Dx%20onerror%3Dalert(document.domain)%3E"
    answers = [
        client.get(f"{API}/clients/987654"),
        client.get(f"{API}/clients/987654/score"),
        client.get(f"{API}/reports/drift/{quoted}/html"),
        client.get(f"{API}/reports/drift/{quoted}/summary"),
        client.get(f"{API}/analytics/distribution", params={"feature": PAYLOAD}),
        client.get(f"{API}/clients", params={"prefix": PAYLOAD}),
        client.get(f"{API}/clients/{PAYLOAD}"),
        client.get(f"{API}/monitoring/summary", params={"since": PAYLOAD}),
        client.post(f"{API}/score", json={**APPLICATION, "AMT_CREDIT": PAYLOAD}),
        client.post(f"{API}/score", json={**APPLICATION, PAYLOAD: 1}),
        client.post(
            f"{API}/clients/{stored_ids['train']}/what-if", json={"changes": {"AMT_CREDIT": PAYLOAD}}
        ),
    ]
    for answer in answers:
        assert answer.status_code in (404, 422), answer.text
        detail = json.dumps(answer.json()["detail"])
        assert "987654" not in detail and "onerror" not in detail and "<img" not in detail
        assert_secure_headers(answer)
    assert answers[0].json()["detail"] == "client not found"
    assert [p["field"] for p in answers[8].json()["detail"]] == ["AMT_CREDIT"]
    assert [p["field"] for p in answers[9].json()["detail"]] == ["(unknown name)"]
    typo = client.post(f"{API}/score", json={**APPLICATION, "AMT_CREDITT": 1})
    assert [p["field"] for p in typo.json()["detail"]] == ["AMT_CREDITT"]  # a plain name still helps


def test_digits_that_are_not_ascii_are_refused_not_a_500(client: TestClient) -> None:
    """'²' and '٣' are digits to str.isdigit() but not to int(): a client ID or a user filter made of them
    is a 4xx (schemathesis found the 500)."""
    for odd in ("%C2%B2", "%D9%A3"):
        assert client.get(f"{API}/clients/{odd}/score").status_code in (404, 422)
        assert client.get(f"{API}/clients/{odd}").status_code in (404, 422)
    assert client.get(f"{API}/audit", params={"user": "²"}).status_code < 500


def test_security_headers_on_every_kind_of_response(demo_home: Path, tmp_path: Path) -> None:
    settings = make_settings(
        demo_home, tmp_path / "log.db", api_key=KEY, reports_dir=_reports(tmp_path / "reports")
    )
    with TestClient(create_app(settings)) as client:
        key = {"X-API-Key": KEY}
        for response in (
            client.get(f"{API}/health"),
            client.get(f"{API}/metrics"),
            client.get(f"{API}/model", headers=key),
            client.get(f"{API}/model"),
            client.get(f"{API}/nowhere", headers=key),
        ):
            assert_secure_headers(response)
            assert _policy(response).startswith("default-src 'none'")
        report = client.get(f"{API}/reports/drift/run1/html", headers=key)
        assert report.status_code == 200
        assert_secure_headers(report)
        assert _policy(report).startswith("sandbox allow-scripts;")  # no access to the API's origin
        assert "allow-same-origin" not in _policy(report)


def test_docs_need_the_key_when_one_is_set(demo_home: Path, tmp_path: Path) -> None:
    settings = make_settings(demo_home, tmp_path / "log.db", api_key=KEY, background_load=True)
    with TestClient(create_app(settings)) as client:
        assert client.get("/docs").status_code == 401
        assert client.get("/openapi.json").status_code == 401
        docs = client.get("/docs", headers={"X-API-Key": KEY})
        assert docs.status_code == 200 and "https://" not in docs.text  # served from here, no CDN
        assert_secure_headers(docs)
        assert "'sha256-" in _policy(docs) and "'unsafe-inline'" not in _policy(docs).split("style-src")[0]
        schema = client.get("/openapi.json", headers={"X-API-Key": KEY})
        assert schema.status_code == 200 and f"{API}/clients/{{client_id}}/score" in schema.json()["paths"]
        assert client.get("/docs/static/swagger-ui-bundle.js").status_code == 200
    public = make_settings(
        demo_home, tmp_path / "log.db", api_key=KEY, docs_require_key=False, background_load=True
    )
    with TestClient(create_app(public)) as client:
        assert client.get("/docs").status_code == 200 and client.get("/openapi.json").status_code == 200


def test_a_body_too_large_is_a_413_without_traceback(
    demo_home: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = make_settings(demo_home, tmp_path / "log.db", max_body_bytes=4096)
    big = b'{"SK_ID_CURR": 1, "pad": "' + b"x" * 20_000 + b'"}'

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit applies while the body is read
        for start in range(0, len(big), 1000):
            yield big[start : start + 1000]

    with caplog.at_level(logging.INFO), TestClient(create_app(settings)) as client:
        before = client.get(f"{API}/metrics").text
        declared = client.post(f"{API}/score", content=big, headers={"Content-Type": "application/json"})
        streamed = client.post(f"{API}/score", content=chunks(), headers={"Content-Type": "application/json"})
        after = client.get(f"{API}/metrics").text
    for answer in (declared, streamed):
        assert answer.status_code == 413, answer.text
        assert answer.json()["detail"] == "request body too large" and answer.json()["request_id"]
    assert "Traceback" not in caplog.text and not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert _requests(after, "413") - _requests(before, "413") == 2
    assert _requests(after, "500") == _requests(before, "500")


def _requests(metrics: str, status: str) -> float:
    """Requests counted with this status, over every route."""
    lines = [line for line in metrics.splitlines() if line.startswith("scoring_http_requests_total{")]
    return sum(float(line.rsplit(" ", 1)[1]) for line in lines if f'status="{status}"' in line)


def test_iso_dates_are_accepted_where_a_time_is_expected(client: TestClient) -> None:
    day = client.get(f"{API}/monitoring/summary", params={"since": "2026-11-27", "until": "2026-11-28"})
    assert day.status_code == 200, day.text
    assert day.json()["since"] == "2026-11-27T00:00:00Z" and day.json()["until"] == "2026-11-28T00:00:00Z"
    moment = client.get(f"{API}/monitoring/summary", params={"since": "2026-11-27T10:00:00+01:00"})
    assert moment.json()["since"] == "2026-11-27T09:00:00Z"
    unix = client.get(f"{API}/monitoring/summary", params={"since": "1700000000"})
    assert unix.status_code == 422 and unix.json()["detail"][0]["field"] == "since"


def test_the_api_serves_while_its_log_database_is_down_then_ships(
    demo_home: Path, tmp_path: Path, stored_ids: dict[str, int]
) -> None:
    blocked = tmp_path / "db"
    blocked.write_text("a file where the database folder should be: every connection fails")
    settings: Settings = make_settings(demo_home, blocked / "log.db", log_max_backoff=0.2)
    with TestClient(create_app(settings)) as client:
        assert client.get(f"{API}/ready").status_code == 200
        for _ in range(5):
            assert client.get(f"{API}/clients/{stored_ids['train']}/score").status_code == 200
        log = client.app.state.log_writer
        assert not log.flush(timeout=1) and log.waiting >= 5
        assert "scoring_prediction_log_waiting_rows" in client.get(f"{API}/metrics").text
        assert client.get(f"{API}/monitoring/summary").status_code == 503
        blocked.unlink()
        blocked.mkdir()  # the database is back
        assert log.flush(timeout=20)
        assert client.get(f"{API}/monitoring/summary").status_code == 200
    assert len(read_predictions(open_log(settings.database_url))) == 5
    shutil.rmtree(blocked)


app_client, people = app_client_fixture, people_fixture  # the signed-in people of the oversight tests


def test_no_error_body_of_a_client_route_names_the_client(
    app_client: TestClient,  # noqa: F811 - the fixture above
    people: dict[str, dict[str, str]],  # noqa: F811
) -> None:
    """Every route with a client ID in its path, asked about an unknown client by an admin (every right):
    the body says "client not found" (or names the field at fault), never the ID."""
    unknown = "987654"
    routes = [
        (method.upper(), path.replace("{client_id}", unknown))
        for path, operations in app_client.app.openapi()["paths"].items()
        if "{client_id}" in path
        for method in operations
        if method in ("get", "post")
    ]
    assert len(routes) >= 8
    decision = {"decision": "accept", "reason_category": "verified-income", "justification": NOTE}
    for method, path in routes:
        answer = app_client.request(
            method, path, headers=people["admin"], json=decision if method == "POST" else None
        )
        assert 400 <= answer.status_code < 500, (path, answer.text)
        assert unknown not in answer.text, (method, path, answer.text)
    history = app_client.get(f"{API}/clients/{unknown}/decisions", headers=people["officer"])
    recorded = app_client.post(f"{API}/clients/{unknown}/decisions", headers=people["officer"], json=decision)
    for answer in (history, recorded):
        assert answer.status_code == 404 and answer.json()["detail"] == "client not found"
    french = {**people["officer"], "Accept-Language": "fr"}
    assert app_client.get(f"{API}/clients/{unknown}/decisions", headers=french).json()["detail"] == (
        "client introuvable"
    )


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"AMT_ANNUITY": 1e9, "AMT_CREDIT": 500_000.0}, ["AMT_ANNUITY", "AMT_CREDIT"]),  # the issue's
        (
            {"AMT_ANNUITY": 500_001.0, "AMT_CREDIT": 500_000.0},
            ["AMT_ANNUITY", "AMT_CREDIT"],
        ),  # under one month
        ({"DAYS_BIRTH": 0}, ["DAYS_BIRTH"]),
        ({"DAYS_BIRTH": -17 * 365}, ["DAYS_BIRTH"]),  # 17 years old
        ({"DAYS_BIRTH": -101 * 365}, ["DAYS_BIRTH"]),  # 101 years old
        ({"AMT_CREDIT": 0.01, "DAYS_BIRTH": 0}, ["AMT_CREDIT", "DAYS_BIRTH"]),  # schemathesis's
    ],
)
def test_implausible_applications_are_422s_naming_the_fields(
    client: TestClient, changes: dict, fields: list[str]
) -> None:
    answer = client.post(f"{API}/score", json={**APPLICATION, **changes})
    assert answer.status_code == 422, answer.text
    assert sorted(p["field"] for p in answer.json()["detail"]) == fields
    assert "500000" not in answer.text and "1000000000" not in answer.text
    batch = client.post(
        f"{API}/score/batch", json={"applications": [APPLICATION, {**APPLICATION, **changes}]}
    )
    assert batch.status_code == 422
    assert {p["field"].split(".", 2)[-1] for p in batch.json()["detail"]} == set(fields)


def test_plausible_edges_are_scored_and_told_in_french(client: TestClient) -> None:
    for changes in (
        {"DAYS_BIRTH": -6574, "AMT_CREDIT": 1000.0, "AMT_ANNUITY": 1000.0},  # 18 years (as the form), 1 month
        {"DAYS_BIRTH": -36525, "AMT_ANNUITY": 0.0},  # 100 years; no annuity: no term to check
    ):
        assert client.post(f"{API}/score", json={**APPLICATION, **changes}).status_code == 200
    french = client.post(
        f"{API}/score", json={**APPLICATION, "AMT_ANNUITY": 1e9}, headers={"Accept-Language": "fr"}
    ).json()["detail"]
    assert french[0] == {
        "field": "AMT_ANNUITY",
        "message": "ne doit pas dépasser AMT_CREDIT (une durée d'au moins une échéance)",
        "type": "implausible",
    }


def test_a_what_if_changing_both_amounts_is_checked_too(
    client: TestClient, stored_ids: dict[str, int]
) -> None:
    path = f"{API}/clients/{stored_ids['train']}/what-if"
    answer = client.post(path, json={"changes": {"AMT_CREDIT": 10_000.0, "AMT_ANNUITY": 20_000.0}})
    assert answer.status_code == 422
    assert sorted(p["field"] for p in answer.json()["detail"]) == [
        "changes.AMT_ANNUITY",
        "changes.AMT_CREDIT",
    ]
    assert client.post(path, json={"changes": {"DAYS_BIRTH": 0}}).status_code == 422


def test_the_schema_declares_the_key_only_when_one_is_required(demo_home: Path, tmp_path: Path) -> None:
    for key in (None, KEY * 3):
        settings = make_settings(demo_home, tmp_path / "log.db", api_key=key, background_load=True)
        with TestClient(create_app(settings)) as client:
            headers = {"X-API-Key": key} if key else {}
            schema = client.get("/openapi.json", headers=headers).json()
            assert ("APIKeyHeader" in schema["components"]["securitySchemes"]) is bool(key)
            model = schema["paths"][f"{API}/model"]["get"]["security"]
            health = schema["paths"][f"{API}/health"]["get"]
            if key:
                assert model == [{"APIKeyHeader": [], "SessionToken": []}, {"APIKeyHeader": []}]
                assert client.get(f"{API}/model").status_code == 401  # as declared
            else:
                assert model == [{"SessionToken": []}, {}]  # a session token or nothing
                assert client.get(f"{API}/model").status_code != 401  # as declared (503 while loading)
            assert "security" not in health
            reload = next(iter(schema["paths"][f"{API}/admin/reload"].values()))["security"]
            assert all("AdminKey" in requirement for requirement in reload)


def test_options_answers_agree_with_allow(demo_home: Path, tmp_path: Path) -> None:
    origin = "http://localhost:8050"
    settings = make_settings(demo_home, tmp_path / "log.db", cors_origins=[origin], background_load=True)
    with TestClient(create_app(settings)) as client:
        for path, allowed in ((f"{API}/model", "GET"), (f"{API}/score", "POST")):
            plain = client.options(path)
            assert plain.status_code == 405 and plain.headers["allow"] == allowed
            for method in ("GET", "POST"):
                asked = {"Origin": origin, "Access-Control-Request-Method": method}
                preflight = client.options(path, headers=asked)
                if method == allowed:
                    assert preflight.status_code == 200
                    assert preflight.headers["access-control-allow-methods"] == allowed
                else:  # not a method of the route: refused as Allow says
                    assert preflight.status_code == 405 and preflight.headers["allow"] == allowed
            stranger = client.options(path, headers={**asked, "Origin": "http://elsewhere.test"})
            assert stranger.status_code == 405 and "access-control-allow-origin" not in stranger.headers
        assert client.options(f"{API}/nowhere", headers=asked).status_code == 404
