"""Settings of the monitoring loop (prefix SCORING_, `.env`): schedules, alert thresholds, notification
targets, the promotion rule and where the API is. A subclass of the one settings base."""

from __future__ import annotations

import warnings
from typing import Annotated

from apscheduler.triggers.cron import CronTrigger
from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import NoDecode

from scoring.drift import defaults as drift_defaults
from scoring.settings import ScoringSettings, comma_separated

RENAMED_KEY = (
    "SCORING_API_KEY is the old name of the scheduler's key to the API: rename it SCORING_SCHEDULER_API_KEY "
    "in the scheduler's environment (SCORING_API_KEY now means only the keys the API accepts; the old name "
    "is read for the scheduler until the next release)"
)


class MonitoringSettings(ScoringSettings):
    """What the scheduler runs and when, what alerts, who is told, and when a challenger is promoted."""

    api_url: str = Field(default="http://127.0.0.1:8000", description="The API told to reload a new champion")
    admin_key: SecretStr | None = Field(default=None, description="The API's admin key (reload endpoint)")
    api_key: SecretStr | None = Field(
        default=None,
        validation_alias="SCORING_SCHEDULER_API_KEY",
        description="The key the scheduler sends the API (X-API-Key): a service key, one of the API's "
        "SCORING_SERVICE_API_KEY(S)",
    )
    renamed_api_key: SecretStr | None = Field(
        default=None,
        validation_alias="SCORING_API_KEY",
        description="Deprecated: the old name of SCORING_SCHEDULER_API_KEY, read (with a warning) when that "
        "is unset, until the next release",
    )
    timezone: str = Field(default="UTC", description="Time zone of the cron expressions")
    drift_cron: str = Field(default="0 6 * * *", description="Drift check of the log (cron, daily 06:00)")
    drift_window_days: int = Field(default=1, ge=1, description="Days of the log each drift check reads")
    drift_min_rows: int = Field(
        default=drift_defaults.MIN_ROWS, ge=1, description="Fewer logged applications: no drift verdict"
    )
    drift_share: float = Field(
        default=drift_defaults.DRIFT_SHARE, gt=0, le=1, description="Alert when this share of features drift"
    )
    auc_drop: float = Field(
        default=drift_defaults.AUC_DROP,
        gt=0,
        lt=1,
        description="Alert when the estimated AUC falls this far below the training's",
    )
    operations_cron: str = Field(default="*/15 * * * *", description="Latency and error check (cron)")
    operations_window_minutes: int = Field(
        default=60, ge=1, description="Minutes of requests each latency and error check reads"
    )
    latency_p99_ms: float = Field(default=200.0, gt=0, description="Alert when p99 latency exceeds this")
    error_rate: float = Field(default=0.01, gt=0, le=1, description="Alert when this share of requests fail")
    min_requests: int = Field(default=50, ge=1, description="No latency/error alert on fewer requests")
    retrain_cron: str = Field(default="0 3 1 * *", description="Monthly retrain (cron, 1st at 03:00)")
    retrain_on_alert: bool = Field(default=True, description="Retrain after a drift or performance alert")
    retrain_cooldown_days: float = Field(default=7.0, ge=0, description="No retrain on alert within this")
    notify_urls: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="apprise URLs, comma-separated (mailtos://, slack://, json://...)"
    )
    notify_period_hours: float = Field(default=24.0, gt=0, description="One message per alert per period")
    retrain_window_days: int = Field(default=90, ge=1, description="Out-of-time window of the comparison")
    retrain_min_window: int = Field(default=500, ge=10, description="Labelled clients the window needs")
    retrain_min_defaults: int = Field(default=20, ge=1, description="Defaults the window needs")
    promote_auc_margin: float = Field(default=0.005, ge=0, description="AUC gain a challenger needs")
    promote_cost_margin: float = Field(default=0.0, ge=0, lt=1, description="Relative cost cut it needs")
    promote_ece_tolerance: float = Field(default=0.01, ge=0, description="ECE it may lose")
    promote_fairness_tolerance: float = Field(default=0.02, ge=0, description="Approval ratio it may lose")
    retrain_folds: int = Field(default=5, ge=2, description="Folds of the retrain's cross-validation")
    retrain_tune_trials: int = Field(default=0, ge=0, description="Optuna trials of a retrain (0: no tuning)")

    @model_validator(mode="after")
    def _old_key_name(self) -> MonitoringSettings:
        """The scheduler's key under its old name, when the new one is unset (one release)."""
        if self.api_key is None and self.renamed_api_key is not None:
            warnings.warn(RENAMED_KEY, FutureWarning, stacklevel=2)
            self.api_key = self.renamed_api_key
        return self

    @field_validator("notify_urls", mode="before")
    @classmethod
    def _split_urls(cls, value: object) -> object:
        return comma_separated(value)

    @field_validator("drift_cron", "operations_cron", "retrain_cron")
    @classmethod
    def _cron(cls, value: str) -> str:
        try:
            CronTrigger.from_crontab(value)
        except ValueError as exc:
            raise ValueError(f"not a crontab expression (minute hour day month weekday): {exc}") from None
        return value
