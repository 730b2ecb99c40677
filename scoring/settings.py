"""The one settings base: read from the environment (prefix SCORING_) or a .env file, typed, failing fast.

The API, the dashboard, drift and tracking read their settings through subclasses of `ScoringSettings`;
nothing else reads `os.environ`. Paths are derived from `home` (SCORING_HOME) through `scoring.config.Paths`.
DATABASE_URL and MLFLOW_TRACKING_URI are also read without the prefix, the names platforms and MLflow use.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from scoring.config import PROJECT_ROOT, Paths
from scoring.explain.points import PointsScale
from scoring.io import PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, temporary_path


class ScoringSettings(BaseSettings):
    """Where the scoring home is and which databases it uses; subclassed by each app."""

    model_config = SettingsConfigDict(
        env_prefix="SCORING_", env_file=".env", extra="ignore", env_ignore_empty=True
    )

    home: Path = PROJECT_ROOT
    database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("SCORING_DATABASE_URL", "DATABASE_URL"),
        description="Prediction log and product database (default: SQLite in <home>/data/runtime/)",
    )
    mlflow_tracking_uri: str | None = Field(
        default=None,
        validation_alias=AliasChoices("SCORING_MLFLOW_TRACKING_URI", "MLFLOW_TRACKING_URI"),
        description="MLflow tracking store (default: SQLite <home>/mlflow.db, artifacts in <home>/mlruns)",
    )
    log_salt: SecretStr | None = Field(default=None, description="Salt of the client-ID hashes")
    points_base: float = Field(default=600.0, description="Score points at the reference odds")
    points_odds: float = Field(default=19.0, gt=0, description="Reference odds good:bad")
    points_pdo: float = Field(default=50.0, gt=0, description="Points to double the odds")
    audit_retention_days: int = Field(
        default=183, ge=1, description="Audit rows younger than this are never purged (default: 6 months)"
    )
    max_debt_service_ratio: float | None = Field(
        default=None,
        gt=0,
        le=1,
        description="Cap on all instalments over income (default: scoring/offer/affordability.json, 0.35)",
    )
    stress_rate_points: float | None = Field(
        default=None,
        ge=0,
        lt=1,
        description="Added to the rate when testing affordability (default: affordability.json, 0.02)",
    )

    @property
    def paths(self) -> Paths:
        return Paths(self.home.resolve())

    @property
    def points_scale(self) -> PointsScale:
        """The score points of the API, the letters and batch scoring."""
        return PointsScale(self.points_base, self.points_odds, self.points_pdo)

    @property
    def database(self) -> str:
        """The database URL: the configured one, else SQLite in the home's runtime folder."""
        return self.database_url or f"sqlite:///{self.paths.predictions_db}"

    @property
    def tracking_uri(self) -> str:
        return self.mlflow_tracking_uri or f"sqlite:///{self.paths.mlflow_db}"

    def runtime_dir(self) -> Path:
        """The home's runtime folder, created private (0700) when missing."""
        folder = self.paths.runtime
        folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
        return folder

    def salt(self) -> bytes:
        """SCORING_LOG_SALT, else a random salt kept in the runtime folder (stable across restarts)."""
        if self.log_salt is not None:
            return self.log_salt.get_secret_value().encode()
        path = self.paths.log_salt
        if not path.exists():
            write_secret_once(path, secrets.token_hex(32))
        return path.read_text().strip().encode()


def write_secret_once(path: Path, secret: str) -> None:
    """Write a generated secret 0600 (its folder 0700; the temporary file is 0600 from its creation),
    atomically and never replacing one that another process wrote first: the first writer's secret wins."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    tmp = temporary_path(path)
    tmp.write_text(secret)
    tmp.chmod(PRIVATE_FILE_MODE)
    with contextlib.suppress(FileExistsError):
        os.link(tmp, path)
    tmp.unlink()


def comma_separated(value: object) -> object:
    """A list setting given as one comma-separated string in the environment (empty parts dropped)."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value
