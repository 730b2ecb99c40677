"""Alembic environment: the URL from the one settings object, the metadata from `scoring.db.tables`.

`scoring.db.engine` passes an open connection (in `config.attributes["connection"]`); the `alembic` command
line without one connects to `ScoringSettings().database`.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from scoring.db.engine import create_db_engine
from scoring.db.tables import metadata
from scoring.settings import ScoringSettings

config = context.config


def _database_url() -> str:
    return config.get_main_option("sqlalchemy.url") or ScoringSettings().database


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection, target_metadata=metadata, compare_type=True, render_as_batch=True
    )
    with context.begin_transaction():
        context.run_migrations()


def run_offline() -> None:
    context.configure(
        url=_database_url(),
        target_metadata=metadata,
        literal_binds=True,
        compare_type=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_db_engine(_database_url())
    try:
        with engine.begin() as conn:
            _run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
