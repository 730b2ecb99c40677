"""An API of a browser test's own, for the tests whose changes the other browser tests must not see (an
active strategy, approved grants, loaded outcomes, a back-dated log): a copy of the demo home served on a
database of its own, with a dashboard (sign-in on) against it; users added, stored clients scored through the
API and their prediction-log rows moved back in time as the test needs."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, select

from devtools.servers import API, Service, start_api, start_dashboard, wait_api_ready
from scoring.db.audit import Actor
from scoring.db.engine import open_database, write_transaction
from scoring.db.tables import predictions
from scoring.db.users import create_user
from scoring.serving.prediction_log import client_hash
from tests.support.logged import wait_logged

CLI = Actor("cli:tests", source="cli")


@dataclass
class OwnApi:
    """The API (with its home, database and salt) and the signed-in dashboard against it."""

    home: Path
    api: Service
    dashboard: Service
    engine: Engine
    http: httpx.Client  # to the API, with its key
    salt: str

    def hashed(self, client_id: int) -> str:
        """The client's hash in the prediction log and the audit trail."""
        return client_hash(client_id, self.salt.encode()) or ""

    def add_users(self, roles: dict[str, str], password: str) -> None:
        """Accounts (user name -> role) with one password, created as `scoring users add` does."""
        for name, role in roles.items():
            create_user(self.engine, name, role, password, CLI)

    def score(self, client_id: int) -> dict:
        """The stored client's score, logged as an officer's view is."""
        response = self.http.get(f"/clients/{client_id}/score")
        response.raise_for_status()
        return response.json()

    def wait_logged(self, client_ids: list[int]) -> None:
        """Until the log holds a score of each client (the API's log writer works in the background)."""
        wait_logged(self.engine, {self.hashed(c) for c in client_ids})

    def move_back(self, client_id: int, by: timedelta) -> list[datetime]:
        """Move the client's logged scores back by `by`; their new times."""
        hashed = self.hashed(client_id)
        moved = []
        with write_transaction(self.engine) as conn:  # the API writes too: a read first must not go stale
            query = select(predictions.c.id, predictions.c.created_at).where(
                predictions.c.client_hash == hashed
            )
            for row_id, created_at in conn.execute(query).all():
                moved.append(created_at - by)
                conn.execute(
                    predictions.update().where(predictions.c.id == row_id).values(created_at=moved[-1])
                )
        return moved


@contextlib.contextmanager
def own_api(
    factory: pytest.TempPathFactory, demo_home: Path, name: str, key: str, salt: str, **settings: str
) -> Iterator[OwnApi]:
    """The API on a copy of the demo home (`settings`: more of its environment) and a dashboard with sign-in
    against it, both started at once and stopped at the end."""
    home = factory.mktemp(name) / "home"
    shutil.copytree(demo_home, home)
    logs = factory.mktemp(f"{name}-logs")
    database = f"sqlite:///{logs / 'product.db'}"
    api = start_api(home, logs / "api.log", database, key, salt=salt, **settings)
    dashboard = start_dashboard(api.url, logs / "dashboard.log", key, auth=True)
    engine = None
    try:
        wait_api_ready(api, 120)
        dashboard.wait("/login", 60)
        engine = open_database(database)
        with httpx.Client(base_url=f"{api.url}{API}", headers={"X-API-Key": key}, timeout=30) as http:
            yield OwnApi(home, api, dashboard, engine, http, salt)
    finally:
        for server in (dashboard, api):
            server.stop()
        if engine is not None:
            engine.dispose()
