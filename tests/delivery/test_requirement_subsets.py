"""The images' requirement subsets: pinned as the lock, closed under their dependencies, nothing extra."""

from __future__ import annotations

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.delivery.images import (
    SERVICES,
    lock_pins,
    pinned_version,
    read_requirements,
    requirements_file,
    unmet_dependencies,
)

TEST_TOOLS = {
    "pytest",
    "pytest-timeout",
    "hypothesis",
    "schemathesis",
    "playwright",
    "selenium",
    "ruff",
    "dash-testing-stub",
    "percy-selenium",
    "percy-python-selenium",
}
# The optional `spark` group: on the Spark cluster's Python, in none of these images.
SPARK = {"pyspark", "py4j", "sqlglot"}
LEFT_OUT = {
    "api": TEST_TOOLS
    | SPARK
    | {"dash", "dash-bootstrap-components", "evidently", "mlflow", "mlflow-skinny", "optuna"},
    "dashboard": TEST_TOOLS
    | SPARK
    | {"lightgbm", "mlflow", "mlflow-skinny", "evidently", "fastapi", "duckdb"},
    "pipeline": TEST_TOOLS | SPARK | {"dash", "dash-bootstrap-components"},
}


@pytest.mark.parametrize("service", SERVICES)
def test_subset_pins_are_the_lock_pins(service: str) -> None:
    lock = lock_pins()
    requirements = read_requirements(requirements_file(service))
    assert requirements
    for requirement in requirements:
        name = canonicalize_name(requirement.name)
        assert name in lock, f"{requirement} is not in requirements.lock"
        assert pinned_version(requirement) == lock[name], f"{requirement} vs requirements.lock {lock[name]}"


@pytest.mark.parametrize("service", SERVICES)
def test_subset_is_closed_under_its_dependencies(service: str) -> None:
    assert unmet_dependencies(read_requirements(requirements_file(service))) == set()


def test_closure_check_finds_a_missing_dependency() -> None:
    assert unmet_dependencies([Requirement("fastapi==0.165.0")]) >= {"fastapi needs starlette"}


@pytest.mark.parametrize("service", SERVICES)
def test_subset_leaves_out_what_the_service_does_not_run(service: str) -> None:
    names = {canonicalize_name(r.name) for r in read_requirements(requirements_file(service))}
    assert names & LEFT_OUT[service] == set()
