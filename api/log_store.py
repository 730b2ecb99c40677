"""The durable prediction log of one worker: rows on local disk first, then shipped to the database.

`log_prediction` and `log_request` append the row to this worker's spool (`api/spool.py`) before the response
leaves: a row survives the worker's death from then on. A background shipper rotates the spool every
`flush_seconds`, ships closed segments in batches (inserts keyed by `row_key`, so a segment shipped twice is
stored once) and deletes a segment only once the database committed it. It also ships what dead workers left
(and the undelivered file of older versions), creates the tables, registers feature orders and purges rows
past the retention period.

Every database call runs under a watchdog: past `write_timeout` the connection is broken (SQLite interrupted,
the PostgreSQL socket shut down), so a hung database never blocks the shipper, a response or shutdown. The
shipper keeps one connection between deliveries (its page cache holds a SQLite log's indexes) and opens a new
one after a failure, then backs off (doubling up to `max_backoff` seconds) and warns, at most every 30 s,
while rows wait; `scoring_prediction_log_waiting_rows` says how many. Rows still waiting at shutdown stay in
the spool for the next start.
"""

from __future__ import annotations

import binascii
import hashlib
import logging
import os
import socket
import sqlite3
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import orjson
from sqlalchemy import DateTime, LargeBinary, Table, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DataError, IntegrityError

from api import prometheus
from api.spool import Segment, Spool
from scoring.db.bulk_insert import insert_rows
from scoring.db.engine import WRITER_CACHE_MB, create_db_engine, upgrade
from scoring.serving.prediction_log import predictions, purge_before, register_model, requests

logger = logging.getLogger("api.log_store")

TABLES = {t.name: t for t in (predictions, requests)}
ORPHAN_SCAN_SECONDS = 5.0
WARN_EVERY_SECONDS = 30.0
PURGE_EVERY_SECONDS = 3600.0
T = TypeVar("T")


def spool_for(base: Path, database_url: str) -> Path:
    """The spool folder of one database (`base/<hash of its URL without password>`): rows wait there for the
    database they were meant for, even if the API is later pointed at another one."""
    url = make_url(database_url).set(password=None).render_as_string(hide_password=False)
    return base / hashlib.sha256(url.encode()).hexdigest()[:16]


def warn_other_spools(base: Path, current: Path) -> None:
    """Say so when rows for another database wait in the spool (an API once pointed elsewhere left them)."""
    for folder in sorted(p for p in base.glob("*") if p.is_dir() and p != current):
        rows = sum(f.read_bytes().count(b"\n") for f in folder.glob("*.jsonl"))
        if rows:
            logger.warning(
                "prediction log: %d rows for another database wait in %s (pointing the API at that database "
                "again delivers them)",
                rows,
                folder,
            )


def _decoding(table: Table) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """A table's nullable, binary and date-time columns (looked up once, not per row)."""
    columns = table.columns
    return (
        tuple(c.name for c in columns if c.nullable),
        tuple(c.name for c in columns if isinstance(c.type, LargeBinary)),
        tuple(c.name for c in columns if isinstance(c.type, DateTime)),
    )


DECODING = {name: _decoding(table) for name, table in TABLES.items()}


def encode_row(table: Table, row: dict) -> bytes:
    """One spool line: the row as JSON (bytes in base64, times in ISO 8601) with its table's name."""
    record = {"table": table.name, **row}
    for name in DECODING[table.name][1]:
        value = row.get(name)
        if isinstance(value, bytes):
            record[name] = binascii.b2a_base64(value, newline=False).decode()
    return orjson.dumps(record) + b"\n"


def decode_row(line: bytes, key: str) -> tuple[Table, dict]:
    """The table and row of a spool line, with its `row_key` (a nullable column the line lacks, written by an
    older version, is null: every row of a batch has the same columns)."""
    record = orjson.loads(line)
    name = record.pop("table")
    table, (nullable, binary, times) = TABLES[name], DECODING[name]
    for column in nullable:
        record.setdefault(column, None)
    for column in binary:
        value = record.get(column)
        if isinstance(value, str):
            record[column] = binascii.a2b_base64(value)
    for column in times:
        value = record.get(column)
        if isinstance(value, str):
            record[column] = datetime.fromisoformat(value)
    record.pop("id", None)
    record["row_key"] = key
    return table, record


def _break(connection: object) -> None:
    """Make a database call blocked on `connection` fail now (called from the watchdog thread)."""
    if isinstance(connection, sqlite3.Connection):
        connection.interrupt()
        return
    pgconn = getattr(connection, "pgconn", None)
    if pgconn is not None:  # psycopg: shutting the socket down wakes the blocked read with an error
        with socket.socket(fileno=os.dup(pgconn.socket)) as sock:
            sock.shutdown(socket.SHUT_RDWR)


