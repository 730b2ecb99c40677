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
from tests.api.test_reports import _reports

PAYLOAD = "<img src=x onerror=alert(document.domain)>"
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
