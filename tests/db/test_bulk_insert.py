"""Rows inserted through `insert_rows` are stored as SQLAlchemy's own insert stores them (the prediction log's
rows, skipping those delivered again, and the audit trail's, with its UTC timestamps), on SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Table, select

from scoring.db.bulk_insert import insert_rows
from scoring.db.engine import open_database
from scoring.db.tables import audit_log, predictions
from tests.db.conftest import fresh_postgres

PREDICTION = {
    "created_at": datetime(2026, 12, 6, 1, 2, 3, 4),
    "request_id": "r",
    "kind": "client",
    "model_version": "v",
    "client_hash": None,
    "features": b"\x00\x01",
    "probability": 0.25,
    "decision": "accept",
    "threshold": 0.1,
    "latency_ms": 1.5,
    "rules": None,
}
AUDIT = {
    "created_at": datetime(2026, 12, 6, 1, 2, 3, 4, tzinfo=UTC),
    "actor": "service",
    "actor_id": None,
    "role": None,
    "action": "score",
    "client_hash": "ab" * 32,
    "target": None,
    "detail": '{"route": "/api/v1/score", "status": 200}',
    "source": "127.0.0.1",
    "request_id": "r",
    "prev_hash": "0" * 64,
    "row_hash": "1" * 64,
}


@pytest.mark.parametrize(
    ("table", "rows", "skip"),
    [
        (predictions, [{**PREDICTION, "row_key": f"segment:{n}"} for n in range(3)], "row_key"),
        (audit_log, [{**AUDIT, "id": n, "request_id": f"r{n}"} for n in range(1, 4)], None),
    ],
)
def test_rows_are_stored_as_sqlalchemy_stores_them(
    request: pytest.FixtureRequest, database_url: str, table: Table, rows: list[dict], skip: str | None
) -> None:
    other = (
        database_url.replace("scoring.db", "other.db")
        if database_url.startswith("sqlite")
        else fresh_postgres(request.getfixturevalue("postgres_url"))
    )
    stored = []
    for fast, url in ((True, database_url), (False, other)):
        engine = open_database(url)
        with engine.begin() as conn:
            if fast:
                insert_rows(conn, table, rows, skip_existing=skip)
                if skip:
                    insert_rows(conn, table, rows[1:], skip_existing=skip)  # a batch delivered again
            else:
                conn.execute(table.insert(), rows)
        with engine.connect() as conn:
            stored.append(conn.execute(select(table).order_by(table.c.id)).all())
        engine.dispose()
    assert stored[0] == stored[1] and len(stored[0]) == 3
