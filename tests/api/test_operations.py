"""Probes, readiness while loading or after a failed load, generic 500, API key, CORS, metrics."""

from __future__ import annotations

import logging
import os
import re
import stat
import threading
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from api.main import create_app
from scoring.vocabulary import Decision
from tests.api.conftest import API, APPLICATION, make_settings


def test_health_and_ready(client: TestClient) -> None:
    assert client.get(f"{API}/health").json() == {"status": "ok"}
    ready = client.get(f"{API}/ready")
    assert ready.status_code == 200 and ready.json()["status"] == "ready" and ready.json()["clients"] > 0


def test_not_ready_while_loading(demo_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()
    from api import state as state_module

    real_load = state_module.load_service

    def slow_load(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        release.wait(10)
        return real_load(*args, **kwargs)

    monkeypatch.setattr(state_module, "load_service", slow_load)
    settings = make_settings(demo_home, tmp_path / "log.db", background_load=True)
    with TestClient(create_app(settings)) as client:
        assert client.get(f"{API}/health").status_code == 200
        loading = client.get(f"{API}/ready")
        assert loading.status_code == 503 and loading.json()["status"] == "loading"
        assert client.get(f"{API}/model").status_code == 503
        release.set()
        client.app.state.scoring.loaded.wait(30)
        assert client.get(f"{API}/ready").status_code == 200
        assert client.get(f"{API}/model").status_code == 200


def test_failed_load_is_reported(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "empty-home", tmp_path / "log.db")
    with TestClient(create_app(settings)) as client:
        ready = client.get(f"{API}/ready")
        assert ready.status_code == 503 and ready.json()["status"] == "failed"
        assert "champion.json" in ready.json()["detail"]
        assert client.get(f"{API}/health").status_code == 200
        assert client.post(f"{API}/score", json=APPLICATION).status_code == 503


def test_a_failing_model_call_gives_a_generic_500(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    scorer = client.app.state.scoring.service.scorer

    def broken(X: np.ndarray, threads: int = 1) -> np.ndarray:
        raise RuntimeError(f"booster exploded on AMT_CREDIT={X[0, 0]} secret-internal-detail")

    monkeypatch.setattr(scorer, "predict", broken)
    with caplog.at_level(logging.ERROR, logger="api.errors"):
        response = client.post(f"{API}/score", json=APPLICATION, headers={"X-Request-ID": "trace-me-42"})
    assert response.status_code == 500
    assert response.json() == {"detail": "internal server error", "request_id": "trace-me-42"}
    assert response.headers["x-request-id"] == "trace-me-42"
    assert "secret-internal-detail" not in response.text and "450000" not in response.text
    assert "trace-me-42" in caplog.text and "secret-internal-detail" in caplog.text


def test_request_ids(client: TestClient) -> None:
    generated = client.get(f"{API}/health").headers["x-request-id"]
    assert len(generated) == 32
    assert client.get(f"{API}/health", headers={"X-Request-ID": "abc-1"}).headers["x-request-id"] == "abc-1"
    unsafe = client.get(f"{API}/health", headers={"X-Request-ID": "bad id\twith spaces"}).headers[
        "x-request-id"
    ]
    assert unsafe != "bad id\twith spaces"


def test_api_key(demo_home: Path, tmp_path: Path) -> None:
    settings = make_settings(demo_home, tmp_path / "log.db", api_key="s3cret")
    with TestClient(create_app(settings)) as client:
        for path in ("/model", "/clients", "/monitoring/summary", "/reports/drift", "/explain/global"):
            assert client.get(f"{API}{path}").status_code == 401
            assert client.get(f"{API}{path}", headers={"X-API-Key": "wrong"}).status_code == 401
            assert client.get(f"{API}{path}", headers={"X-API-Key": "s3cret"}).status_code == 200
        assert client.post(f"{API}/score", json=APPLICATION).status_code == 401
        for path in ("/health", "/ready", "/metrics"):
            assert client.get(f"{API}{path}").status_code == 200


def test_cors_only_for_the_dashboard(client: TestClient) -> None:
    allowed = client.get(f"{API}/health", headers={"Origin": "http://127.0.0.1:8050"})
    assert allowed.headers["access-control-allow-origin"] == "http://127.0.0.1:8050"
    other = client.get(f"{API}/health", headers={"Origin": "http://evil.example"})
    assert "access-control-allow-origin" not in other.headers
    preflight = client.options(
        f"{API}/score",
        headers={"Origin": "http://127.0.0.1:8050", "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 200


def mentions(text: str, value: object) -> bool:
    """Whether `value` appears in `text` as a whole word (100002 is not in 0.5030858410000292)."""
    return re.search(rf"(?<![\w.]){re.escape(str(value))}(?![\w.])", text) is not None


def test_mentions_matches_whole_words_only() -> None:
    assert mentions("client 100002 scored", 100002) and mentions("id=100002", 100002)
    assert not mentions("0.5030858410000292", 100002) and not mentions("a100002b", 100002)


def metric_samples(client: TestClient) -> list:
    """Every labelled sample of /metrics (the counters are per process: compare before and after)."""
    families = text_string_to_metric_families(client.get(f"{API}/metrics").text)
    return [sample for family in families for sample in family.samples]


def client_decisions(samples: list) -> float:
    return sum(
        s.value for s in samples if s.name == "scoring_decisions_total" and s.labels["kind"] == "client"
    )


def test_metrics_count_requests_and_decisions(client: TestClient, stored_ids: dict[str, int]) -> None:
    before = client_decisions(metric_samples(client))
    client.get(f"{API}/clients/{stored_ids['train']}/score")
    samples = metric_samples(client)
    route = "/api/v1/clients/{client_id}/score"
    assert any(
        s.name == "scoring_http_request_duration_seconds_bucket" and s.labels.get("route") == route
        for s in samples
    )
    assert client_decisions(samples) == before + 1
    decisions = {s.labels["decision"] for s in samples if s.name == "scoring_decisions_total"}
    assert decisions <= set(Decision)  # the registry is the process's: other modules' referrals too
    labels = " ".join(f"{k}={v}" for s in samples for k, v in s.labels.items())
    assert not mentions(labels, stored_ids["train"])


def test_access_log_has_route_templates_not_values(
    client: TestClient, stored_ids: dict[str, int], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="api.access"):
        client.get(f"{API}/clients/{stored_ids['train']}/score")
        client.post(f"{API}/score", json=APPLICATION)
    assert "/api/v1/clients/{client_id}/score 200" in caplog.text
    assert not mentions(caplog.text, stored_ids["train"]) and not mentions(caplog.text, 450000)


def test_cli_serves_with_uvicorn(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from api import server
    from api.__main__ import app

    calls = {}
    for name in ("PROMETHEUS_MULTIPROC_DIR", "SCORING_BACKGROUND_LOAD"):
        monkeypatch.setenv(name, "")  # restored (unset) after the test
        monkeypatch.delenv(name)
    monkeypatch.setenv("SCORING_HOME", str(tmp_path))
    monkeypatch.setenv("SCORING_ALLOW_OPEN", "true")  # 0.0.0.0 without an API key: a lab
    stale = tmp_path / "data" / "runtime" / "metrics" / "counter_123.db"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"a previous run's counts")

    def run(target: str, **kwargs: object) -> None:
        calls.update(target=target, **kwargs)
        folder = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
        calls["metrics"] = (folder, sorted(folder.iterdir()), stat.S_IMODE(folder.stat().st_mode))
        (folder / "counter_456.db").write_bytes(b"this run's counts")

    monkeypatch.setattr(server.uvicorn, "run", run)
    result = CliRunner().invoke(app, ["--host", "0.0.0.0", "--port", "9001", "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert calls["target"] == "api.main:create_app" and calls["factory"] is True
    assert (calls["host"], calls["port"], calls["workers"], calls["access_log"]) == (
        "0.0.0.0",
        9001,
        2,
        False,
    )
    folder, contents, mode = calls["metrics"]  # metrics aggregated over the workers, in the home
    assert folder == tmp_path / "data" / "runtime" / "metrics" and contents == [] and mode == 0o700
    assert list(folder.iterdir()) == []  # emptied again when the server stops
    assert calls["log_config"]["loggers"]["api.access"]["level"] == "INFO"
    assert os.environ["SCORING_BACKGROUND_LOAD"] == "false"  # a worker accepts only once loaded
