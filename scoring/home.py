"""The scoring home's layout: every file and folder the product reads or writes, under one root, and the size
of the demo home.

The root comes from SCORING_HOME (read by `scoring.settings`, whose `get_paths` gives the configured home's
`Paths`); nothing else in the code writes a file name of the home by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEMO_CLIENTS = 30_000
TEST_SHARE = 48_744 / 307_511


@dataclass(frozen=True)
class Paths:
    """Every directory and file of the pipeline and the services, under one home directory."""

    home: Path

    @property
    def data(self) -> Path:
        return self.home / "data"

    @property
    def raw(self) -> Path:
        return self.data / "raw"

    @property
    def synthetic(self) -> Path:
        return self.raw / "synthetic"

    @property
    def interim(self) -> Path:
        return self.data / "interim"

    @property
    def manifest(self) -> Path:
        return self.interim / "manifest.json"

    @property
    def ground_truth(self) -> Path:
        return self.interim / "ground_truth.parquet"

    @property
    def processed(self) -> Path:
        return self.data / "processed"

    @property
    def features(self) -> Path:
        return self.processed / "features.parquet"

    @property
    def feature_dictionary(self) -> Path:
        return self.processed / "feature_dictionary.json"

    @property
    def runtime(self) -> Path:
        """Files the services write while running (databases, spools, salts, metrics): git-ignored."""
        return self.data / "runtime"

    @property
    def predictions_db(self) -> Path:
        return self.runtime / "predictions.db"

    @property
    def undelivered(self) -> Path:
        """Rows an older API version could not deliver at shutdown: replayed through the spool at start."""
        return self.runtime / "predictions_undelivered.jsonl"

    @property
    def audit_undelivered(self) -> Path:
        """Audit rows the database refused when the API stopped (appended to the trail at the next start)."""
        return self.runtime / "audit_undelivered.jsonl"

    @property
    def spool(self) -> Path:
        """The prediction log's local spool: per-worker append-only segments waiting for the database."""
        return self.runtime / "spool"

    @property
    def log_salt(self) -> Path:
        return self.runtime / ".log_salt"

    @property
    def metrics(self) -> Path:
        """Prometheus multiprocess folder of the API's workers (emptied at each start)."""
        return self.runtime / "metrics"

    @property
    def reload_request(self) -> Path:
        """The latest request to swap the served model (every API worker watches it)."""
        return self.runtime / "reload_request.json"

    @property
    def reload_lock(self) -> Path:
        """Held by the API worker loading a new model, so that workers swap one at a time."""
        return self.runtime / "reload.lock"

    @property
    def workers(self) -> Path:
        """One status file per API worker: model version served, last reload handled, error."""
        return self.runtime / "workers"

    @property
    def notifications(self) -> Path:
        """When each alert was last notified (de-duplication of the scheduler's messages)."""
        return self.runtime / "notifications.json"

    @property
    def scheduler_heartbeat(self) -> Path:
        """Written every minute by `scoring scheduler` (its health check reads the time)."""
        return self.runtime / "scheduler_heartbeat"

    @property
    def models(self) -> Path:
        return self.home / "models"

    @property
    def model_history(self) -> Path:
        """Every retrain decision (challenger against champion, figures, promoted or not)."""
        return self.models / "history.json"

    @property
    def champion(self) -> Path:
        return self.models / "champion.json"

    @property
    def reports(self) -> Path:
        return self.home / "reports"

    @property
    def drift_reports(self) -> Path:
        return drift_reports_in(self.reports)

    @property
    def drift_index(self) -> Path:
        return self.drift_reports / "index.json"

    @property
    def retrain_reports(self) -> Path:
        """One folder per retrain: the challenger's model card and the comparison."""
        return self.reports / "retrain"

    @property
    def mlflow_db(self) -> Path:
        return self.home / "mlflow.db"

    @property
    def mlruns(self) -> Path:
        return self.home / "mlruns"


def drift_reports_in(reports: Path) -> Path:
    """The drift reports' folder of a reports folder (the API may serve reports from another place)."""
    return reports / "drift"
