"""Notifications through apprise to a local webhook receiver: content, de-duplication per period, failures."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from scoring.monitoring.alerts import Alert, catalogue, drift_alerts, operations_alerts
from scoring.monitoring.notify import FAILED, HELD, SENT, Notifier, NotifyError
from scoring.vocabulary import AlertKind
from tests.monitoring.webhook import Receiver

T0 = datetime(2026, 5, 1, 6, 0, tzinfo=UTC)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.close()


def _notifier(receiver: Receiver, tmp_path: Path) -> Notifier:
    return Notifier([receiver.url], tmp_path / "runtime" / "notifications.json", timedelta(hours=24))


def test_every_alert_kind_has_meaning_and_action() -> None:
    entries = catalogue()
    for kind in AlertKind:
        assert entries[kind.value]["title"] and entries[kind.value]["action"]


def test_one_message_per_alert_per_period(receiver: Receiver, tmp_path: Path) -> None:
    notifier = _notifier(receiver, tmp_path)
    drift = Alert(AlertKind.DATA_DRIFT, ["share of drifted features 0.40 >= threshold 0.30"])
    assert notifier.notify([drift], T0) == {"data_drift": SENT}
    message = receiver.messages[0]
    assert message["title"] == "[credit scoring] Data drift"
    assert "share of drifted features 0.40" in message["message"] and "What to do:" in message["message"]
    latency = Alert(AlertKind.LATENCY, ["p99 latency 900 ms"])
    assert notifier.notify([drift, latency], T0 + timedelta(hours=1)) == {"data_drift": HELD, "latency": SENT}
    assert notifier.notify([drift], T0 + timedelta(hours=2)) == {"data_drift": HELD}
    assert receiver.titles() == ["[credit scoring] Data drift", "[credit scoring] Slow scoring"]
    assert notifier.notify([drift], T0 + timedelta(hours=25)) == {"data_drift": SENT}
    assert "2 repeat(s) of this alert held back" in receiver.messages[-1]["message"]


def test_failed_delivery_is_tried_again(receiver: Receiver, tmp_path: Path) -> None:
    notifier = _notifier(receiver, tmp_path)
    alert = Alert(AlertKind.ERROR_RATE, ["12 of 100 requests failed"])
    receiver.status = 500
    assert notifier.notify([alert], T0) == {"error_rate": FAILED}
    receiver.status = 200
    assert notifier.notify([alert], T0 + timedelta(minutes=15)) == {"error_rate": SENT}
    assert len(receiver.messages) == 1


def test_unusable_url_is_refused_without_showing_secrets(tmp_path: Path) -> None:
    with pytest.raises(NotifyError) as error:
        Notifier(["nosuchscheme://token:secret@host/path"], tmp_path / "n.json", timedelta(hours=1))
    assert "secret" not in str(error.value) and "nosuchscheme://host/" in str(error.value)


def test_operations_alerts_need_enough_requests() -> None:
    frame = pl.DataFrame(
        {"latency_ms": [10.0] * 95 + [900.0] * 5, "status_code": [200] * 97 + [503] * 3},
        schema={"latency_ms": pl.Float64, "status_code": pl.Int64},
    )
    kinds = [a.kind for a in operations_alerts(frame, latency_p99_ms=200, error_rate=0.01, min_requests=50)]
    assert kinds == [AlertKind.LATENCY, AlertKind.ERROR_RATE]
    assert operations_alerts(frame, 1000, 0.05, 50) == []
    assert operations_alerts(frame, 200, 0.01, min_requests=500) == []


def test_drift_summary_alerts_are_grouped_by_kind() -> None:
    summary = {
        "name": "run",
        "current": {"description": "log", "rows": 500},
        "alert_details": [
            {"kind": "data_drift", "message": "a"},
            {"kind": "data_drift", "message": "b"},
            {"kind": "performance_drop", "message": "c"},
        ],
    }
    alerts = drift_alerts(summary)
    assert [(a.kind, a.details) for a in alerts] == [
        (AlertKind.DATA_DRIFT, ["a", "b"]),
        (AlertKind.PERFORMANCE_DROP, ["c"]),
    ]
