"""Alembic migrations on SQLite and PostgreSQL: up to head matching the models, down to each revision and to
nothing, up again; a prediction log created before the migrations is adopted; workers migrating at once."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    Float,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    inspect,
    text,
)

from scoring.db.engine import current_revision, downgrade, head_revision, open_database, upgrade
from scoring.db.tables import metadata

LOG_TABLES = {"predictions", "requests", "model_features"}
OUTCOME_TABLES = {"labels"}
STRATEGY_TABLES = {"strategies"}
WORKLIST_TABLES = {"worklist_claims"}
OVERSIGHT_TABLES = {
    "users",
    "sessions",
    "sign_in_throttle",
    "decisions",
    "letters",
    "letter_deliveries",
    "audit_log",
    "audit_chain",
}


def tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def test_upgrade_matches_the_models_then_downgrades_step_by_step(bare: Engine) -> None:
    upgrade(bare)
    assert current_revision(bare) == head_revision()
    assert tables(bare) == LOG_TABLES | OVERSIGHT_TABLES | OUTCOME_TABLES | STRATEGY_TABLES | WORKLIST_TABLES
    with bare.connect() as conn:
        differences = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), metadata
        )
    assert differences == []
    with bare.connect() as conn:
        head = conn.execute(text("SELECT first_id, last_id, last_hash FROM audit_chain")).one()
    assert tuple(head) == (1, 0, "0" * 64)
    downgrade(bare, "0001")
    assert current_revision(bare) == "0001"
    assert tables(bare) == LOG_TABLES
    downgrade(bare, "base")
    assert current_revision(bare) is None
    assert tables(bare) == set()
    upgrade(bare)
    assert current_revision(bare) == head_revision()


def test_downgrade_keeps_the_prediction_log_rows(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO model_features (model_version, feature_names) VALUES ('v1', '[]')"))
    downgrade(engine, "0001")
    upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT model_version FROM model_features")).scalar_one() == "v1"


def test_a_log_made_before_the_migrations_is_adopted(tmp_path: Path) -> None:
    """Databases the API created with create_all keep their rows and get the new tables."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    old = MetaData()
    Table(
        "predictions",
        old,
        Column("id", Integer, primary_key=True),
        Column("created_at", DateTime, nullable=False, index=True),
        Column("request_id", String(64), nullable=False),
        Column("kind", String(16), nullable=False),
        Column("model_version", String(64), nullable=False),
        Column("client_hash", String(64)),
        Column("features", LargeBinary, nullable=False),
        Column("probability", Float, nullable=False),
        Column("decision", String(8), nullable=False),
        Column("threshold", Float, nullable=False),
        Column("latency_ms", Float, nullable=False),
    )
    Table(
        "requests",
        old,
        Column("id", Integer, primary_key=True),
        Column("created_at", DateTime, nullable=False, index=True),
        Column("request_id", String(64), nullable=False),
        Column("method", String(8), nullable=False),
        Column("route", String(128), nullable=False),
        Column("status_code", Integer, nullable=False),
        Column("latency_ms", Float, nullable=False),
    )
    Table("model_features", old, Column("model_version", String(64), primary_key=True))
    from sqlalchemy import create_engine

    legacy = create_engine(url)
    old.create_all(legacy)
    with legacy.begin() as conn:
        conn.execute(text("INSERT INTO model_features (model_version) VALUES ('v0')"))
    legacy.dispose()
    engine = open_database(url)
    assert current_revision(engine) == head_revision()
    assert tables(engine) >= OVERSIGHT_TABLES
    with engine.connect() as conn:
        assert conn.execute(text("SELECT model_version FROM model_features")).scalar_one() == "v0"


def test_workers_starting_together_migrate_once(database_url: str) -> None:
    errors: list[BaseException] = []

    def start() -> None:
        try:
            open_database(database_url).dispose()
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    engine = open_database(database_url)
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM audit_chain")).scalar_one() == 1


def test_new_revision_follows_the_head(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`scoring db revision` numbers the next revision after the head (in a copy of the scripts here)."""
    import shutil

    import scoring.db.engine as engine_module

    scripts = tmp_path / "migrations"
    shutil.copytree(engine_module.MIGRATIONS, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(engine_module, "MIGRATIONS", scripts)
    engine = open_database(f"sqlite:///{tmp_path / 'db.sqlite'}")
    head = head_revision()
    path = engine_module.new_revision(engine, "labels table")
    assert path.parent == scripts / "versions" and path.name.startswith(f"{int(head) + 1:04d}_")
    text_of_script = path.read_text()
    assert f"down_revision = '{head}'" in text_of_script and "labels table" in text_of_script
