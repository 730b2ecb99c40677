"""Every variable the product reads goes through a settings class: the code of scoring/, api/, dashboard/,
benchmarks/ and devtools/ names in `os.environ`/`os.getenv` only the variables of other tools it passes on,
and the configuration page lists each of them."""

from __future__ import annotations

import re

from devtools.settings_reference import PACKAGES, REPO

# Read by MLflow, OpenMP, prometheus_client and the API's own workers: set or handed on, never our settings.
PASSED_ON = {
    "MLFLOW_TRACKING_URI",
    "MLFLOW_DISABLE_TELEMETRY",
    "MLFLOW_LOGGING_LEVEL",
    "MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR",
    "OMP_WAIT_POLICY",
    "PROMETHEUS_MULTIPROC_DIR",
    "SCORING_BACKGROUND_LOAD",
}
NAMED = re.compile(
    r"""\b(?:os\.environ(?:\.get|\.setdefault|\.pop)?\s*[\(\[]|os\.getenv\s*\()\s*["']([A-Z0-9_]+)"""
)


def named_reads(text: str) -> set[str]:
    return set(NAMED.findall(text))


def test_the_code_reads_no_variable_of_its_own_from_the_environment() -> None:
    found = {
        (path.relative_to(REPO).as_posix(), name)
        for package in PACKAGES
        for path in (REPO / package).rglob("*.py")
        for name in named_reads(path.read_text())
    }
    assert {name for _, name in found} <= PASSED_ON, sorted(f for f in found if f[1] not in PASSED_ON)
    assert {name for _, name in found} == PASSED_ON  # the list above is not stale


def test_the_check_sees_an_ad_hoc_read() -> None:
    assert named_reads('x = float(os.environ.get("BENCH_API_SECONDS", "10"))') == {"BENCH_API_SECONDS"}
    assert named_reads('os.environ["SCORING_X"] = "1"; os.getenv("Y_Z")') == {"SCORING_X", "Y_Z"}


def test_the_configuration_page_lists_the_variables_passed_on() -> None:
    page = (REPO / "docs" / "configuration.md").read_text()
    assert {name for name in PASSED_ON if f"`{name}`" not in page} == set()
