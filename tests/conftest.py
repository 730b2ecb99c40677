"""Shared fixtures: the raw sample tables (real rows, else a synthetic twin) and one small scoring home, built
once per run; and the tier markers every test gets from what it runs (tests/support/tiers.py)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher

import scoring.db.security
from tests.support.app_start import NO_FREEZE, shared_openapi
from tests.support.shared import built_once
from tests.support.tiers import SLOW_TIMEOUT, TIERS, item_tiers, unmarked_tiers, xdist_group

REPO = Path(__file__).resolve().parents[1]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test with the tiers of what it runs (spark, postgres, browser, server, training), give a
    slow or tier test without a timeout of its own the heavy tests' one and put it in its xdist group."""
    for item in items:
        for tier in sorted(item_tiers(item)):
            item.add_marker(tier)
        heavy = any(item.get_closest_marker(name) for name in ("slow", *TIERS))
        if heavy and not item.get_closest_marker("timeout"):
            item.add_marker(pytest.mark.timeout(SLOW_TIMEOUT))
        item.add_marker(pytest.mark.xdist_group(xdist_group(item)))


@pytest.fixture(autouse=True)
def tier_guard(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fails a test that requested a tier's fixture (even through `getfixturevalue`) without its marker."""
    yield
    missing = unmarked_tiers(request.fixturenames, {mark.name for mark in request.node.iter_markers()})
    if missing:
        pytest.fail(f"{request.node.nodeid} uses the fixtures of {sorted(missing)} without their markers")


@pytest.fixture(autouse=True)
def cheap_app_start(monkeypatch: pytest.MonkeyPatch) -> None:
    """No full garbage collection of the whole test process at each start of the API in it, and its OpenAPI
    document built once per set of routes (tests/support/app_start.py)."""
    state = sys.modules.get("api.state")
    if state is not None:
        monkeypatch.setattr(state, "gc", NO_FREEZE)
    applications = sys.modules.get("fastapi.applications")
    if applications is not None:
        monkeypatch.setattr(applications, "get_openapi", shared_openapi())


@pytest.fixture(scope="session")
def sample_rows(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seven raw tables with the exact Kaggle schema: the real sample rows if present, else synthetic."""
    from tests.support.sample import has_real_rows, real_sample_dir, synthetic_sample  # see `demo_home`

    real = real_sample_dir()
    return real if has_real_rows(real) else synthetic_sample(tmp_path_factory.mktemp("synthetic-sample"))


@pytest.fixture(scope="session")
def real_sample() -> Path:
    """The real sample rows, for the few checks about the real rows themselves (skipped without them)."""
    from tests.support.sample import has_real_rows, real_sample_dir  # see `demo_home`

    path = real_sample_dir()
    if not has_real_rows(path):
        pytest.skip(f"real sample rows not found in {path} (set HOMECREDIT_SAMPLE)")
    return path


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory: pytest.TempPathFactory, sample_rows: Path) -> Path:
    """A scoring home: 500 + 120 clients of the sample rows, ingested, featurised, trained and promoted (built
    once per run, a copy per worker). The builders are imported here, not at the top: the pytest-xdist
    controller loads this file too and runs no test (their imports, polars, LightGBM, scikit-learn, ~3 s of
    CPU)."""
    from tests.support.home import build_home, write_raw_subset

    def build(home: Path) -> None:
        build_home(home, write_raw_subset(sample_rows, home / "data" / "raw"))

    return built_once(tmp_path_factory, "demo-home", build)


FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=16384, parallelism=1)


@pytest.fixture
def fast_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id with light parameters: the tests check behaviour, not the production cost of a hash."""
    monkeypatch.setattr(scoring.db.security, "HASHER", FAST_HASHER)
