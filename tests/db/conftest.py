"""Fixtures of the database tests: a fresh database per test on SQLite, and on a throwaway PostgreSQL server
(the delivery tests' server fixture, started once per session) for the tests that run on both."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, make_url, text

from scoring.db.audit import Actor
from scoring.db.engine import create_db_engine, open_database
from tests.delivery.conftest import postgres_url  # noqa: F401 - the session's PostgreSQL server

CLI = Actor("cli:test", source="cli")


@pytest.fixture(autouse=True)
def light_hashes(fast_hashes: None) -> None:
    """Every database test hashes with the light parameters of tests/conftest.py."""


def fresh_postgres(server_url: str) -> str:
    """A new empty database on the test server; returns its URL."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(make_url(server_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'scoring.db'}"
    return fresh_postgres(request.getfixturevalue("postgres_url"))


@pytest.fixture
def bare(database_url: str) -> Iterator[Engine]:
    """An engine on an empty database (no migration run)."""
    engine = create_db_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on a database migrated to the newest revision."""
    engine = open_database(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = open_database(f"sqlite:///{tmp_path / 'scoring.db'}")
    yield engine
    engine.dispose()