def _reason(error: BaseException) -> str:
    """An error's class and first line, without the SQL parameters SQLAlchemy appends."""
    cause = getattr(error, "orig", None) or error
    text = str(cause).strip().splitlines()
    return f"{type(cause).__name__}: {text[0][:200]}" if text else type(cause).__name__


class PredictionLog:
    """Spool + shipper of one worker (see the module docstring)."""

    def __init__(
        self,
        database_url: str,
        spool_dir: Path,
        flush_seconds: float = 0.5,
        batch_rows: int = 5000,
        write_timeout: float = 10.0,
        max_backoff: float = 30.0,
        retention_days: int = 0,
        adopt: Path | None = None,
    ) -> None:
        self.database_url = database_url
        self.engine = create_db_engine(
            database_url, timeout=write_timeout * 0.8, pre_ping=False, cache_mb=WRITER_CACHE_MB
        )
        event.listen(self.engine, "checkout", self._track)
        self.spool = Spool(spool_dir)
        if adopt is not None:
            self.spool.adopt(adopt)
        self.flush_seconds = flush_seconds
        self.batch_rows = batch_rows
        self.write_timeout = write_timeout
        self.max_backoff = max_backoff
        self.retention_days = retention_days
        self.shipped = 0
        self._models: dict[str, tuple[str, ...]] = {}
        self._registered: set[str] = set()
        self._schema_ready = False
        self._connection: object | None = None
        self._wake = threading.Event()
        self._done = threading.Condition()
        self._requested = self._completed = 0
        self._stop_at: float | None = None
        self._thread: threading.Thread | None = None
        self._backoff = 0.0
        self._retry_at = self._next_scan = self._next_purge = 0.0
        self._failing_since: float | None = None
        self._warned_at = -WARN_EVERY_SECONDS
        self._left = 0

    # -- called by request handlers -----------------------------------------------------------------

    def log_prediction(self, row: dict) -> None:
        """Make one `predictions` row durable (raises SpoolError when the local disk refuses it)."""
        self.spool.append(encode_row(predictions, row))

    def log_request(self, row: dict) -> None:
        """Make one `requests` row durable."""
        self.spool.append(encode_row(requests, row))

    def register_model(self, version: str, feature_names: tuple[str, ...]) -> None:
        """Record (with the next delivery) the order of the stored features of a model version."""
        self._models[version] = tuple(feature_names)
        self._wake.set()

    @property
    def waiting(self) -> int:
        return self.spool.waiting

    def flush(self, timeout: float = 2.0) -> bool:
        """Wait until every row logged so far is in the database (False after `timeout` seconds)."""
        if self._thread is None:
            return self.waiting == 0
        with self._done:
            self._requested += 1
            target = self._requested
            self._wake.set()
            return self._done.wait_for(lambda: self._completed >= target, timeout)

    # -- life cycle ----------------------------------------------------------------------------------

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="prediction-log-shipper", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> int:
        """Deliver what can be delivered within `timeout` seconds; returns the rows left in the spool."""
        if self._thread is None:
            self.engine.dispose()
            return self.spool.close()
        self._stop_at = time.monotonic() + timeout
        self._wake.set()
        self._thread.join(timeout + self.write_timeout)
        if self._thread.is_alive():
            logger.error(
                "prediction log: the shipper did not stop; rows left stay in %s", self.spool.directory
            )
            return self.waiting
        self._thread = None
        return self._left

    def _run(self) -> None:
        while self._stop_at is None:
            self._wake.wait(self.flush_seconds)
            self._wake.clear()
            self._cycle()
        self._next_scan = 0.0  # what dead workers left is delivered at shutdown too, if the database takes it
        while self._stop_at - time.monotonic() > 0 and not self._cycle(final=True):
            time.sleep(min(0.2, max(self._stop_at - time.monotonic(), 0)))
        self._left = self.spool.close()
        self.engine.dispose()
        prometheus.set_log_waiting(0)
        if self._left:
            logger.warning(
                "prediction log: %d rows not delivered at shutdown stay in %s; the next start ships them",
                self._left,
                self.spool.directory,
            )

    # -- one round of delivery -----------------------------------------------------------------------

    def _cycle(self, final: bool = False) -> bool:
        """Rotate, then deliver everything waiting unless backing off; True when nothing is left."""
        requested = self._requested
        self.spool.rotate()
        now = time.monotonic()
        if now >= self._next_scan:
            for token in self.spool.claim_orphans():
                pid = token.split("-", 1)[0]
                if pid.isdigit():
                    prometheus.forget_process(int(pid))
            self._next_scan = now + ORPHAN_SCAN_SECONDS
        pending = self.spool.pending()
        purge_due = self.retention_days > 0 and now >= self._next_purge
        idle = not pending and set(self._models) <= self._registered and not purge_due
        if idle or (now < self._retry_at and not final):  # nothing to do, or backing off
            prometheus.set_log_waiting(self.waiting)
            if idle:
                self._done_up_to(requested)
            return idle
        try:
            self._prepare()
            for segment in pending:
                self._ship(segment)
        except Exception as error:
            self._failed(error)
            return False
        finally:
            prometheus.set_log_waiting(self.waiting)
        self._recovered()
        self._done_up_to(requested)  # every row logged before the rotation is in the database
        return self.waiting == 0 and set(self._models) <= self._registered

    def _done_up_to(self, requested: int) -> None:
        with self._done:
            self._completed = max(self._completed, requested)
            self._done.notify_all()

    def _prepare(self) -> None:
        if not self._schema_ready:
            self._guarded(lambda: upgrade(self.engine))
            self._schema_ready = True
        for version, names in list(self._models.items()):
            if version not in self._registered:
                if not self._guarded(lambda v=version, n=names: register_model(self.engine, v, n)):
                    logger.error(
                        "prediction log: model %s was registered with other stored features; its rows "
                        "decode with the first ones (change the log policy only with a new model version)",
                        version,
                    )
                self._registered.add(version)
        if self.retention_days > 0 and time.monotonic() >= self._next_purge:
            cutoff = datetime.now(UTC).replace(tzinfo=None) - timedelta(days=self.retention_days)
            purged = self._guarded(lambda: self._in_transaction(lambda conn: purge_before(conn, cutoff)))
            if purged:
                logger.info("prediction log: %d rows older than %d days deleted", purged, self.retention_days)
            self._next_purge = time.monotonic() + PURGE_EVERY_SECONDS

    def _ship(self, segment: Segment) -> None:
        rows: list[tuple[Table, dict]] = []
        key = segment.key
        for number, line in enumerate(self.spool.read(segment)):
            try:
                rows.append(decode_row(line, f"{key}:{number}"))
            except (ValueError, KeyError, TypeError):
                logger.error(
                    "prediction log: line %d of segment %s is not a log row; skipped", number, segment.key
                )
        try:
            for start in range(0, len(rows), self.batch_rows):
                batch = rows[start : start + self.batch_rows]
                self._guarded(lambda b=batch: self._in_transaction(lambda conn: self._insert(conn, b)))
        except (IntegrityError, DataError) as error:  # the database refuses these rows, not the connection
            kept = self.spool.reject(segment)
            logger.error(
                "prediction log: the database refuses segment %s (%s); kept in %s",
                segment.key,
                _reason(error),
                kept,
            )
            return
        self.spool.done(segment)
        self.shipped += len(rows)
        prometheus.count_log_shipped(len(rows))

    @staticmethod
    def _insert(conn: object, rows: list[tuple[Table, dict]]) -> None:
        for table in TABLES.values():
            batch = [row for t, row in rows if t is table]
            if batch:
                insert_rows(conn, table, batch, skip_existing="row_key")

    def _in_transaction(self, work: Callable[[object], T]) -> T:
        with self.engine.begin() as conn:
            return work(conn)

    def _guarded(self, work: Callable[[], T]) -> T:
        """Run a database call; past the write timeout (or the stop deadline) its connection is broken."""
        limit = self.write_timeout
        if self._stop_at is not None:
            limit = max(0.1, min(limit, self._stop_at - time.monotonic()))
        self._connection = None
        watchdog = threading.Timer(limit, self._interrupt, args=(limit,))
        watchdog.daemon = True
        watchdog.start()
        try:
            return work()
        finally:
            watchdog.cancel()

    def _track(self, dbapi_connection: object, *_pooled: object) -> None:
        """The connection a database call now uses (for the watchdog)."""
        self._connection = dbapi_connection

    def _interrupt(self, limit: float) -> None:
        connection = self._connection
        logger.warning(
            "prediction log: a database call took over %.1f s; abandoned, it will be retried", limit
        )
        if connection is not None:
            try:
                _break(connection)
            except Exception as error:  # noqa: BLE001 - the call may have ended meanwhile
                logger.warning("prediction log: could not break the hung connection (%s)", _reason(error))

    def _failed(self, error: BaseException) -> None:
        now = time.monotonic()
        prometheus.count_log_failure()
        self.engine.dispose()  # the next try opens a new connection (this one may be broken)
        self._schema_ready = False  # the database may come back empty: create and register again
        self._registered.clear()
        self._failing_since = self._failing_since or now
        self._backoff = min(self.max_backoff, max(self.flush_seconds, self._backoff * 2))
        self._retry_at = now + self._backoff
        if now - self._warned_at >= WARN_EVERY_SECONDS:
            self._warned_at = now
            logger.warning(
                "prediction log: %d rows waiting in %s: the database is unavailable (%s); retrying in %.2g s",
                self.waiting,
                self.spool.directory,
                _reason(error),
                self._backoff,
            )

    def _recovered(self) -> None:
        if self._failing_since is not None:
            logger.info(
                "prediction log: the database takes rows again after %.0f s; waiting rows delivered",
                time.monotonic() - self._failing_since,
            )
        self._failing_since, self._backoff, self._retry_at = None, 0.0, 0.0
        self._warned_at = -WARN_EVERY_SECONDS
