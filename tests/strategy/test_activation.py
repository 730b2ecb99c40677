"""Strategies in the product database: activation makes one the only active one, audited."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from scoring.db.audit import Actor
from scoring.db.engine import open_database
from scoring.db.strategies import activate, active_strategy
from scoring.db.tables import audit_log, strategies
from scoring.strategy.definition import load_strategy
from tests.db.conftest import fresh_postgres
from tests.delivery.conftest import postgres_url  # noqa: F401 - the session's PostgreSQL server
from tests.strategy.test_decide import STRATEGY

CLI = Actor("cli:test", source="cli")
DEMO = resources.files("scoring.strategy").joinpath("examples/demo.yaml").read_text("utf-8")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated database on SQLite and on the test PostgreSQL server (its partial unique index too)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'scoring.db'}"
    else:
        url = fresh_postgres(request.getfixturevalue("postgres_url"))
    engine = open_database(url)
    yield engine
    engine.dispose()


def test_activation_makes_it_the_only_active_one_and_is_audited(engine: Engine) -> None:
    assert active_strategy(engine) is None
    first = activate(engine, load_strategy(STRATEGY), "ana", CLI)
    assert (first.version, first.name, first.active, first.author) == (1, "test", True, "ana")
    assert first.approved_by == "cli:test" and first.sha256 == load_strategy(STRATEGY).sha256
    second = activate(engine, load_strategy(DEMO), "bob", CLI)
    assert active_strategy(engine).version == second.version == 2
    again = activate(engine, load_strategy(STRATEGY), "carl", CLI)
    assert (again.version, again.author) == (1, "ana")  # the same text: the stored version, not a third
    with engine.connect() as conn:
        rows = conn.execute(select(strategies.c.version, strategies.c.active).order_by("version")).all()
        audited = conn.execute(
            select(audit_log.c.target)
            .where(audit_log.c.action == "strategy-activated")
            .order_by(audit_log.c.id)
        ).scalars()
        assert [tuple(r) for r in rows] == [(1, True), (2, False)]
        assert list(audited) == ["v1", "v2", "v1"]
    assert active_strategy(engine).load().to_dict() == load_strategy(STRATEGY).to_dict()


def test_the_database_refuses_two_active_strategies(engine: Engine) -> None:
    activate(engine, load_strategy(STRATEGY), "ana", CLI)
    activate(engine, load_strategy(DEMO), "ana", CLI)
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(strategies.update().values(active=True))


def test_an_author_is_required(engine: Engine) -> None:
    with pytest.raises(ValueError, match="author"):
        activate(engine, load_strategy(STRATEGY), "  ", CLI)
