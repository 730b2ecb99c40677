"""Settings of the API: the shared `ScoringSettings` plus what only the API reads (prefix SCORING_)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import NoDecode

from scoring.config import drift_reports_in
from scoring.settings import ScoringSettings

DASHBOARD_ORIGIN = "http://127.0.0.1:8050"


class Settings(ScoringSettings):
    """Everything the API reads at start-up; paths default to those under SCORING_HOME."""

    api_key: SecretStr | None = None
    cors_origins: Annotated[list[str], NoDecode] = [DASHBOARD_ORIGIN]
    models_dir: Path | None = None
    model_version: str | None = None
    features_path: Path | None = None
    dictionary_path: Path | None = None
    interim_dir: Path | None = None
    reports_dir: Path | None = None
    max_batch: int = Field(default=1000, ge=1)
    max_body_bytes: int = Field(default=16_000_000, ge=1024)
    log_flush_seconds: float = Field(default=0.5, gt=0)
    background_load: bool = True
    precompute_explanations: bool = True

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @property
    def drift_dir(self) -> Path:
        """The drift reports' folder (index.json and one folder per report) of the reports folder."""
        return drift_reports_in(self.reports_dir or self.paths.reports)

    def resolved(self) -> Settings:
        """A copy with every path and the database URL filled in from `home`."""
        paths = self.paths
        return self.model_copy(
            update={
                "models_dir": self.models_dir or paths.models,
                "features_path": self.features_path or paths.features,
                "dictionary_path": self.dictionary_path or paths.feature_dictionary,
                "interim_dir": self.interim_dir or paths.interim,
                "reports_dir": self.reports_dir or paths.reports,
                "database_url": self.database,
            }
        )
