"""Run what the images run: each Dockerfile's CMD and HEALTHCHECK, with the image ENV and compose environment.

Only SCORING_HOME (the tests' small scoring home), the ports, PATH (this virtual environment instead of
/opt/venv) and DATABASE_URL's host and port (a PostgreSQL server of the tests) differ from what docker
compose runs.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import shutil
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from devtools.servers import free_port
from scoring.home import Paths
from tests.api.conftest import APPLICATION
from tests.delivery.container import Container, container_env, image_stage, service
from tests.delivery.sockets import wait_until_read

pytestmark = pytest.mark.slow  # PostgreSQL and the images' commands

API = "/api/v1"
BURST = 6
BATCH = 400
# The .env.example placeholders, which the apps refuse to start with, replaced as an operator must.
KEYS = {
    "SCORING_API_KEY": "entrypoints-api-key-0123456789",
    "SCORING_ADMIN_KEY": "entrypoints-admin-key-0123456789",
    "SCORING_SERVICE_API_KEY": "entrypoints-service-key-0123456789",
    "SCORING_LOG_SALT": "entrypoints-log-salt-0123456789",
    "SCORING_SECRET_KEY": "entrypoints-session-key-0123456789",
}


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def emulate_db_service(postgres_url: str) -> str:
    """Create the role and database that the db service's environment asks the postgres image for; returns
    the api service's DATABASE_URL pointed at this server."""
    db_env = {key: str(value) for key, value in service("db")["environment"].items()}
    user, password, database = db_env["POSTGRES_USER"], db_env["POSTGRES_PASSWORD"], db_env["POSTGRES_DB"]
    admin = create_engine(make_url(postgres_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :u"), {"u": user}).first() is None:
            conn.execute(text(f"CREATE ROLE {_quoted(user)} LOGIN PASSWORD {_literal(password)}"))
        if (
            conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": database}).first()
            is None
        ):
            conn.execute(text(f"CREATE DATABASE {_quoted(database)} OWNER {_quoted(user)}"))
        else:
            conn.execute(text(f"ALTER DATABASE {_quoted(database)} OWNER TO {_quoted(user)}"))
    admin.dispose()
    server = make_url(postgres_url)
    compose_url = make_url(service("api")["environment"]["DATABASE_URL"])
    return compose_url.set(host=server.host, port=server.port).render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def database_url(postgres_url: str) -> str:
    return emulate_db_service(postgres_url)


@dataclass
class Api:
    """A running API container: its address, API key and process."""

    container: Container
    port: int
    key: str

    def connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        conn = self.connection()
        conn.request("GET", path, headers={"X-API-Key": self.key} if headers is None else headers)
        response = conn.getresponse()
        body = response.read()
        conn.close()
        return response.status, body


def start_api(home: Path, database_url: str, log: Path) -> Api:
    """The api service's container on a free port, once its HEALTHCHECK passes."""
    port = free_port()
    overrides = {"SCORING_HOME": str(home), "API_PORT": str(port), "DATABASE_URL": database_url, **KEYS}
    env = container_env("api", overrides)
    container = Container.start(image_stage("api"), env, home, log)
    try:
        container.wait_healthy()
    except AssertionError:
        container.stop()
        raise
    return Api(container, port, env["SCORING_API_KEY"])


@dataclass
class ApiService:
    """The module's api container: started on first use, and again if a test stopped it (the SIGTERM test,
    the last to use it, stops it instead of starting one of its own)."""

    home: Path
    database_url: str
    logs: Path
    running: Api | None = None

    def get(self) -> Api:
        if self.running is None or self.running.container.process.poll() is not None:
            log = self.logs / f"api-{len(list(self.logs.iterdir()))}.log"
            self.running = start_api(self.home, self.database_url, log)
        return self.running


@pytest.fixture(scope="module")
def api_service(
    demo_home: Path, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ApiService]:
    service = ApiService(demo_home, database_url, tmp_path_factory.mktemp("api-log"))
    yield service
    if service.running is not None:
        service.running.container.stop()


@pytest.fixture
def api(api_service: ApiService) -> Api:
    """The module's running api container."""
    return api_service.get()


def wait_for_rows(database_url: str, query: str, params: dict, expected: int, timeout: float = 30.0) -> list:
    """The rows of `query` once there are `expected` of them (the log is written by a background writer)."""
    engine = create_engine(database_url)
    deadline = time.monotonic() + timeout
    try:
        while True:
            with engine.connect() as conn:
                rows = conn.execute(text(query), params).all()
            if len(rows) >= expected or time.monotonic() > deadline:
                return rows
            time.sleep(0.2)
    finally:
        engine.dispose()


def test_api_image_settings(api: Api) -> None:
    """Two workers, a key on every scoring route, health routes open (what the HEALTHCHECK relies on)."""
    assert api.container.env["API_WORKERS"] == "2"
    assert api.get(f"{API}/clients?limit=1", headers={})[0] == 401
    assert api.get(f"{API}/ready", headers={})[0] == 200


def test_api_scores_land_in_postgresql_with_hashed_ids(api: Api, database_url: str, demo_home: Path) -> None:
    status, body = api.get(f"{API}/clients?limit=5")
    assert status == 200
    ids = [int(i) for i in json.loads(body)["ids"]]
    assert len(ids) == 5
    request_ids = []
    for client_id in ids:
        request_id = uuid.uuid4().hex
        conn = api.connection()
        conn.request(
            "GET",
            f"{API}/clients/{client_id}/score",
            headers={"X-API-Key": api.key, "X-Request-ID": request_id},
        )
        response = conn.getresponse()
        assert response.status == 200, response.read()
        response.read()
        request_ids.append(request_id)
    rows = wait_for_rows(
        database_url,
        "SELECT request_id, client_hash, kind FROM predictions WHERE request_id = ANY(:ids)",
        {"ids": request_ids},
        len(ids),
    )
    salt = api.container.env["SCORING_LOG_SALT"].encode()
    expected = {hmac.new(salt, str(i).encode(), hashlib.sha256).hexdigest() for i in ids}
    assert len(rows) == len(ids)
    assert {row.client_hash for row in rows} == expected
    assert {row.kind for row in rows} == {"client"}
    assert not Paths(demo_home).log_salt.exists(), "the salt comes from SCORING_LOG_SALT, not a file"


def test_dashboard_image_runs_against_the_api(api: Api, tmp_path: Path) -> None:
    port = free_port()
    sessions = tmp_path / "sessions"  # the image's /sessions volume
    overrides = {
        "DASHBOARD_PORT": str(port),
        "SCORING_API_URL": f"http://127.0.0.1:{api.port}",
        "SCORING_DASHBOARD_SESSION_DIR": str(sessions),
        **KEYS,
        "SCORING_DASHBOARD_API_KEY": api.key,  # compose hands it the API's SCORING_API_KEY
    }
    env = container_env("dashboard", overrides)
    assert service("dashboard")["environment"]["SCORING_DASHBOARD_SESSION_DIR"] == "/sessions"
    container = Container.start(image_stage("dashboard"), env, tmp_path, tmp_path / "dashboard.log")
    try:
        container.wait_healthy()
    finally:
        container.stop()


class Burst:
    """Concurrent batch scores, one connection each: which are still unanswered, and what each got back."""

    def __init__(self, api: Api, size: int) -> None:
        self.api = api
        self.ids = [uuid.uuid4().hex for _ in range(size)]
        self.ports: dict[str, int] = {}
        self.results: dict[str, tuple[int | None, bytes]] = {}
        self.sent = [threading.Event() for _ in self.ids]
        self.threads = [
            threading.Thread(target=self._post, args=(rid, sent))
            for rid, sent in zip(self.ids, self.sent, strict=True)
        ]

    def _post(self, request_id: str, sent: threading.Event) -> None:
        applications = [{**APPLICATION, "AMT_CREDIT": 200_000.0 + 100 * i} for i in range(BATCH)]
        body = json.dumps({"applications": applications})
        headers = {"X-API-Key": self.api.key, "X-Request-ID": request_id, "Content-Type": "application/json"}
        conn = self.api.connection()
        try:
            conn.connect()
            self.ports[request_id] = conn.sock.getsockname()[1]
            conn.request("POST", f"{API}/score/batch?explain=true", body, headers)
            sent.set()
            response = conn.getresponse()
            self.results[request_id] = (response.status, response.read())
        except OSError as error:
            self.results[request_id] = (None, repr(error).encode())
        finally:
            sent.set()
            conn.close()

    def send(self) -> None:
        """Start every request and return once each is wholly sent."""
        for thread in self.threads:
            thread.start()
        for sent in self.sent:
            sent.wait(60)

    def unanswered_ports(self) -> list[int]:
        return [port for rid, port in list(self.ports.items()) if rid not in self.results]

    def join(self) -> None:
        for thread in self.threads:
            thread.join(120)


def test_sigterm_finishes_in_flight_requests_and_logs_every_row(api: Api, database_url: str) -> None:
    """SIGTERM to the module's API (a test after this one would get a new one) with a burst in flight."""
    burst = Burst(api, BURST)
    try:
        burst.send()
        # SIGTERM once the server holds every unanswered request (read from its socket): they are in flight.
        wait_until_read(api.port, burst.unanswered_ports)
        in_flight = len(burst.unanswered_ports())
        code = api.container.stop()
    finally:
        burst.join()
    assert in_flight > 0, "the burst was answered before SIGTERM: nothing was in flight"
    assert code == 0, api.container.output()[-4000:]
    for rid in burst.ids:
        status, body = burst.results[rid]
        assert status == 200, body[-500:]
        assert len(json.loads(body)["results"]) == BATCH
    rows = wait_for_rows(
        database_url,
        "SELECT request_id, count(*) AS n FROM predictions WHERE request_id = ANY(:ids) GROUP BY request_id",
        {"ids": burst.ids},
        BURST,
        timeout=5,
    )
    assert {row.request_id: row.n for row in rows} == dict.fromkeys(burst.ids, BATCH)


def _snapshot(home: Path) -> dict[str, int]:
    """Every file under `home` with its modification time."""
    return {str(p.relative_to(home)): p.stat().st_mtime_ns for p in home.rglob("*") if p.is_file()}


def test_pipeline_image_skips_done_steps_and_is_then_a_no_op(demo_home: Path, tmp_path: Path) -> None:
    """On a home with data, features and a champion, only the missing drift report is made (drift found is
    not a failure); a second run changes nothing. No retraining: it would need the /app MLflow store."""
    home = tmp_path / "home"
    shutil.copytree(demo_home, home)
    trained = {k: v for k, v in _snapshot(home).items() if not k.startswith("reports")}
    env = container_env("pipeline", {"SCORING_HOME": str(home)})
    stage = image_stage("pipeline")
    first = subprocess.run(stage.cmd, env=env, cwd=home, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, (first.stdout + first.stderr)[-4000:]
    assert (home / "reports" / "drift" / "index.json").exists()
    after = _snapshot(home)
    assert {k: v for k, v in after.items() if not k.startswith("reports")} == trained
    second = subprocess.run(stage.cmd, env=env, cwd=home, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, (second.stdout + second.stderr)[-4000:]
    assert _snapshot(home) == after
