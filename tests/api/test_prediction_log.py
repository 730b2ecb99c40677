"""The prediction log: every score written, nothing lost across a restart, no client ID in clear."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, event, select

from api.log_store import PredictionLog, spool_for
from api.main import create_app
from api.settings import Settings
from scoring.db.engine import WRITER_CACHE_MB
from scoring.serving.log_privacy import identifiers
from scoring.serving.prediction_log import (
    client_hash,
    open_log,
    predictions,
    read_predictions,
    read_requests,
)
from tests.api.conftest import API, APPLICATION


def _count(database: str) -> int:
    return len(_request_ids(database))


def _request_ids(database: str) -> list[str]:
    engine = create_engine(database)
    with engine.connect() as conn:
        return sorted(conn.execute(select(predictions.c.request_id)).scalars())


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


def test_rows_hold_the_minimised_input_and_a_salted_hash(settings: Settings, service, stored_ids) -> None:  # noqa: ANN001
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
    kept = [n for n in frame.columns if n in names]
    assert 0 < len(kept) <= 50 and not set(kept) & identifiers()
    stored = service.store.matrix[service.store.row(client_id)][[names.index(n) for n in kept]]
    logged = frame.select(kept).to_numpy()[0].astype(np.float32)
    assert np.array_equal(np.isnan(logged), np.isnan(stored))
    assert np.array_equal(logged[~np.isnan(logged)], stored[~np.isnan(stored)])
    with engine.connect() as conn:
        text = json.dumps([list(map(str, r)) for r in conn.execute(select(predictions)).all()])
    assert str(client_id) not in text


def test_the_log_cannot_single_out_a_client_by_age_and_income(
    settings: Settings,
    service,  # noqa: ANN001
    demo_home: Path,
) -> None:
    """The issue's linkage: every logged row matched exactly one client of features.parquet on gender, age and
    income. Now gender is not stored, age and income only as bands that several clients share."""
    with TestClient(create_app(settings)) as client:
        for client_id in service.store.ids[:40].tolist():
            assert client.get(f"{API}/clients/{client_id}/score").status_code == 200
    logged = read_predictions(open_log(settings.database_url), with_features=True)
    assert not {"APP_CODE_GENDER", "APP_DAYS_BIRTH", "APP_AMT_INCOME_TOTAL"} & set(logged.columns)
    clients = pl.read_parquet(demo_home / "data" / "processed" / "features.parquet")
    days, incomes = clients["APP_DAYS_BIRTH"].to_numpy(), clients["APP_AMT_INCOME_TOTAL"].to_numpy()
    ages = -days / 365.25
    model_features = set(service.scorer.feature_names)
    assert ("INCOME_BAND" in logged.columns) == ("APP_AMT_INCOME_TOTAL" in model_features)
    assert ("AGE_BAND_YEARS" in logged.columns) == ("APP_DAYS_BIRTH" in model_features)
    candidates = []
    for row in logged.iter_rows(named=True):
        same = np.ones(len(clients), dtype=bool)  # a band the model does not use is not even logged
        if (age_band := row.get("AGE_BAND_YEARS")) is not None:
            assert age_band % 5 == 0
            same &= (ages >= age_band) & (ages < age_band + 5)
        if (income_band := row.get("INCOME_BAND")) is not None:
            unit = 10.0 ** np.floor(np.log10(income_band))
            assert income_band / unit == int(income_band / unit)
            same &= (incomes >= income_band) & (incomes < income_band + unit)
        candidates.append(int(same.sum()))
    exact = [int(((days == d) & (incomes == i)).sum()) for d, i in zip(days[:40], incomes[:40], strict=True)]
    assert exact.count(1) == 40  # what the issue found: exact age and income name each client
    assert sum(c == 1 for c in candidates) <= 4 and np.median(candidates) >= 10


def test_requests_are_logged_with_route_templates(settings: Settings, stored_ids: dict[str, int]) -> None:
    with TestClient(create_app(settings)) as client:
        client.get(f"{API}/clients/{stored_ids['train']}")
        client.get(f"{API}/clients/1")
        client.get(f"{API}/health")
        client.post(f"{API}/score", json={})
    frame = read_requests(open_log(settings.database_url))
    assert sorted(frame["status_code"].to_list()) == [200, 404, 422]
    assert set(frame["route"]) == {"/api/v1/clients/{client_id}", "/api/v1/score"}


def test_log_files_are_private(settings: Settings, stored_ids: dict[str, int]) -> None:
    spool = spool_for(settings.paths.spool, settings.database_url)
    with TestClient(create_app(settings)) as client:
        client.get(f"{API}/clients/{stored_ids['train']}/score")
        segments = list(spool.glob("*"))
        assert segments and all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in segments)
    database = Path(settings.database_url.removeprefix("sqlite:///"))
    for path in (database, database.with_name(database.name + "-wal")):
        if path.exists():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    for folder in (settings.paths.runtime, settings.paths.spool, spool):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


def _request_row(i: int, when: datetime) -> dict:
    return {
        "created_at": when,
        "request_id": f"r{i}",
        "method": "GET",
        "route": "/x",
        "status_code": 200,
        "latency_ms": 1.0,
    }


def _prediction_row(i: int) -> dict:
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


def test_window_of_the_readers(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'log.db'}"
    log = PredictionLog(url, tmp_path / "spool", flush_seconds=0.01)
    log.start()
    now = datetime.now(UTC).replace(tzinfo=None)
    for minutes in (0, 10, 20):
        log.log_request(_request_row(minutes, now - timedelta(minutes=minutes)))
    assert log.stop() == 0
    frame = read_requests(open_log(url), since=now - timedelta(minutes=15), until=now)
    assert len(frame) == 1 and frame["created_at"][0] == now - timedelta(minutes=10)


def _unwritable_url(tmp_path: Path) -> str:
    """A SQLite URL whose folder is a file: every connection fails."""
    (tmp_path / "not-a-folder").write_text("")
    return f"sqlite:///{tmp_path / 'not-a-folder' / 'log.db'}"


def test_rows_wait_on_disk_while_the_database_refuses_them(tmp_path: Path, caplog) -> None:  # noqa: ANN001
    spool = tmp_path / "spool"
    log = PredictionLog(_unwritable_url(tmp_path), spool, flush_seconds=0.01, max_backoff=0.05)
    for i in range(7):
        log.log_prediction(_prediction_row(i))
    with caplog.at_level("WARNING", logger="api.log_store"):
        log.start()
        assert not log.flush(timeout=0.5)
        assert log.waiting == 7
        assert log.stop(timeout=0.2) == 7
    assert "7 rows waiting" in caplog.text and "7 rows not delivered at shutdown" in caplog.text
    assert sum(p.read_bytes().count(b"\n") for p in spool.glob("*.jsonl")) == 7
    url = f"sqlite:///{tmp_path / 'log.db'}"
    later = PredictionLog(url, spool, flush_seconds=0.01)  # the next start ships them
    later.start()
    assert later.flush(timeout=10)
    assert later.stop() == 0
    assert _request_ids(url) == [f"r{i}" for i in range(7)]
    assert list(spool.iterdir()) == []


def test_a_dead_workers_rows_are_shipped_once(tmp_path: Path) -> None:
    spool, url = tmp_path / "spool", f"sqlite:///{tmp_path / 'log.db'}"
    dead = PredictionLog(url, spool)
    for i in range(5):
        dead.log_prediction(_prediction_row(i))
    segment = next(spool.glob("*.jsonl"))
    with segment.open("ab") as handle:
        handle.write(b'{"table": "predictions", "request_id": "cut')  # its last write, cut by SIGKILL
    os.close(dead.spool._lock_fd)  # what the kernel does when the worker dies: its lock is free
    copy = segment.read_bytes()
    survivor = PredictionLog(url, spool, flush_seconds=0.01)
    survivor.start()
    assert survivor.flush(timeout=10)
    segment.write_bytes(copy)  # as if the survivor had died between the commit and the deletion
    survivor._next_scan = 0
    assert survivor.flush(timeout=10)
    assert survivor.stop() == 0
    assert _request_ids(url) == [f"r{i}" for i in range(5)]
    assert list(spool.iterdir()) == []


def test_the_undelivered_file_of_older_versions_is_replayed(settings: Settings) -> None:
    settings.runtime_dir()
    legacy = settings.paths.undelivered
    rows = [{"table": "predictions", **_prediction_row(i), "features": "AAAAAA=="} for i in range(3)]
    for row in rows:
        row["created_at"] = row["created_at"].isoformat()
    legacy.write_text("".join(json.dumps(r) + "\n" for r in rows))
    with TestClient(create_app(settings)) as client:
        assert client.app.state.log_writer.flush(timeout=10)
    assert not legacy.exists()
    assert _request_ids(settings.database_url) == ["r0", "r1", "r2"]


def test_rows_the_database_refuses_are_set_aside_not_retried_forever(tmp_path: Path, caplog) -> None:  # noqa: ANN001
    spool, url = tmp_path / "spool", f"sqlite:///{tmp_path / 'log.db'}"
    log = PredictionLog(url, spool, flush_seconds=0.01)
    broken = {k: v for k, v in _prediction_row(0).items() if k != "probability"}  # NOT NULL column missing
    log.log_prediction(broken)
    log.spool.rotate()
    log.log_prediction(_prediction_row(1))
    with caplog.at_level("ERROR", logger="api.log_store"):
        log.start()
        assert log.flush(timeout=10)
        assert log.stop() == 0
    assert _request_ids(url) == ["r1"]
    rejected = list(spool.glob("*.rejected"))
    assert len(rejected) == 1 and b'"r0"' in rejected[0].read_bytes()
    assert "refuses segment" in caplog.text


def test_the_shipper_keeps_its_connection_and_replaces_it_after_a_failure(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'log.db'}"
    log = PredictionLog(url, tmp_path / "spool", flush_seconds=0.01, max_backoff=0.01)
    opened: list[int] = []
    event.listen(log.engine, "connect", lambda connection, _record: opened.append(id(connection)))
    log.start()
    for i in range(3):
        log.log_prediction(_prediction_row(i))
        assert log.flush(timeout=10)
    assert len(opened) == 1  # one connection for every delivery
    with log.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -WRITER_CACHE_MB * 1024
    before = len(opened)
    with sqlite3.connect(tmp_path / "log.db") as conn:  # the next delivery fails: the table is gone
        conn.execute("ALTER TABLE predictions RENAME TO predictions_away")
    log.log_prediction(_prediction_row(3))
    assert not log.flush(timeout=0.3)
    with sqlite3.connect(tmp_path / "log.db") as conn:
        conn.execute("ALTER TABLE predictions_away RENAME TO predictions")
    assert log.flush(timeout=10)
    assert log.stop() == 0
    assert len(opened) - before >= 2  # each try after a failure on a new connection
    assert _request_ids(url) == [f"r{i}" for i in range(4)]
