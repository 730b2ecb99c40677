"""Settings of the dashboard, read from the environment (prefix SCORING_) or a .env file.

SCORING_API_URL and SCORING_DASHBOARD_API_KEY are the base URL of the scoring API and the key the dashboard
sends it (one of the keys the API accepts as the dashboard's, SCORING_API_KEY or SCORING_API_KEYS: each name
has one meaning; SCORING_API_KEY, the old name of the dashboard's key, is still read for one release, with a
warning, when the new one is unset); SCORING_BOOTSTRAP_CSS points at another Bootstrap CSS than
the one the bootstrap-flask package ships; SCORING_CURRENCY (EUR) is the currency of the
amounts on the pages, the same variable as the letters' currency in the API. The sign-in settings
(SCORING_AUTH, SCORING_DASHBOARD_SESSION_DIR, SCORING_SESSION_IDLE_MINUTES, SCORING_OIDC_*...) are read by
`dashboard.auth`. Behind a reverse proxy, SCORING_TRUSTED_PROXY (its address) and SCORING_TRUSTED_PROXY_COUNT
are handed to waitress (`proxy_options`), the one place X-Forwarded-* headers are read. The
dashboard is deployed without the scoring library (it reads everything from the API), so its settings do not
derive from `scoring.settings`: they read the same prefix and .env file, and only what the dashboard uses.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import warnings
from functools import cache
from pathlib import Path

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from dashboard.i18n import N_

DEFAULT_API_URL = "http://127.0.0.1:8000"
PACKAGED_BOOTSTRAP = ("flask_bootstrap", "static/bootstrap5/css/bootstrap.min.css")  # bootstrap-flask's copy
FORWARDED_HEADERS = frozenset({"x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"})
PLACEHOLDER_PREFIX = "change-me"  # the secrets of .env.example (the API and the CLI refuse them too)
RENAMED_KEY = (
    "SCORING_API_KEY is the old name of the dashboard's key to the API: rename it SCORING_DASHBOARD_API_KEY "
    "in the dashboard's environment (SCORING_API_KEY now means only the keys the API accepts; the old name "
    "is read for the dashboard until the next release)"
)


class DashboardSettings(BaseSettings):
    """Where the API is, how long to wait for it, and where Bootstrap's CSS lives on this machine.

    The dashboard is its own app (its image carries no `scoring/`): same prefix and .env as the library's
    `ScoringSettings`, but not a subclass of it.
    """

    model_config = SettingsConfigDict(
        env_prefix="SCORING_", env_file=".env", extra="ignore", env_ignore_empty=True
    )

    api_url: str = Field(default=DEFAULT_API_URL, description="The API the dashboard calls")
    api_key: SecretStr | None = Field(
        default=None,
        validation_alias="SCORING_DASHBOARD_API_KEY",
        description="The key the dashboard sends the API (X-API-Key): one of the API's SCORING_API_KEY(S)",
    )
    renamed_api_key: SecretStr | None = Field(
        default=None,
        validation_alias="SCORING_API_KEY",
        description="Deprecated: the old name of SCORING_DASHBOARD_API_KEY, read (with a warning) when that "
        "is unset, until the next release",
    )
    api_timeout: float = Field(default=5.0, gt=0, description="Seconds to wait for one API answer")
    bootstrap_css: Path | None = Field(
        default=None,
        description="Bootstrap CSS the dashboard serves, no CDN (default: bootstrap-flask's copy)",
    )
    currency: str = Field(
        default="EUR", description="ISO 4217 currency of the amounts shown (the API's letters read it too)"
    )
    auth: bool = Field(default=True, description="Sign-in with roles; SCORING_AUTH=off only on loopback")
    secret_key: SecretStr | None = Field(
        default=None,
        description="Flask's secret key (default: random per start); sessions, kept on the server, need none",
    )
    dashboard_session_dir: Path | None = Field(
        default=None,
        description="Folder of the sessions (0700, a file 0600 each), shared by the dashboard's processes "
        "(default: a temporary folder per process, sessions end with it)",
    )
    session_idle_minutes: float = Field(default=30.0, gt=0, description="Sign-out after this long idle")
    cookie_secure: bool | None = Field(
        default=None, description="Secure cookies (default: when the request came over HTTPS)"
    )
    trusted_proxy: str | None = Field(
        default=None,
        description="Address of the reverse proxy whose X-Forwarded-For/-Proto/-Host waitress believes",
    )
    trusted_proxy_count: int = Field(
        default=1, ge=1, description="Proxies in the chain in front (the client is that many hops back)"
    )
    user_cache_seconds: float = Field(default=10.0, ge=0, description="How long a session's user is reused")
    oidc_issuer: str | None = Field(
        default=None, description="OpenID Connect issuer URL: enables single sign-on"
    )
    oidc_client_id: str | None = Field(
        default=None, description="The dashboard's client ID at the OpenID Connect provider"
    )
    oidc_client_secret: SecretStr | None = Field(
        default=None, description="Its client secret (single sign-on needs the issuer, the ID and this)"
    )
    oidc_username_claim: str = Field(
        default="preferred_username", description="ID-token claim holding the account's user name"
    )
    oidc_label: str = Field(
        default=N_("Sign in with the company account"),
        description="The SSO button's text (the default is shown in the page's language)",
    )

    @model_validator(mode="after")
    def _old_key_name(self) -> DashboardSettings:
        """The dashboard's key under its old name, when the new one is unset (one release)."""
        if self.api_key is None and self.renamed_api_key is not None:
            warnings.warn(RENAMED_KEY, FutureWarning, stacklevel=2)
            self.api_key = self.renamed_api_key
        return self

    def placeholder_secrets(self) -> list[str]:
        """The secrets still set to a `change-me…` placeholder of .env.example, one message each."""
        renamed = self.api_key is not None and self.api_key is self.renamed_api_key
        named = {
            "SCORING_API_KEY" if renamed else "SCORING_DASHBOARD_API_KEY": self.api_key,
            "SCORING_SECRET_KEY": self.secret_key,
            "SCORING_OIDC_CLIENT_SECRET": self.oidc_client_secret,
        }
        return [
            f"{name} is still a placeholder of .env.example: set a long random value, "
            'e.g. python -c "import secrets; print(secrets.token_urlsafe(32))"'
            for name, value in named.items()
            if value is not None and value.get_secret_value().strip().lower().startswith(PLACEHOLDER_PREFIX)
        ]

    @field_validator("trusted_proxy")
    @classmethod
    def _one_address(cls, value: str | None) -> str | None:
        """Waitress compares the peer's address with this one string: an IP address, or `*` (any peer)."""
        if value is None or value == "*":
            return value
        try:
            return str(ipaddress.ip_address(value.strip()))
        except ValueError:
            raise ValueError("SCORING_TRUSTED_PROXY must be one IP address (or * for any peer)") from None

    def proxy_options(self) -> dict[str, object]:
        """Waitress's own proxy settings: behind the trusted proxy, the client's address becomes
        REMOTE_ADDR and the scheme and host the proxy forwards become the request's; the X-Forwarded-*
        headers of any other peer are dropped. Nothing without SCORING_TRUSTED_PROXY."""
        if self.trusted_proxy is None:
            return {}
        return {
            "trusted_proxy": self.trusted_proxy,
            "trusted_proxy_count": self.trusted_proxy_count,
            "trusted_proxy_headers": FORWARDED_HEADERS,
            "clear_untrusted_proxy_headers": True,
        }

    def bootstrap_path(self) -> Path | None:
        """The configured Bootstrap CSS, else bootstrap-flask's copy (found without importing the package),
        else None."""
        path = self.bootstrap_css
        if path is None:
            package, relative = PACKAGED_BOOTSTRAP
            spec = importlib.util.find_spec(package)
            folders = (spec.submodule_search_locations or []) if spec else []
            path = Path(folders[0], relative) if folders else None
        return path if path is not None and path.is_file() else None


@cache
def currency() -> str:
    """The currency of the amounts on the pages (SCORING_CURRENCY, read once)."""
    return DashboardSettings().currency
