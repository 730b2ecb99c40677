"""The scheduler's jobs end to end on a synthetic home: drift on the log (PSI, estimated performance, alerts
notified to a local webhook), latency and errors from the request log, the schedule itself."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from api.main import create_app
from scoring.drift import cbpe
from scoring.home import Paths
from scoring.monitoring.heartbeat import age_seconds
from scoring.monitoring.scheduler import MonitoringJobs, build_scheduler
from scoring.monitoring.settings import MonitoringSettings
from scoring.serving.prediction_log import open_log, read_requests, requests
from tests.api.conftest import make_settings
from tests.monitoring.conftest import DAYS, FIRST_DAY, SALT, copy_home, log_season
from tests.monitoring.webhook import Receiver

SEASON_END = FIRST_DAY + timedelta(days=DAYS)


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.close()


@pytest.fixture(scope="module")
def jobs(
    monitoring_home: Paths, receiver: Receiver, tmp_path_factory: pytest.TempPathFactory
) -> MonitoringJobs:
    """Jobs on a copy of the home whose log holds a drifted season of applicants."""
    paths = Paths(tmp_path_factory.mktemp("scheduler") / "home")
    copy_home(monitoring_home.home, paths.home)
    url = f"sqlite:///{paths.home / 'log.db'}"
    log_season(paths, url, paths.home / "season", seed=31, drift={"ext_source": -0.2, "income": -0.4})
    settings = MonitoringSettings(
        _env_file=None,
        home=paths.home,
        database_url=url,
        log_salt=SALT,
        notify_urls=[receiver.url],
        drift_window_days=60,
        retrain_on_alert=False,
        latency_p99_ms=100,
        error_rate=0.02,
        min_requests=20,
    )
    return MonitoringJobs(settings)


def test_settings_refuse_a_bad_schedule() -> None:
    with pytest.raises(ValueError, match="crontab"):
        MonitoringSettings(_env_file=None, drift_cron="every day")


def test_schedule_has_the_three_jobs(jobs: MonitoringJobs) -> None:
    scheduler = build_scheduler(jobs)
    found = {job.id: job.trigger for job in scheduler.get_jobs()}
    assert set(found) == {"drift", "operations", "retrain", "heartbeat"}
    assert age_seconds(jobs.settings.paths) < 60
    start = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    assert found["drift"].get_next_fire_time(None, start) == datetime(2026, 3, 11, 6, 0, tzinfo=UTC)
    assert found["retrain"].get_next_fire_time(None, start) == datetime(2026, 4, 1, 3, 0, tzinfo=UTC)
    assert found["operations"].get_next_fire_time(None, start) == start


@pytest.mark.slow
def test_drift_job_writes_psi_and_estimate_and_notifies(jobs: MonitoringJobs, receiver: Receiver) -> None:
    before = len(receiver.messages)
    report = jobs.drift(now=SEASON_END)
    assert report["status"] == "done", report
    assert report["notified"] and set(report["notified"].values()) == {"sent"}
    titles = receiver.titles()[before:]
    assert "[credit scoring] Prediction drift" in titles and len(titles) == len(report["notified"])
    again = jobs.drift(now=SEASON_END)
    assert set(again["notified"].values()) == {"held back"}
    assert len(receiver.messages) == before + len(titles)

    settings = make_settings(jobs.settings.home, Path(jobs.settings.database.removeprefix("sqlite:///")))
    with TestClient(create_app(settings)) as client:
        trend = client.get("/api/v1/reports/drift-trend").json()
        assert len(trend) == 2 and trend[0]["created_at"] <= trend[1]["created_at"]
        point = trend[-1]
        assert point["current_source"] == "log" and point["current_rows"] > 900
        assert point["psi_score"] > 0.1 and point["psi_drifted_share"] > 0
        assert 0.5 < point["estimated_auc"] < 1 and point["estimated_default_rate"] > 0
        name = client.get("/api/v1/reports/drift").json()[0]["name"]
        summary = client.get(f"/api/v1/reports/drift/{name}/summary").json()
        assert summary["psi"]["score"]["critical"] < 0.05
        assert summary["estimated_performance"]["calibration"] == cbpe.BUNDLE  # the bundle is calibrated
        assert "prediction_drift" in summary["alert_kinds"]


def test_operations_job_alerts_on_latency_and_errors(jobs: MonitoringJobs, receiver: Receiver) -> None:
    now = datetime.now(UTC).replace(tzinfo=None)
    engine = open_log(jobs.settings.database)
    earlier = read_requests(engine, now - timedelta(hours=1), now).height  # e.g. the API of another test
    rows = [
        {
            "created_at": now - timedelta(minutes=5),
            "request_id": f"r{i}",
            "method": "GET",
            "route": "/api/v1/clients/{client_id}/score",
            "status_code": 500 if i % 10 == 0 else 200,
            "latency_ms": 400.0 if i % 4 == 0 else 5.0,
        }
        for i in range(40)
    ]
    with engine.begin() as conn:
        conn.execute(requests.insert(), rows)
    report = jobs.operations()
    assert report["requests"] == earlier + 40
    assert report["notified"] == {"latency": "sent", "error_rate": "sent"}
    assert jobs.operations()["notified"] == {"latency": "held back", "error_rate": "held back"}
    assert create_engine(jobs.settings.database).dialect.name == "sqlite"
