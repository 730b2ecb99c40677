"""Settings of the API, read from the environment (prefix SCORING_, e.g. SCORING_API_KEY) or a .env file.

DATABASE_URL is also read without the prefix, the name hosting platforms use for PostgreSQL.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path
from typing import Annotated

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from scoring.config import Paths, get_paths

DASHBOARD_ORIGIN = "http://127.0.0.1:8050"


class Settings(BaseSettings):
    """Everything the API reads at start-up; paths default to those under SCORING_HOME."""

    model_config = SettingsConfigDict(env_prefix="SCORING_", env_file=".env", extra="ignore")

    home: Path = Field(default_factory=lambda: get_paths().home)
    api_key: SecretStr | None = None
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("SCORING_DATABASE_URL", "DATABASE_URL")
    )
    cors_origins: Annotated[list[str], NoDecode] = [DASHBOARD_ORIGIN]
    models_dir: Path | None = None
    model_version: str | None = None
    features_path: Path | None = None
    dictionary_path: Path | None = None
    interim_dir: Path | None = None
    reports_dir: Path | None = None
    log_salt: SecretStr | None = None
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
    def paths(self) -> Paths:
        return Paths(self.home.resolve())

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
                "database_url": self.database_url or f"sqlite:///{paths.data / 'predictions.db'}",
            }
        )

    def salt(self) -> bytes:
        """LOG_SALT, else a random salt kept in <home>/data/.log_salt (stable hashes across restarts)."""
        if self.log_salt is not None:
            return self.log_salt.get_secret_value().encode()
        path = self.paths.data / ".log_salt"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{secrets.token_hex(4)}.tmp")
            tmp.write_text(secrets.token_hex(32))
            tmp.chmod(0o600)
            with contextlib.suppress(FileExistsError):
                os.link(tmp, path)  # atomic: the first worker's salt wins
            tmp.unlink()
        return path.read_text().strip().encode()
