"""The API's audit rows of reads and scores: on local disk before the response leaves, delivered once even
when a segment is delivered again, a response withheld when its row cannot be kept, the head anchored."""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from api.audit_trail import AUDITED, AuditWriter
from api.identity import UserCache
from api.main import create_app
from api.spool import SpoolError
from scoring.db.anchors import check_anchors
from scoring.db.audit import HASHED, row_hash, text_of
from scoring.db.engine import WRITER_CACHE_MB, open_database
from scoring.db.tables import audit_log
from tests.api.conftest import API, make_settings


def _rows(engine: Engine) -> list:
    with engine.connect() as conn:
        return conn.execute(select(audit_log).order_by(audit_log.c.id)).all()


def test_the_row_is_on_disk_before_the_response_and_in_the_trail_after(
    demo_home: Path, tmp_path: Path
) -> None:
    settings = make_settings(
        demo_home, tmp_path / "db.sqlite", log_flush_seconds=3600, precompute_explanations=False
    )
    with TestClient(create_app(settings)) as client:
        client_id = int(client.app.state.scoring.service.store.ids[0])
        answer = client.get(f"{API}/clients/{client_id}/score", headers={"X-Request-ID": "probe-1"})
        assert answer.status_code == 200
        writer = client.app.state.audit_writer
        spooled = b"".join(p.read_bytes() for p in writer.spool.directory.glob("*.jsonl"))
        assert b'"request_id":"probe-1"' in spooled  # the writer has not run yet: the row waits on disk
        assert writer.flush()
        engine = client.app.state.scoring.engine
        (row,) = [r for r in _rows(engine) if r.request_id == "probe-1"]
        assert row.action == "score" and json.loads(row.detail)["status"] == 200
        assert writer.engine is not engine  # its own connection, its page cache kept between deliveries
        with writer.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -WRITER_CACHE_MB * 1024
    engine = open_database(settings.resolved().database_url)
    result = check_anchors(engine, settings)  # the shutdown anchored the head
    assert result.problem is None and result.anchors >= 1 and result.last_anchored == row.id
    engine.dispose()


def test_a_response_is_withheld_when_its_audit_row_cannot_be_kept(demo_home: Path, tmp_path: Path) -> None:
    settings = make_settings(demo_home, tmp_path / "db.sqlite", precompute_explanations=False)
    with TestClient(create_app(settings)) as client:
        client_id = int(client.app.state.scoring.service.store.ids[0])

        def full_disk(note: dict) -> None:
            raise SpoolError("audit spool not writable: [Errno 28] No space left on device")

        client.app.state.audit_writer.note = full_disk
        refused = client.get(f"{API}/clients/{client_id}")
        assert refused.status_code == 503 and "audit trail cannot be written" in refused.json()["detail"]
        assert str(client_id) not in refused.text
        assert client.get(f"{API}/model").status_code == 200  # not an audited route


def test_a_segment_delivered_twice_is_appended_once(tmp_path: Path) -> None:
    """A worker killed after the commit but before deleting its segment: another delivers it again."""
    engine = open_database(f"sqlite:///{tmp_path / 'db.sqlite'}")
    spool = tmp_path / "spool"
    writer = AuditWriter(engine, UserCache(engine, 10), b"salt", spool, flush_seconds=3600)
    note = {"action": "score", "user_id": None, "client_id": 100002, "route": "/api/v1/score"}
    note |= {"method": "POST", "status": 200, "source": "127.0.0.1"}
    for request_id in ("r-1", "r-2", "r-1"):  # a caller may reuse a request id: two rows still
        writer.note({**note, "request_id": request_id})
    writer.spool.rotate()
    (segment,) = writer.spool.pending()
    copy = tmp_path / "copy.jsonl"
    shutil.copy(segment.path, copy)
    assert writer._cycle()
    assert [r.request_id for r in _rows(engine)] == ["r-1", "r-2", "r-1"]
    shutil.copy(copy, spool / "4242-deadbeef-000000.jsonl")  # a dead worker's segment, already delivered
    writer._next_scan = 0.0
    assert writer._cycle()
    assert len(_rows(engine)) == 3 and not list(spool.glob("*.jsonl"))
    writer.spool.close()
    engine.dispose()


