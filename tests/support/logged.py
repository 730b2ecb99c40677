"""Waiting for an API started by a test to have logged its scores (its log writer works in the background)."""

from __future__ import annotations

import time

from sqlalchemy import Engine, select

from scoring.db.tables import predictions


def wait_logged(engine: Engine, hashes: set[str], timeout: float = 120.0) -> None:
    """Until the prediction log holds a score of each client hash in `hashes`."""
    deadline = time.monotonic() + timeout
    while True:
        with engine.connect() as conn:
            query = select(predictions.c.client_hash).where(predictions.c.client_hash.in_(hashes))
            logged = set(conn.execute(query).scalars())
        if logged == hashes:
            return
        assert time.monotonic() < deadline, f"{len(hashes - logged)} scores not logged in {timeout:.0f} s"
        time.sleep(0.2)
