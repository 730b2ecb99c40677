"""The prediction log: every score written, nothing lost across a restart, no client ID in clear."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select

from api.log_store import LogWriter
from api.main import create_app
from api.settings import Settings
from scoring.serving.prediction_log import (
    client_hash,
    open_log,
    predictions,
    read_predictions,
    read_requests,
)
from tests.api.conftest import API, APPLICATION


def _count(database: str) -> int:
    engine = create_engine(database)
    with engine.connect() as conn:
        return len(conn.execute(select(predictions.c.id)).all())


def test_every_score_survives_a_restart(settings: Settings, stored_ids: dict[str, int]) -> None:
    with TestClient(create_app(settings)) as client:
        for _ in range(5):
            assert client.get(f"{API}/clients/{stored_ids['train']}/score").status_code == 200
        assert client.post(f"{API}/score", json=APPLICATION).status_code == 200
        assert client.post(f"{API}/score", params={"what_if": True}, json=APPLICATION).status_code == 200
        batch = client.post(f"{API}/score/batch", json={"applications": [APPLICATION] * 4})
        assert batch.status_code == 200
        assert client.get(f"{API}/clients/1/score").status_code == 404
    assert _count(settings.database_url) == 11
    with TestClient(create_app(settings)) as client:
        client.post(f"{API}/score", json=APPLICATION)
    assert _count(settings.database_url) == 12
    kinds = read_predictions(open_log(settings.database_url))["kind"].value_counts().sort("kind")
    assert dict(kinds.iter_rows()) == {"application": 2, "batch": 4, "client": 5, "what-if": 1}


def test_rows_hold_the_model_input_and_a_salted_hash(settings: Settings, service, stored_ids) -> None:  # noqa: ANN001
    client_id = stored_ids["train"]
    with TestClient(create_app(settings)) as client:
        body = client.get(f"{API}/clients/{client_id}/score").json()
    engine = open_log(settings.database_url)
    frame = read_predictions(engine, with_features=True)
    row = frame.row(0, named=True)
    assert row["client_hash"] == client_hash(client_id, b"test-salt") != str(client_id)
    assert row["client_hash"] != client_hash(client_id, b"another-salt")
    assert row["probability"] == body["probability"] and row["decision"] == body["decision"]
    assert row["model_version"] == body["model_version"] and row["latency_ms"] > 0
    names = service.scorer.feature_names
    logged = frame.select(names).to_numpy()[0].astype(np.float32)
    stored = service.store.matrix[service.store.row(client_id)]
    assert np.array_equal(np.isnan(logged), np.isnan(stored))
    assert np.array_equal(logged[~np.isnan(logged)], stored[~np.isnan(stored)])
    with engine.connect() as conn:
        text = json.dumps([list(map(str, r)) for r in conn.execute(select(predictions)).all()])
    assert str(client_id) not in text


def test_requests_are_logged_with_route_templates(settings: Settings, stored_ids: dict[str, int]) -> None:
    with TestClient(create_app(settings)) as client:
        client.get(f"{API}/clients/{stored_ids['train']}")
        client.get(f"{API}/clients/1")
        client.get(f"{API}/health")
        client.post(f"{API}/score", json={})
    frame = read_requests(open_log(settings.database_url))
    assert sorted(frame["status_code"].to_list()) == [200, 404, 422]
    assert set(frame["route"]) == {"/api/v1/clients/{client_id}", "/api/v1/score"}


def test_window_of_the_readers(tmp_path: Path) -> None:
    engine = open_log(f"sqlite:///{tmp_path / 'log.db'}")
    writer = LogWriter(engine, tmp_path / "spill.jsonl", flush_seconds=0.01)
    writer.start()
    now = datetime.now(UTC).replace(tzinfo=None)
    for minutes in (0, 10, 20):
        writer.log_request(
            {
                "created_at": now - timedelta(minutes=minutes),
                "request_id": "r",
                "method": "GET",
                "route": "/x",
                "status_code": 200,
                "latency_ms": 1.0,
            }
        )
    writer.stop()
    frame = read_requests(engine, since=now - timedelta(minutes=15), until=now)
    assert len(frame) == 1 and frame["created_at"][0] == now - timedelta(minutes=10)


class FlakyEngine:
    """An engine whose first `failures` transactions fail."""

    def __init__(self, engine, failures: int) -> None:  # noqa: ANN001
        self.engine, self.failures = engine, failures

    def begin(self):  # noqa: ANN201
        if self.failures:
            self.failures -= 1
            raise ConnectionError("database unavailable")
        return self.engine.begin()


def _row(i: int) -> dict:
    return {
        "created_at": datetime(2024, 1, 1),
        "request_id": f"r{i}",
        "kind": "application",
        "model_version": "v",
        "client_hash": None,
        "features": b"\x00\x00\x00\x00",
        "probability": 0.5,
        "decision": "refuse",
        "threshold": 0.5,
        "latency_ms": 1.0,
    }


def test_a_failed_write_is_retried(tmp_path: Path) -> None:
    engine = open_log(f"sqlite:///{tmp_path / 'log.db'}")
    writer = LogWriter(FlakyEngine(engine, failures=2), tmp_path / "spill.jsonl", flush_seconds=0.01)
    writer.start()
    for i in range(7):
        writer.log_prediction(_row(i))
    writer.stop()
    assert len(read_predictions(engine)) == 7 and not (tmp_path / "spill.jsonl").exists()


def test_rows_the_database_refuses_at_shutdown_are_kept_on_disk(tmp_path: Path) -> None:
    engine = open_log(f"sqlite:///{tmp_path / 'log.db'}")
    writer = LogWriter(
        FlakyEngine(engine, failures=10_000), tmp_path / "spill.jsonl", flush_seconds=0.01, stop_attempts=2
    )
    writer.start()
    for i in range(3):
        writer.log_prediction(_row(i))
    writer.stop(timeout=60)
    spilled = pl.read_ndjson(tmp_path / "spill.jsonl")
    assert spilled["request_id"].to_list() == ["r0", "r1", "r2"] and set(spilled["table"]) == {"predictions"}
