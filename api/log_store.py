"""Buffered, background writes to the prediction log: a response never waits for the database.

Rows are appended to an in-memory buffer (a deque: no lock, no thread wake-up per row, so the serving
threads never wait for the writer) and written in batches by one thread every `flush_seconds`; a failed
write is retried (rows are kept), and `stop()` writes everything still buffered, so no row is lost by a
graceful shutdown. Rows that still cannot be written at shutdown go to a JSON-lines file beside the log,
with an error in the server log.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
import time
from collections import deque
from pathlib import Path

from sqlalchemy import Engine, Table

from scoring.serving.prediction_log import predictions, requests

logger = logging.getLogger("api.log_store")


class LogWriter:
    """Rows buffered in memory, written by a background thread every `flush_seconds` in batches."""

    def __init__(
        self,
        engine: Engine,
        fallback_path: Path,
        flush_seconds: float = 0.5,
        batch_rows: int = 5000,
        stop_attempts: int = 10,
    ) -> None:
        self.engine = engine
        self.fallback_path = fallback_path
        self.flush_seconds = flush_seconds
        self.batch_rows = batch_rows
        self.stop_attempts = stop_attempts
        self._buffer: deque[tuple[Table, dict] | threading.Event] = deque()
        self._wake = threading.Event()
        self._stopping = False
        self._thread: threading.Thread | None = None
        self.written = 0

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="prediction-log-writer", daemon=True)
        self._thread.start()

    def log_prediction(self, row: dict) -> None:
        """Buffer one row of the `predictions` table (never blocks)."""
        self._buffer.append((predictions, row))

    def log_request(self, row: dict) -> None:
        """Buffer one row of the `requests` table (never blocks)."""
        self._buffer.append((requests, row))

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until every row buffered so far is written (False if that takes longer than `timeout`)."""
        if self._thread is None:
            return True
        done = threading.Event()
        self._buffer.append(done)
        self._wake.set()
        return done.wait(timeout)

    def stop(self, timeout: float = 30.0) -> None:
        """Write every buffered row, then end the thread."""
        if self._thread is None:
            return
        self._stopping = True
        self._wake.set()
        self._thread.join(timeout)
        self._thread = None

    def _run(self) -> None:
        pending: list[tuple[Table, dict]] = []
        waiting: list[threading.Event] = []
        while True:
            stopping = self._stopping
            if not stopping and len(self._buffer) < self.batch_rows:
                self._wake.wait(self.flush_seconds)
                self._wake.clear()
            while self._buffer and len(pending) < self.batch_rows:
                item = self._buffer.popleft()
                if isinstance(item, threading.Event):
                    waiting.append(item)
                else:
                    pending.append(item)
            if pending:
                pending = self._write(pending, attempts=self.stop_attempts if stopping else 1)
            if not pending:
                for event in waiting:
                    event.set()
                waiting.clear()
            if stopping and (pending or not self._buffer):
                break
        rest = [item for item in self._buffer if not isinstance(item, threading.Event)]
        if pending or rest:
            self._spill(pending + rest)

    def _write(self, rows: list[tuple[Table, dict]], attempts: int) -> list[tuple[Table, dict]]:
        """Insert the rows in one transaction; return them (to retry) when the database refuses."""
        for attempt in range(attempts):
            try:
                with self.engine.begin() as conn:
                    for table in (predictions, requests):
                        batch = [row for t, row in rows if t is table]
                        if batch:
                            conn.execute(table.insert(), batch)
                self.written += len(rows)
                return []
            except Exception:
                logger.exception(
                    "prediction log: write of %d rows failed (attempt %d)", len(rows), attempt + 1
                )
                time.sleep(min(0.2 * 2**attempt, 2.0))
        return rows

    def _spill(self, rows: list[tuple[Table, dict]]) -> None:
        """Keep rows the database refused at shutdown in a JSON-lines file."""
        self.fallback_path.parent.mkdir(parents=True, exist_ok=True)
        with self.fallback_path.open("a") as handle:
            for table, row in rows:
                record = {k: _jsonable(v) for k, v in row.items()}
                handle.write(json.dumps({"table": table.name, **record}) + "\n")
        logger.error("prediction log: %d rows not written, kept in %s", len(rows), self.fallback_path)


def _jsonable(value: object) -> object:
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
