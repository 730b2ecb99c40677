"""Settings of the tooling around the product: the tests, the browser and the benchmarks' data.

Read from the environment or a .env file like the product's settings (`scoring.settings`), but by names of
their own (no common prefix: CHROMIUM, HOMECREDIT_SAMPLE... are the names CI and the Makefile already set).
The benchmarks' own knobs are in `benchmarks.settings.BenchSettings`, a subclass.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO = Path(__file__).resolve().parents[1]


class ToolSettings(BaseSettings):
    """Where the test tooling and the real sample rows are, and how long the load tests run."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", env_ignore_empty=True)

    homecredit_sample: Path = Field(
        default=REPO.parent / "shared" / "data" / "homecredit-sample",
        validation_alias="HOMECREDIT_SAMPLE",
        description="Real Kaggle sample rows the tests and benchmarks read (absent: synthetic tables with "
        "the same schema)",
    )
    bench_dir: Path = Field(
        default=Path("/tmp/scoring-bench"),
        validation_alias="SCORING_BENCH_DIR",
        description="Cache of the benchmarks' generated homes and full-scale data (several GB)",
    )
    chromium: Path = Field(
        default=Path("/usr/bin/chromium"),
        validation_alias="CHROMIUM",
        description="The Chromium the browser tests drive (Debian's; nothing is downloaded)",
    )
    axe_core_js: Path = Field(
        default=REPO / ".venv" / "node" / "node_modules" / "axe-core" / "axe.min.js",
        validation_alias="AXE_CORE_JS",
        description="axe-core of the accessibility checks (make setup-test installs it)",
    )
    load_seconds: float = Field(
        default=5.0,
        gt=0,
        validation_alias="SCORING_LOAD_SECONDS",
        description="Length of the API's load test",
    )
    replica_load_seconds: float = Field(
        default=6.0,
        gt=0,
        validation_alias="SCORING_REPLICA_LOAD_SECONDS",
        description="Least length of the load on the API replicas, one killed and restarted (each phase "
        "also lasts until the access log shows it)",
    )
    schemathesis_examples: int = Field(
        default=20,
        ge=1,
        validation_alias="SCHEMATHESIS_EXAMPLES",
        description="Generated requests per operation and mode of the schema tests",
    )
    screenshots: bool = Field(
        default=False,
        validation_alias="SCORING_SCREENSHOTS",
        description="The browser tests save the documentation's screenshots (make screenshots)",
    )
    letters: bool = Field(
        default=False,
        validation_alias="SCORING_LETTERS",
        description="The letter tests save the documentation's example letters",
    )
