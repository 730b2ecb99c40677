"""`scoring scheduler`: the monitoring loop on a schedule (APScheduler, cron expressions in UTC by default).

- drift, daily: `scoring drift --current log` on the last `drift_window_days` of the prediction log; its
  alerts (data drift, prediction drift, estimated performance drop) are notified, and with
  `retrain_on_alert` a retrain follows (at most once per `retrain_cooldown_days`); the calibration watch of
  the labelled clients (`scoring.monitoring.calibration_watch`) notifies a calibration shift;
- operations, every 15 minutes: p99 latency and the share of server errors over the last
  `operations_window_minutes`, notified above their limits;
- retrain, monthly: `scoring retrain`; a promoted challenger is announced and the API told to reload it.

Each job runs alone (no overlap), a missed run is run once when the scheduler is back (within an hour).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import httpx
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Engine

from scoring.drift.errors import DriftError, InsufficientData
from scoring.drift.run import LOG, DriftRequest, run_drift
from scoring.drift.settings import DriftSettings
from scoring.io import PRIVATE_DIR_MODE
from scoring.modeling.train import TrainConfig
from scoring.monitoring.alerts import Alert, drift_alerts, operations_alerts
from scoring.monitoring.calibration_watch import calibration_alerts, calibration_watch
from scoring.monitoring.challenger import PromotionRule
from scoring.monitoring.heartbeat import INTERVAL_SECONDS, beat
from scoring.monitoring.history import PROMOTED, read_history
from scoring.monitoring.labelled import RetrainError
from scoring.monitoring.notify import Notifier
from scoring.monitoring.outcomes import labelled_scores
from scoring.monitoring.retrain import RetrainRequest, retrain
from scoring.monitoring.settings import MonitoringSettings
from scoring.serving.prediction_log import open_log, read_requests
from scoring.serving.reload import request_reload
from scoring.vocabulary import AlertKind

logger = logging.getLogger(__name__)
JOBS = ("drift", "operations", "retrain")
MISFIRE_GRACE_SECONDS = 3600


def reload_api(settings: MonitoringSettings) -> str:
    """Ask the API to load the new champion: POST /admin/reload with the admin key, else (no key, or the
    API unreachable) the reload request file of the shared scoring home, which every worker watches."""
    if settings.admin_key is not None:
        headers = {"X-Admin-Key": settings.admin_key.get_secret_value()}
        if settings.api_key is not None:
            headers["X-API-Key"] = settings.api_key.get_secret_value()
        try:
            answer = httpx.post(
                f"{settings.api_url.rstrip('/')}/api/v1/admin/reload", headers=headers, timeout=10
            )
            answer.raise_for_status()
            return f"reload requested from {settings.api_url} (request {answer.json()['request_id']})"
        except httpx.HTTPError as exc:
            logger.warning("reload through %s failed (%s): using the reload file", settings.api_url, exc)
    settings.paths.runtime.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    request = request_reload(settings.paths)
    return f"reload requested in {settings.paths.reload_request} (request {request['id']})"


def retrain_request(settings: MonitoringSettings, engine: Engine, track: bool = True) -> RetrainRequest:
    """The retrain the settings describe (window, minimums, promotion margins, folds, tuning)."""
    rule = PromotionRule(
        settings.promote_auc_margin,
        settings.promote_cost_margin,
        settings.promote_ece_tolerance,
        settings.promote_fairness_tolerance,
    )
    config = TrainConfig(
        folds=settings.retrain_folds, tune_trials=settings.retrain_tune_trials, track=track, progress=False
    )
    return RetrainRequest(
        settings.paths,
        engine,
        settings.salt(),
        settings.retrain_window_days,
        settings.retrain_min_window,
        settings.retrain_min_defaults,
        rule,
        config,
    )


class MonitoringJobs:
    """The scheduled jobs, each callable on its own (`scoring scheduler --run-once JOB`)."""

    def __init__(self, settings: MonitoringSettings) -> None:
        self.settings = settings
        settings.runtime_dir()
        self.engine = open_log(settings.database)
        period = timedelta(hours=settings.notify_period_hours)
        self.notifier = Notifier(settings.notify_urls, settings.paths.notifications, period)

    def _notify(self, alerts: list[Alert]) -> dict[str, str]:
        outcome = self.notifier.notify(alerts) if alerts else {}
        for kind, what in outcome.items():
            logger.info("alert %s: %s", kind, what)
        return outcome

    def drift(self, now: datetime | None = None) -> dict:
        s = self.settings
        now = now or datetime.now(UTC)
        since = (now - timedelta(days=s.drift_window_days)).replace(tzinfo=None).isoformat()
        settings = DriftSettings(drift_share=s.drift_share, min_rows=s.drift_min_rows, auc_drop=s.auc_drop)
        request = DriftRequest(
            LOG, since, now.replace(tzinfo=None).isoformat(), settings, database_url=s.database, paths=s.paths
        )
        calibration = self._notify(
            calibration_alerts(calibration_watch(labelled_scores(self.engine, with_features=True)))
        )
        try:
            result = run_drift(request)
        except InsufficientData as exc:
            return {
                "job": "drift",
                "status": "insufficient data",
                "detail": str(exc),
                "calibration": calibration,
            }
        except DriftError as exc:
            logger.error("drift check failed: %s", exc)
            return {"job": "drift", "status": "error", "detail": str(exc)}
        alerts = drift_alerts(result.summary)
        report = {
            "job": "drift",
            "status": "done",
            "report": result.directory.name,
            "notified": self._notify(alerts),
            "calibration": calibration,
        }
        if alerts and s.retrain_on_alert and self._retrain_due(now):
            report["retrain"] = self.retrain()
        return report

    def _retrain_due(self, now: datetime) -> bool:
        history = read_history(self.settings.paths.model_history)
        if not history:
            return True
        last = datetime.fromisoformat(history[-1]["decided_at"])
        return now - last >= timedelta(days=self.settings.retrain_cooldown_days)

    def operations(self, now: datetime | None = None) -> dict:
        s = self.settings
        now = (now or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)
        requests = read_requests(self.engine, now - timedelta(minutes=s.operations_window_minutes), now)
        alerts = operations_alerts(requests, s.latency_p99_ms, s.error_rate, s.min_requests)
        return {"job": "operations", "requests": requests.height, "notified": self._notify(alerts)}

    def retrain(self) -> dict:
        try:
            decision = retrain(retrain_request(self.settings, self.engine))
        except RetrainError as exc:
            logger.error("retrain failed: %s", exc)
            return {"job": "retrain", "status": "error", "detail": str(exc)}
        report = {"job": "retrain", "status": decision["outcome"], "challenger": decision["challenger"]}
        if decision["outcome"] == PROMOTED:
            report["reload"] = reload_api(self.settings)
            details = [f"model {decision['challenger']} replaces {decision['champion']}", report["reload"]]
            self._notify([Alert(AlertKind.MODEL_PROMOTED, details, {"version": decision["challenger"]})])
        return report

    def run(self, job: str) -> dict:
        if job not in JOBS:
            raise ValueError(f"unknown job {job!r}: one of {', '.join(JOBS)}")
        return getattr(self, job)()


def build_scheduler(jobs: MonitoringJobs) -> BlockingScheduler:
    """A blocking scheduler with the three jobs on their cron expressions, and a heartbeat every minute."""
    s = jobs.settings
    scheduler = BlockingScheduler(timezone=s.timezone)
    beat(s.paths)
    scheduler.add_job(beat, IntervalTrigger(seconds=INTERVAL_SECONDS), args=[s.paths], id="heartbeat")
    for name, cron in (
        ("drift", s.drift_cron),
        ("operations", s.operations_cron),
        ("retrain", s.retrain_cron),
    ):
        scheduler.add_job(
            jobs.run,
            CronTrigger.from_crontab(cron, timezone=s.timezone),
            args=[name],
            id=name,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=MISFIRE_GRACE_SECONDS,
        )
    return scheduler
