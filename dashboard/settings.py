"""Settings of the dashboard, read from the environment (prefix SCORING_) or a .env file.

SCORING_API_URL and SCORING_API_KEY are the base URL of the scoring API and the key it expects (the same
variable the API reads, so one .env serves both); SCORING_BOOTSTRAP_CSS points at Bootstrap's CSS when it is
not where Debian's libjs-bootstrap5 package installs it. The dashboard is deployed without the scoring
library (it reads everything from the API), so its settings do not derive from `scoring.settings`: they
read the same prefix and .env file, and only what the dashboard uses.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_API_URL = "http://127.0.0.1:8000"
BOOTSTRAP_CANDIDATES = (Path("/usr/share/javascript/bootstrap5/css/bootstrap.min.css"),)


class DashboardSettings(BaseSettings):
    """Where the API is, how long to wait for it, and where Bootstrap's CSS lives on this machine."""

    model_config = SettingsConfigDict(
        env_prefix="SCORING_", env_file=".env", extra="ignore", env_ignore_empty=True
    )

    api_url: str = DEFAULT_API_URL
    api_key: SecretStr | None = None
    api_timeout: float = Field(default=5.0, gt=0, description="Seconds to wait for one API answer")
    bootstrap_css: Path | None = None

    def bootstrap_path(self) -> Path | None:
        """The configured Bootstrap CSS, else the first installed copy found, else None."""
        candidates = (self.bootstrap_css,) if self.bootstrap_css else BOOTSTRAP_CANDIDATES
        return next((p for p in candidates if p.is_file()), None)
