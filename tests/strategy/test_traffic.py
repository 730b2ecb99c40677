"""The prediction log's traffic: applications scored per day in the window, what-ifs and older rows aside."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from scoring.db.engine import open_database
from scoring.db.tables import predictions
from scoring.strategy.traffic import scores_per_day

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def test_scores_per_day_over_the_window(tmp_path: Path) -> None:
    engine = open_database(f"sqlite:///{tmp_path / 'scoring.db'}")
    assert scores_per_day(engine, 7, NOW) is None  # no traffic: no refer volume
    row = {"request_id": "r", "model_version": "v", "features": b"", "probability": 0.1}
    row |= {"decision": "accept", "threshold": 0.2, "latency_ms": 1.0}
    naive = NOW.replace(tzinfo=None)
    rows = [row | {"kind": "client", "created_at": naive - timedelta(hours=5 * i)} for i in range(1, 29)]
    rows += [row | {"kind": "what-if", "created_at": naive - timedelta(hours=1)}]  # not an application
    rows += [row | {"kind": "batch", "created_at": naive - timedelta(days=8)}]  # before the window
    rows += [row | {"kind": "application", "created_at": naive + timedelta(hours=1)}]  # after `now`
    with engine.begin() as conn:
        conn.execute(predictions.insert(), rows)
    assert scores_per_day(engine, 7, NOW) == 28 / 7
    assert scores_per_day(engine, 1, NOW) == 4.0  # 5, 10, 15, 20 hours ago
