"""The hash-chained audit trail: an intact chain verifies; an edited, inserted or deleted row is named;
appends from many threads form one chain; purge keeps the retention, moves the chain's start and logs
itself; export writes CSV."""

from __future__ import annotations

import csv
import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text

import scoring.db.audit as audit_module
from scoring.db.anchors import AnchorSettings, check_anchors, write_anchor
from scoring.db.audit import AuditEvent, append, purge_older_than, record, row_hash, verify
from scoring.db.engine import open_database, write_transaction
from scoring.db.export import export_csv
from scoring.db.tables import audit_log
from scoring.vocabulary import AuditAction
from tests.db.conftest import CLI


def fill(engine: Engine, rows: int) -> None:
    for number in range(rows):
        record(
            engine,
            AuditEvent(AuditAction.VIEW_CLIENT, CLI, client_hash=f"{number:064x}", detail={"n": number}),
        )


def test_intact_chain_verifies(engine: Engine) -> None:
    fill(engine, 5)
    result = verify(engine)
    assert result.ok and result.rows == 5 and (result.first_id, result.last_id) == (1, 5)
    with engine.connect() as conn:
        last = conn.execute(select(audit_log.c.row_hash).where(audit_log.c.id == 5)).scalar_one()
    assert result.head_hash == last
    assert "intact: 5 rows" in result.describe()


def test_edited_row_is_found(engine: Engine) -> None:
    fill(engine, 6)
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET detail = '{\"n\": 99}' WHERE id = 4"))
    result = verify(engine)
    assert not result.ok
    assert (result.problem.kind, result.problem.row) == ("edited", 4)
    assert "row 4 edited" in result.describe()


def test_edited_actor_with_its_hash_recomputed_breaks_the_next_link(engine: Engine) -> None:
    fill(engine, 4)
    with engine.begin() as conn:
        row = dict(conn.execute(select(audit_log).where(audit_log.c.id == 2)).mappings().one())
        row["actor"] = "someone-else"
        forged = row_hash(row["prev_hash"], row)
        conn.execute(
            audit_log.update().where(audit_log.c.id == 2).values(actor="someone-else", row_hash=forged)
        )
    result = verify(engine)
    assert (result.problem.kind, result.problem.row) == ("edited", 2)
    assert "row 3 no longer chains to row 2" in result.problem.message


def test_deleted_rows_are_found(engine: Engine) -> None:
    fill(engine, 6)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id IN (3, 4)"))
    result = verify(engine)
    assert (result.problem.kind, result.problem.row) == ("deleted", 3)
    assert "rows 3-4 deleted" in result.problem.message


def test_deleted_last_row_is_found(engine: Engine) -> None:
    fill(engine, 3)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id = 3"))
    assert (verify(engine).problem.kind, verify(engine).problem.row) == ("deleted", 3)


def test_inserted_row_is_found(engine: Engine) -> None:
    """A row appended with a correct-looking hash but behind the chain's back (its head not moved)."""
    fill(engine, 3)
    with engine.begin() as conn:
        last = dict(conn.execute(select(audit_log).where(audit_log.c.id == 3)).mappings().one())
        forged = {**last, "id": 4, "actor": "intruder", "prev_hash": last["row_hash"]}
        forged["row_hash"] = row_hash(forged["prev_hash"], forged)
        conn.execute(audit_log.insert().values(**forged))
    result = verify(engine)
    assert (result.problem.kind, result.problem.row) == ("inserted", 4)


def test_concurrent_appends_form_one_chain(engine: Engine) -> None:
    errors: list[BaseException] = []

    def worker(number: int) -> None:
        try:
            for i in range(10):
                with write_transaction(engine) as conn:
                    append(conn, [AuditEvent(AuditAction.SCORE, CLI, detail={"worker": number, "i": i})] * 2)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    result = verify(engine)
    assert result.ok and result.rows == 120
    with engine.connect() as conn:
        ids = conn.execute(select(audit_log.c.id).order_by(audit_log.c.id)).scalars().all()
    assert ids == list(range(1, 121))


