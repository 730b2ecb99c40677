"""Settings of the benchmarks (prefix BENCH_, `.env`): how long and how wide each one measures.

Beside the tooling's settings they inherit (`devtools.settings.ToolSettings`: SCORING_BENCH_DIR, the data
cache; HOMECREDIT_SAMPLE, the real rows), every knob of `make bench` is here, with its default.
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from devtools.settings import ToolSettings


class BenchSettings(ToolSettings):
    """How long, how many clients and which seed each benchmark uses (prefix BENCH_)."""

    model_config = SettingsConfigDict(
        env_prefix="BENCH_", env_file=".env", extra="ignore", env_ignore_empty=True
    )

    api_seconds: float = Field(default=10.0, gt=0, description="Each phase of the API benchmark")
    api_workers: int = Field(default=2, ge=1, description="Workers of the API under load")
    api_concurrency: int = Field(default=32, ge=1, description="Concurrent users (connections) of the load")
    api_load_seconds: float = Field(
        default=0.0, ge=0, description="A final mixed load phase of this length (0: none)"
    )
    dashboard_clients: int = Field(default=20, ge=1, description="Clients the dashboard benchmark opens")
    dashboard_ready_seconds: float = Field(
        default=1800.0, gt=0, description="How long the dashboard benchmark waits for the API to be ready"
    )
    model_page_runs: int = Field(default=5, ge=1, description="Times the Model page benchmark opens /model")
    offer_seed: int = Field(default=0, ge=0, description="Seed of the offer benchmark's clients")
    offer_clients: int = Field(default=2000, ge=1, description="Stored clients the offer benchmark prices")
    offer_real: bool = Field(default=True, description="The offer benchmark also trains on the real rows")
    reasons_seed: int = Field(default=0, ge=0, description="Seed of the reasons benchmark's clients")
    reasons_coverage_clients: int = Field(default=5000, ge=1, description="Clients of the coverage figure")
    reasons_stability_clients: int = Field(default=2000, ge=1, description="Clients of the stability figure")
    reasons_recourse_clients: int = Field(
        default=200, ge=1, description="Refused clients searched for an offer"
    )
