"""Settings of the API: the shared `ScoringSettings` plus what only the API reads (prefix SCORING_)."""

from __future__ import annotations

import ipaddress
from datetime import timedelta
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import NoDecode

from scoring.db.anchors import AnchorSettings
from scoring.db.sessions import Lifetimes
from scoring.db.throttle import ThrottleRules
from scoring.home import drift_reports_in
from scoring.modeling.signing import Keyring, SigningSettings, keyring
from scoring.notice.content import Lender
from scoring.settings import comma_separated
from scoring.vocabulary import Language

DASHBOARD_ORIGIN = "http://127.0.0.1:8050"


class Settings(SigningSettings, AnchorSettings):
    """Everything the API reads at start-up; paths default to those under SCORING_HOME."""

    api_key: SecretStr | None = Field(
        default=None,
        description="The key the API accepts as the dashboard's (every route, acting for signed-in users); "
        "the dashboard sends it as SCORING_DASHBOARD_API_KEY",
    )
    api_keys: Annotated[list[SecretStr], NoDecode] = Field(
        default=[],
        description="More dashboard keys, comma-separated (rotation: add the new, then drop the old)",
    )
    service_api_key: SecretStr | None = Field(
        default=None, description="A service's key: reads and scores, never the routes acting for a user"
    )
    service_api_keys: Annotated[list[SecretStr], NoDecode] = Field(
        default=[], description="More service keys, comma-separated (rotation)"
    )
    allow_open: bool = Field(
        default=False, description="Serve without any API key on a non-loopback address (a lab only)"
    )
    user_cache_seconds: float = Field(
        default=10.0, ge=0, description="How long a worker trusts what it read of a user (role, active)"
    )
    trusted_proxy: Annotated[list[str], NoDecode] = Field(
        default=[],
        description="Proxies whose X-Forwarded-For/-Proto are believed: IPs or networks, comma-separated",
    )
    session_idle_minutes: float = Field(
        default=30.0, gt=0, description="A session token unused for this long ends (sign in again)"
    )
    session_max_hours: float = Field(
        default=12.0, gt=0, description="A session token ends this long after sign-in, however active"
    )
    session_touch_seconds: float = Field(
        default=60.0, ge=0, description="How often a session's last use is written (not on every request)"
    )
    sign_in_address_failures: int = Field(
        default=20, ge=1, description="Failed sign-ins from one address before its attempts are delayed"
    )
    sign_in_account_failures: int = Field(
        default=5, ge=1, description="Failed sign-ins of one account from one address before they are delayed"
    )
    sign_in_first_delay_seconds: float = Field(
        default=1.0, gt=0, description="The first delay; each further failure doubles it"
    )
    sign_in_max_delay_minutes: float = Field(default=15.0, gt=0, description="The longest delay")
    sign_in_window_minutes: float = Field(
        default=15.0, gt=0, description="Failures are forgotten after this long without one (after the delay)"
    )
    admin_key: SecretStr | None = Field(default=None, description="Key of the admin routes (model reload)")
    reload_poll_seconds: float = Field(default=1.0, gt=0, description="How often workers look for a reload")
    strategy_ttl_seconds: float = Field(
        default=5.0,
        ge=0,
        description="How long a worker serves the decision strategy before checking the database's active "
        "version again (0: at every score)",
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default=[DASHBOARD_ORIGIN],
        description="Origins allowed to call the API from a browser, comma-separated",
    )
    models_dir: Path | None = Field(default=None, description="The bundles (default: <home>/models)")
    model_version: str | None = Field(default=None, description="The bundle served (default: the champion)")
    features_path: Path | None = Field(default=None, description="The client store (default: under <home>)")
    dictionary_path: Path | None = Field(default=None, description="The feature dictionary (default: <home>)")
    interim_dir: Path | None = Field(default=None, description="The clients' raw facts (default: <home>)")
    reports_dir: Path | None = Field(default=None, description="The reports the API serves (default: <home>)")
    max_batch: int = Field(default=1000, ge=1, description="Most applications in one batch (413 beyond)")
    max_body_bytes: int = Field(default=16_000_000, ge=1024, description="Largest request body (413 beyond)")
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
    background_load: bool = Field(
        default=True,
        description="Load the model after listening (/ready 503 until loaded); python -m api turns it off "
        "for several workers, so that each accepts once loaded",
    )
    precompute_explanations: bool = Field(
        default=True, description="Explain every stored client once, in the background, after loading"
    )
    default_language: Language = Field(
        default=Language.EN,
        description="Language of the API's texts when neither ?lang= nor Accept-Language names en or fr",
    )
    currency: str = Field(default="EUR", description="ISO 4217 currency of the amounts on the letters")
    lender_name: str = Field(default="Prêt à Dépenser", description="The lender the letters name")
    lender_address: str = Field(
        default="Service clients, 75000 Paris, France",
        description="Its address on the letters (set the real one)",
    )
    review_contact: str = Field(
        default="reexamen@pret-a-depenser.example",
        description="Where a customer asks for a human review and an explanation (printed on the letter)",
    )
    letter_font_dir: Path | None = Field(
        default=None,
        description="DejaVu Sans of the PDF letters (default: Debian's fonts-dejavu-core, else matplotlib's)",
    )

    @field_validator("cors_origins", "api_keys", "service_api_keys", "trusted_proxy", mode="before")
    @classmethod
    def _split_lists(cls, value: object) -> object:
        return comma_separated(value)

    @field_validator("trusted_proxy")
    @classmethod
    def _proxy_addresses(cls, value: list[str]) -> list[str]:
        """IP addresses or networks, or * (uvicorn would take a misspelt one for a name no peer has)."""
        for part in value:
            try:
                if part != "*":
                    ipaddress.ip_network(part, strict=False)
            except ValueError:
                raise ValueError(f"{part!r} is not an IP address or network") from None
        return value

    @property
    def lender(self) -> Lender:
        return Lender(self.lender_name, self.lender_address, self.review_contact, self.currency)

    @property
    def sign_in_rules(self) -> ThrottleRules:
        """When failed sign-ins are delayed, and for how long (`scoring.db.throttle`)."""
        return ThrottleRules(
            address_failures=self.sign_in_address_failures,
            account_failures=self.sign_in_account_failures,
            first_delay=self.sign_in_first_delay_seconds,
            max_delay=self.sign_in_max_delay_minutes * 60,
            window=self.sign_in_window_minutes * 60,
        )

    def named_keys(self) -> list[tuple[str, SecretStr]]:
        """Every configured key with the name of its setting (the admin key included)."""
        named = [("SCORING_API_KEY", self.api_key), ("SCORING_SERVICE_API_KEY", self.service_api_key)]
        named += [("SCORING_API_KEYS", key) for key in self.api_keys]
        named += [("SCORING_SERVICE_API_KEYS", key) for key in self.service_api_keys]
        named.append(("SCORING_ADMIN_KEY", self.admin_key))
        return [(name, key) for name, key in named if key is not None]

    def scoped_keys(self) -> dict[str, list[bytes]]:
        """The keys the API accepts in X-API-Key by scope, "dashboard" and "service" (none: no key needed)."""
        dashboard = ([self.api_key] if self.api_key else []) + self.api_keys
        service = ([self.service_api_key] if self.service_api_key else []) + self.service_api_keys
        return {
            "dashboard": [key.get_secret_value().encode() for key in dashboard],
            "service": [key.get_secret_value().encode() for key in service],
        }

    def accepted_keys(self) -> list[bytes]:
        """Every key the API accepts in X-API-Key, whatever its scope (empty: no key required)."""
        return [key for keys in self.scoped_keys().values() for key in keys]

    @property
    def session_lifetimes(self) -> Lifetimes:
        """The idle and absolute lifetimes of the sessions the API issues."""
        return Lifetimes(
            timedelta(minutes=self.session_idle_minutes),
            timedelta(hours=self.session_max_hours),
            timedelta(seconds=self.session_touch_seconds),
        )

    def model_keys(self) -> Keyring:
        """The keys a bundle must be signed with to be served (`scoring.modeling.signing`)."""
        return keyring(self.home.resolve(), self)

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
