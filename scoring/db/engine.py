"""Engines on the product database and its schema migrations (Alembic), the one place both are made.

`open_database(url)` returns an engine on a database whose schema is at the newest revision: the API runs it
at start, the CLI before it reads or writes. Migrations are serialised between processes that start
together (API workers, CLI): a transaction-scoped advisory lock on PostgreSQL, a lock file beside the
database on SQLite. A prediction log made before the migrations existed (tables created directly) is
adopted: stamped at the first revision, then upgraded.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import math
import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import InterfaceError, OperationalError

from scoring.io import PRIVATE_DIR_MODE, PRIVATE_FILE_MODE

logger = logging.getLogger("scoring.db")

MIGRATIONS = Path(__file__).parent / "migrations"
FIRST_REVISION = "0001"
ADVISORY_LOCK = 0x5C0_21A6  # any constant shared by every process migrating this database


SQLITE_BEGIN = "sqlite_begin"
# the page cache of a connection that delivers rows all day (the prediction log's shipper, the audit writer):
# a SQLite table's indexes stay in memory between deliveries (300,000 rows: an insert into the log took 22 µs
# instead of 30 with a new connection each time, into the audit trail 23 µs instead of 28 with the default)
WRITER_CACHE_MB = 64


def _sqlite_pragmas(busy_ms: int, cache_mb: int | None = None) -> Callable[[object, object], None]:
    """WAL lets several workers write one SQLite file; busy_timeout makes them wait instead of failing;
    `cache_mb` sets the connection's page cache (SQLite's default: 2 MB).

    The driver's own transaction handling is turned off so that `_sqlite_begin` says when and how a
    transaction starts (transactional DDL, and BEGIN IMMEDIATE for `write_transaction`).
    """

    def apply(connection: object, _record: object) -> None:
        connection.isolation_level = None  # type: ignore[attr-defined]
        cursor = connection.cursor()  # type: ignore[attr-defined]
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        if cache_mb is not None:
            cursor.execute(f"PRAGMA cache_size=-{cache_mb * 1024}")
        cursor.close()

    return apply


def _sqlite_begin(conn: Connection) -> None:
    conn.exec_driver_sql(f"BEGIN {conn.get_execution_options().get(SQLITE_BEGIN, 'DEFERRED')}")


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None for another database or an in-memory one)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def prepare_sqlite_file(url: str) -> None:
    """Create a SQLite database file 0600 in a 0700 folder (its -wal and -shm files get the same mode) and
    tighten an older one; quietly does nothing when it cannot (the first write then says why)."""
    path = sqlite_path(url)
    if path is None:
        return
    with contextlib.suppress(OSError):
        if not path.parent.exists():
            path.parent.mkdir(parents=True, mode=PRIVATE_DIR_MODE)
        if not path.exists():
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE_MODE))
        elif path.stat().st_mode & 0o077:
            path.chmod(PRIVATE_FILE_MODE)


def create_db_engine(
    url: str, timeout: float = 10.0, pre_ping: bool = True, cache_mb: int | None = None
) -> Engine:
    """An engine on `url` that waits at most about `timeout` seconds to connect (PostgreSQL connect_timeout,
    SQLite busy_timeout); a SQLite file is created private with WAL, its connections' page cache `cache_mb`
    when given. Pooled connections are checked before each use unless `pre_ping` is False (the first
    statement on a dropped connection then fails and the pool replaces it)."""
    options: dict = {"pool_pre_ping": pre_ping}
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        options["connect_args"] = {"connect_timeout": max(1, math.ceil(timeout))}
    prepare_sqlite_file(url)
    engine = create_engine(parsed, **options)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas(int(timeout * 1000), cache_mb))
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def write_transaction(engine: Engine) -> AbstractContextManager[Connection]:
    """A transaction that writes, holding SQLite's write lock from its start (BEGIN IMMEDIATE).

    A transaction that reads and then writes could otherwise fail on SQLite when another writer commits in
    between; on PostgreSQL this is a plain transaction (row locks do the rest, see `scoring.db.audit`).
    """
    return engine.execution_options(**{SQLITE_BEGIN: "IMMEDIATE"}).begin()


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration: the scripts of this package, run on `connection` when given."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    lock = path.with_name(path.name + ".migrate.lock")
    with lock.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def _migrating(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction that no other process migrating the same database runs beside."""
    path = sqlite_path(str(engine.url))
    if path is not None:
        with _file_lock(path), write_transaction(engine) as conn:
            yield conn
        return
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK})
        yield conn


def head_revision() -> str:
    """The newest revision of the migration scripts."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to `revision` (adopting a prediction log created before the migrations)."""
    with _migrating(engine) as conn:
        config = alembic_config(conn)
        tables = set(inspect(conn).get_table_names())
        if "alembic_version" not in tables and "predictions" in tables:
            command.stamp(config, FIRST_REVISION)
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Take the schema down to `revision` ("base": no table left)."""
    with _migrating(engine) as conn:
        command.downgrade(alembic_config(conn), revision)


def new_revision(engine: Engine, message: str) -> Path:
    """Write the next revision (0003, 0004...) from the difference between the models and the database,
    which must be at the newest revision; returns its file, to review before committing."""
    from alembic.script import ScriptDirectory

    with _migrating(engine) as conn:
        config = alembic_config(conn)
        head = ScriptDirectory.from_config(config).get_current_head() or "0000"
        script = command.revision(config, message, autogenerate=True, rev_id=f"{int(head) + 1:04d}")
    return Path(script.path)


def try_upgrade(engine: Engine) -> bool:
    """Upgrade the schema if the database answers; False (with a warning) when it does not, for a service
    that starts anyway and migrates later (the prediction log's shipper does, before it ships)."""
    try:
        upgrade(engine)
    except (OperationalError, InterfaceError, OSError) as error:
        cause = getattr(error, "orig", None) or error
        logger.warning("database not reachable, schema not upgraded yet: %s", type(cause).__name__)
        return False
    return True


def open_database(url: str) -> Engine:
    """An engine on the product database, its schema upgraded to the newest revision."""
    engine = create_db_engine(url)
    upgrade(engine)
    return engine