def test_a_segment_tried_again_after_its_commit_is_appended_once(tmp_path: Path, monkeypatch) -> None:
    """The worker's own segment committed, then not deleted (the delivery failed after the commit): the retry
    looks up what the trail holds, as for a dead worker's segment."""
    engine = open_database(f"sqlite:///{tmp_path / 'db.sqlite'}")
    writer = AuditWriter(engine, UserCache(engine, 10), b"salt", tmp_path / "spool", flush_seconds=3600)
    note = {"action": "score", "user_id": None, "client_id": 100002, "route": "/api/v1/score"}
    writer.note(note | {"method": "POST", "status": 200, "source": "127.0.0.1", "request_id": "r-1"})
    delete = writer.spool.done

    def failing(segment: object) -> None:
        raise OSError("spool folder removed")

    monkeypatch.setattr(writer.spool, "done", failing)
    assert not writer._cycle()
    assert len(_rows(engine)) == 1 and len(writer.spool.pending()) == 1
    monkeypatch.setattr(writer.spool, "done", delete)
    assert writer._cycle(final=True)
    assert [r.request_id for r in _rows(engine)] == ["r-1"] and not writer.spool.pending()
    writer.spool.close()
    engine.dispose()


def test_the_api_anchors_the_head_at_its_interval(demo_home: Path, tmp_path: Path) -> None:
    settings = make_settings(
        demo_home, tmp_path / "db.sqlite", audit_anchor_seconds=0.1, precompute_explanations=False
    )
    with TestClient(create_app(settings)) as client:
        client_id = int(client.app.state.scoring.service.store.ids[0])
        assert client.get(f"{API}/clients/{client_id}/score").status_code == 200
        engine = client.app.state.scoring.engine
        deadline = time.monotonic() + 30
        while (
            check := check_anchors(engine, settings)
        ).last_anchored is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert check.problem is None and check.last_anchored == 1
        lines = settings.anchor_file().read_text().splitlines()
        assert any(json.loads(line)["reason"] == "interval" for line in lines)


def test_every_route_that_reads_or_scores_a_client_is_audited(tmp_path: Path) -> None:
    """A route naming a client is in the audit map, except those with rows of their own: a decision
    (`decision`/`override`), a letter (`letter-issued`) and a case taken from the worklist (`case-taken`)."""
    own_rows = {
        ("POST", "/clients/{client_id}/decisions"),
        ("GET", "/clients/{client_id}/notice"),
        ("POST", "/worklist/{client_id}/take"),
    }
    app = create_app(make_settings(tmp_path, tmp_path / "log.db"))
    routes = {
        (method.upper(), path.removeprefix(API))
        for path, operations in app.openapi()["paths"].items()
        for method in operations
        if "{client_id}" in path
    }
    assert routes, "no client route found"
    missing = {path for method, path in routes - own_rows if path not in AUDITED}
    assert missing == set()


def test_row_hashes_are_sha256_of_the_sorted_json_of_the_fields() -> None:
    row = {name: None for name in HASHED}
    row |= {"id": 7, "created_at": datetime(2026, 12, 6, 17, 3, 4, 5, tzinfo=UTC), "action": "score"}
    row |= {"actor": 'Zoé "the \\ officer"\n\u2028😀\x01', "detail": json.dumps({"route": "/x"})}
    canonical = json.dumps({name: text_of(row[name]) for name in HASHED}, sort_keys=True, ensure_ascii=False)
    expected = hashlib.sha256(f"{'0' * 64}\n{canonical}".encode()).hexdigest()
    assert row_hash("0" * 64, row) == expected
