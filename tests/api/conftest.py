"""Fixtures of the API tests: a fresh app (and log) per test on the demo home of tests/conftest.py."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings
from scoring.db.audit import Actor
from scoring.db.users import create_user
from scoring.serving.service import ScoringService
from tests.support.app_start import migrated_copy

API = "/api/v1"
STAFF_PASSWORD = "correct horse battery"
CLI = Actor("cli:test", source="cli")


def make_settings(home: Path, database: Path, **overrides: object) -> Settings:
    """Settings independent of the environment and of any .env file (a new database starts migrated)."""
    if "database_url" not in overrides:
        migrated_copy(database)
    values = {
        "home": home,
        "database_url": f"sqlite:///{database}",
        "background_load": False,
        "log_salt": "test-salt",
        "log_flush_seconds": 0.05,
        **overrides,
    }
    return Settings(_env_file=None, **values)


def signed_in(client: TestClient, accounts: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """Each account (user name -> role) created as `scoring users add` does, with STAFF_PASSWORD, and signed
    in: the session headers the dashboard sends for it, by user name."""
    engine = client.app.state.scoring.engine
    headers = {}
    for name, role in accounts.items():
        create_user(engine, name, role, STAFF_PASSWORD, CLI)
        answer = client.post(f"{API}/auth/login", json={"username": name, "password": STAFF_PASSWORD})
        assert answer.status_code == 200, answer.text
        headers[name] = {"Authorization": f"Bearer {answer.json()['token']}"}
    return headers


@pytest.fixture
def settings(demo_home: Path, tmp_path: Path) -> Settings:
    return make_settings(demo_home, tmp_path / "predictions.db")


def wait_for_explanations(client: TestClient, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while client.get(f"{API}/ready").json().get("explanations") != "ready":
        if time.monotonic() > deadline:
            raise TimeoutError("explanations not precomputed in time")
        time.sleep(0.05)


@pytest.fixture(scope="module")
def module_client(demo_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """One app (and log) for a whole test module that only reads: its routes answer the same to every test."""
    settings = make_settings(demo_home, tmp_path_factory.mktemp("module-app") / "predictions.db")
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def client(request: pytest.FixtureRequest) -> Iterator[TestClient]:
    """A fresh app per test; the module's one when the module says `SHARED_APP = True` (read-only tests: the
    app's start and its precomputation of every stored client's answers, about 1 s of CPU, once)."""
    if getattr(request.module, "SHARED_APP", False):
        yield request.getfixturevalue("module_client")
        return
    with TestClient(create_app(request.getfixturevalue("settings"))) as test_client:
        yield test_client


@pytest.fixture
def service(client: TestClient) -> ScoringService:
    return client.app.state.scoring.service


@pytest.fixture
def stored_ids(service: ScoringService) -> dict[str, int]:
    """A train client and a test client of the store."""
    train = int(service.store.ids[service.store.train_rows[0]])
    test = next(int(i) for i, t in zip(service.store.ids, service.store.target, strict=True) if t != t)
    return {"train": train, "test": test}


APPLICATION = {
    "NAME_CONTRACT_TYPE": "Cash loans",
    "CODE_GENDER": "F",
    "AMT_INCOME_TOTAL": 135000.0,
    "AMT_CREDIT": 450000.0,
    "AMT_ANNUITY": 22500.0,
    "AMT_GOODS_PRICE": 400000.0,
    "DAYS_BIRTH": -14000,
    "DAYS_EMPLOYED": -2000,
    "EXT_SOURCE_2": 0.45,
    "EXT_SOURCE_3": 0.5,
}
