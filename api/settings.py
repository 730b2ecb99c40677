"""Settings of the API: the shared `ScoringSettings` plus what only the API reads (prefix SCORING_)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import NoDecode

from scoring.config import drift_reports_in
from scoring.explain.recourse import RecourseTerms
from scoring.notice.content import Lender
from scoring.settings import ScoringSettings
from scoring.vocabulary import Language

DASHBOARD_ORIGIN = "http://127.0.0.1:8050"


class Settings(ScoringSettings):
    """Everything the API reads at start-up; paths default to those under SCORING_HOME."""

    api_key: SecretStr | None = None
    api_keys: Annotated[list[SecretStr], NoDecode] = Field(
        default=[],
        description="More accepted keys, comma-separated (rotation: add the new, then drop the old)",
    )
    user_cache_seconds: float = Field(
        default=10.0, ge=0, description="How long a worker trusts what it read of a user (role, active)"
    )
    admin_key: SecretStr | None = Field(default=None, description="Key of the admin routes (model reload)")
    reload_poll_seconds: float = Field(default=1.0, gt=0, description="How often workers look for a reload")
    cors_origins: Annotated[list[str], NoDecode] = [DASHBOARD_ORIGIN]
    models_dir: Path | None = None
    model_version: str | None = None
    features_path: Path | None = None
    dictionary_path: Path | None = None
    interim_dir: Path | None = None
    reports_dir: Path | None = None
    max_batch: int = Field(default=1000, ge=1)
    max_body_bytes: int = Field(default=16_000_000, ge=1024)
    log_flush_seconds: float = Field(default=0.5, gt=0, description="Seconds between deliveries of the log")
    log_batch_rows: int = Field(default=5000, ge=1, description="Log rows per database transaction")
    log_write_timeout: float = Field(
        default=10.0, gt=0, description="Seconds a log delivery may take before it is abandoned and retried"
    )
    log_max_backoff: float = Field(default=30.0, gt=0, description="Longest wait between failed deliveries")
    log_shutdown_seconds: float = Field(
        default=5.0,
        ge=0,
        description="Seconds shutdown spends delivering waiting rows (the rest stay spooled)",
    )
    log_retention_days: int = Field(
        default=1100, ge=0, description="Log rows older than this are deleted (0: kept forever)"
    )
    docs_require_key: bool = Field(
        default=True, description="/docs and /openapi.json need the API key when one is set"
    )
    background_load: bool = True
    precompute_explanations: bool = True
    default_language: Language = Language.EN
    recourse_annual_rate: float = Field(
        default=0.10, ge=0, lt=1, description="Lender's nominal annual rate assumed by the recourse search"
    )
    recourse_max_term: int = Field(default=84, ge=2, description="Longest term offered (monthly instalments)")
    currency: str = Field(default="EUR", description="ISO 4217 currency of the amounts on the letters")
    lender_name: str = "Prêt à Dépenser"
    lender_address: str = "Service clients, 75000 Paris, France"
    review_contact: str = Field(
        default="reexamen@pret-a-depenser.example",
        description="Where a customer asks for a human review and an explanation (printed on the letter)",
    )
    letter_font_dir: Path = Field(
        default=Path("/usr/share/fonts/truetype/dejavu"),
        description="DejaVu Sans fonts of the PDF letters (Debian: fonts-dejavu-core)",
    )

    @field_validator("cors_origins", "api_keys", mode="before")
    @classmethod
    def _split_lists(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @property
    def lender(self) -> Lender:
        return Lender(self.lender_name, self.lender_address, self.review_contact, self.currency)

    @property
    def recourse_terms(self) -> RecourseTerms:
        return RecourseTerms(self.recourse_annual_rate, self.recourse_max_term)

    def accepted_keys(self) -> list[bytes]:
        """Every key the API accepts in X-API-Key (empty: no key required)."""
        keys = ([self.api_key] if self.api_key else []) + self.api_keys
        return [key.get_secret_value().encode() for key in keys]

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