def test_purge_removes_only_rows_older_than_the_retention_and_logs_itself(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = datetime.now(UTC)
    monkeypatch.setattr(audit_module, "utc_now", lambda: now - timedelta(days=200))
    fill(engine, 3)
    monkeypatch.setattr(audit_module, "utc_now", lambda: now - timedelta(days=10))
    fill(engine, 2)
    monkeypatch.undo()
    with pytest.raises(ValueError, match="within the retention of 183 days"):
        purge_older_than(engine, 183, CLI, now - timedelta(days=5))
    assert purge_older_than(engine, 183, CLI) == 3
    result = verify(engine)
    assert result.ok and (result.first_id, result.last_id, result.rows) == (4, 6, 3)
    with engine.connect() as conn:
        last = conn.execute(select(audit_log).where(audit_log.c.id == 6)).mappings().one()
    assert last["action"] == "audit-purged"
    assert json.loads(last["detail"])["deleted"] == 3
    assert purge_older_than(engine, 183, CLI) == 0
    with engine.begin() as conn:  # deleting the new first row is still seen
        conn.execute(text("DELETE FROM audit_log WHERE id = 4"))
    assert (verify(engine).problem.kind, verify(engine).problem.row) == ("deleted", 4)


def test_export_writes_the_window_as_csv_and_is_audited(sqlite_engine: Engine, tmp_path: Path) -> None:
    fill(sqlite_engine, 4)
    out = tmp_path / "audit.csv"
    since = datetime.now(UTC) - timedelta(hours=1)
    assert export_csv(sqlite_engine, out, CLI, since=since) == 4
    with out.open() as handle:
        rows = list(csv.DictReader(handle))
    assert [r["id"] for r in rows] == ["1", "2", "3", "4"]
    assert rows[0]["action"] == "view-client" and len(rows[0]["row_hash"]) == 64
    assert out.stat().st_mode & 0o777 == 0o600
    assert export_csv(sqlite_engine, tmp_path / "none.csv", CLI, until=since) == 0
    with sqlite_engine.connect() as conn:
        actions = conn.execute(select(audit_log.c.action).order_by(audit_log.c.id)).scalars().all()
    assert actions[-2:] == ["audit-exported", "audit-exported"]
    assert verify(sqlite_engine).ok


# -- anchors of the chain's end (scoring.db.anchors) ---------------------------------------------------------


def _anchor_settings(home: Path, **keys: object) -> AnchorSettings:
    return AnchorSettings(_env_file=None, home=home, **keys)


def test_anchors_detect_a_cut_end_on_both_databases(engine: Engine, tmp_path: Path) -> None:
    settings = _anchor_settings(tmp_path)
    fill(engine, 5)
    assert check_anchors(engine, settings).anchors == 0  # none yet: nothing to hold against the chain
    write_anchor(engine, settings, "interval")
    assert check_anchors(engine, settings).problem is None
    fill(engine, 2)  # rows after the last anchor are fine
    assert check_anchors(engine, settings).problem is None
    with write_transaction(engine) as conn:
        kept = conn.execute(select(audit_log.c.row_hash).where(audit_log.c.id == 4)).scalar_one()
        conn.execute(audit_log.delete().where(audit_log.c.id > 4))
        conn.execute(text("UPDATE audit_chain SET last_id = 4, last_hash = :h"), {"h": kept})
    assert verify(engine).ok  # the chain alone cannot tell
    assert "row 5 missing: the chain ends at row 4" in check_anchors(engine, settings).problem


def test_anchors_of_another_database_and_of_purged_rows_are_not_held_against_it(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    settings = _anchor_settings(tmp_path)
    other = open_database(f"sqlite:///{tmp_path / 'other.db'}")
    fill(other, 9)
    write_anchor(other, settings, "export")  # the same home once pointed at another database
    other.dispose()
    fill(sqlite_engine, 2)
    with write_transaction(sqlite_engine) as conn:  # rows past the retention
        conn.execute(audit_log.update().values(created_at=datetime.now(UTC) - timedelta(days=400)))
    write_anchor(sqlite_engine, settings, "export")  # anchors row 2
    fill(sqlite_engine, 1)
    assert purge_older_than(sqlite_engine, 183, CLI) == 2  # rows 1-2 gone, the chain starts at row 3
    result = check_anchors(sqlite_engine, settings)
    assert result.problem is None and result.anchors == 1 and result.last_anchored == 2


def test_anchor_key_rotation(sqlite_engine: Engine, tmp_path: Path) -> None:
    old, new = "old-anchor-key-0123456789abcdef", "new-anchor-key-0123456789abcdef"
    fill(sqlite_engine, 2)
    write_anchor(sqlite_engine, _anchor_settings(tmp_path, audit_anchor_key=old), "export")
    rotated = _anchor_settings(tmp_path, audit_anchor_key=new, audit_anchor_verify_keys=old)
    write_anchor(sqlite_engine, rotated, "export")
    assert (
        check_anchors(sqlite_engine, rotated).problem is None
        and check_anchors(sqlite_engine, rotated).anchors == 2
    )
    retired = _anchor_settings(tmp_path, audit_anchor_key=new)
    assert "anchor line 1" in check_anchors(sqlite_engine, retired).problem
