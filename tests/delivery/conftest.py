"""Fixtures of the delivery tests: a throwaway PostgreSQL server (the scoring home is tests/conftest.py's)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from devtools.servers import free_port

POSTGRES_BINARIES = Path("/usr/lib/postgresql")
DATABASE = "scoring"


def postgres_bin() -> Path:
    """The newest installed PostgreSQL server's bin directory; fails (no skip) when there is none."""
    found = sorted(POSTGRES_BINARIES.glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    if not found:
        pytest.fail(
            f"PostgreSQL server binaries not found under {POSTGRES_BINARIES}/*/bin: run `make setup-test`"
        )
    return found[-1].parent


def _as_postgres() -> list[str]:
    """Command prefix: initdb and postgres refuse to run as root, so root runs them as the postgres user."""
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def _run(args: list[str]) -> None:
    done = subprocess.run(_as_postgres() + args, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stdout}{done.stderr}")


def _start(binaries: Path, root: Path, port: int) -> None:
    options = (
        f"-p {port} -k {root} -c listen_addresses=127.0.0.1 "
        "-c fsync=off -c full_page_writes=off -c synchronous_commit=off"
    )
    pg_ctl = str(binaries / "pg_ctl")
    _run([pg_ctl, "-D", str(root / "data"), "-o", options, "-l", str(root / "server.log"), "-w", "start"])


def _init(binaries: Path) -> Path:
    root = Path(tempfile.mkdtemp(prefix="scoring-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    initdb = [str(binaries / "initdb"), "-D", str(root / "data"), "-A", "trust", "-U", "postgres"]
    _run([*initdb, "-E", "UTF8", "--locale=C", "--no-sync"])
    return root


def _start_on_free_port(binaries: Path, root: Path, attempts: int = 3) -> int:
    """Start the server on a free port (another process may take the port first: then try another)."""
    for attempt in range(attempts):
        port = free_port()
        try:
            _start(binaries, root, port)
            return port
        except RuntimeError:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


def _create_database(port: int) -> None:
    admin = create_engine(
        f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {DATABASE}"))
    admin.dispose()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL server of its own (trust auth, 127.0.0.1, free port) with an empty `scoring` database."""
    binaries = postgres_bin()
    root = _init(binaries)
    port = None
    try:
        port = _start_on_free_port(binaries, root)
        _create_database(port)
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/{DATABASE}"
    finally:
        if port is not None:
            _run([str(binaries / "pg_ctl"), "-D", str(root / "data"), "-m", "fast", "-w", "stop"])
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def fresh_database(postgres_url: str) -> Iterator[str]:
    """A new, empty database of its own on the session's PostgreSQL server (URL with the password)."""
    name = f"scoring_{uuid.uuid4().hex[:8]}"
    admin = create_engine(make_url(postgres_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    yield make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
