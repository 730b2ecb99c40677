"""The `scale` compose profile and what it relies on: replicas of the API image behind nginx, one PostgreSQL
log whose time index serves the drift job's window (EXPLAIN on PostgreSQL)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, event, text

from scoring.drift.log import log_sample
from scoring.features.feature import ModelFeature
from scoring.serving.prediction_log import encode_features, open_log, predictions, register_model
from tests.delivery.balancer import NGINX_CONF, nginx_binary, render
from tests.delivery.compose import load_compose, service_environment

START = datetime(2026, 1, 1)
ROWS, DAYS = 40_000, 100


@pytest.fixture(scope="module")
def services() -> dict:
    return load_compose()["services"]


def test_scale_profile_runs_single_worker_replicas_of_the_api_image_behind_nginx(services: dict) -> None:
    replica, balancer = services["api-replica"], services["balancer"]
    assert replica["profiles"] == balancer["profiles"] == ["scale"]
    assert replica["image"] == services["api"]["image"] and "build" not in replica
    assert replica["deploy"]["replicas"] == "${API_REPLICAS:-2}"
    env, api_env = service_environment(replica), service_environment(services["api"])
    assert (env["API_WORKERS"], env["SCORING_BACKGROUND_LOAD"]) == ("1", "false")
    for shared in ("DATABASE_URL", "SCORING_LOG_SALT", "SCORING_API_KEY"):
        assert env[shared] == api_env[shared], shared
    assert "ports" not in replica  # reached through the balancer only
    assert replica["depends_on"] == services["api"]["depends_on"]
    assert "./docker/nginx/nginx.conf:/etc/nginx/nginx.conf:ro" in balancer["volumes"]
    assert balancer["ports"] == ["127.0.0.1:8080:8080"] and "listen 8080;" in NGINX_CONF.read_text()
    assert balancer["depends_on"] == {"api-replica": {"condition": "service_healthy"}}


def test_nginx_configuration_is_valid_and_retries_only_what_is_safe(tmp_path: Path) -> None:
    conf = tmp_path / "nginx.conf"
    conf.write_text(render([8001, 8002], 8080, tmp_path))
    check = subprocess.run(
        [nginx_binary(), "-t", "-c", str(conf), "-p", str(tmp_path)], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr
    text_ = NGINX_CONF.read_text()
    assert "proxy_next_upstream error timeout http_502 http_503 http_504;" in text_
    assert "non_idempotent" not in text_  # a POST that reached a replica is never scored twice
    assert "$uri" not in text_ and "$request " not in text_  # no client ID in the access log


@pytest.fixture
def statements() -> Iterator[list[tuple[str, dict]]]:
    """Every SQL statement any engine runs while the test runs."""
    seen: list[tuple[str, dict]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _many) -> None:  # noqa: ANN001
        seen.append((statement, parameters))

    event.listen(Engine, "before_cursor_execute", capture)
    yield seen
    event.remove(Engine, "before_cursor_execute", capture)


def _fill(url: str) -> None:
    engine = open_log(url)
    register_model(engine, "v1", ["f"])
    step = timedelta(days=DAYS) / ROWS
    row = {"request_id": "r", "kind": "client", "model_version": "v1", "client_hash": "h"}
    row |= {"features": encode_features([0.5]), "probability": 0.1, "decision": "accept", "threshold": 0.5}
    with engine.begin() as conn:
        conn.execute(
            predictions.insert(),
            [{**row, "created_at": START + i * step, "latency_ms": 1.0} for i in range(ROWS)],
        )
        conn.execute(text("ANALYZE predictions"))
    engine.dispose()


def _plan_nodes(plan: dict) -> Iterator[dict]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _plan_nodes(child)


def test_drift_window_reads_the_log_through_its_time_index(fresh_database: str, statements: list) -> None:
    _fill(fresh_database)
    since, until = START + timedelta(days=50), START + timedelta(days=51)
    sample = log_sample(fresh_database, [ModelFeature.from_metadata({"name": "f"})], since, until)
    assert sample.details["logged_rows"] == pytest.approx(ROWS / DAYS, abs=2)
    [(query, parameters)] = [(s, p) for s, p in statements if "FROM predictions" in s]
    engine = create_engine(fresh_database)
    with engine.connect() as conn:
        raw = conn.connection.driver_connection.execute(f"EXPLAIN (FORMAT JSON) {query}", parameters)
        plan = raw.fetchone()[0][0]["Plan"]
    engine.dispose()
    nodes = list(_plan_nodes(plan))
    scans = {(n["Node Type"], n.get("Index Name")) for n in nodes if n.get("Relation Name") == "predictions"}
    assert ("Seq Scan", None) not in scans, json.dumps(plan, indent=1)
    indexed = {n.get("Index Name") for n in nodes if n["Node Type"] in ("Index Scan", "Bitmap Index Scan")}
    assert "ix_predictions_created_at" in indexed, json.dumps(plan, indent=1)
