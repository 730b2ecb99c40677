"""`make run`'s apps (the `serve` recipe: API and dashboard together) stop cleanly on Ctrl-C, and whatever the
scoring home holds at run time is kept out of git."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from devtools.servers import API, REPO, clean_environment, free_port
from scoring.home import Paths

STOP_SECONDS = 5.0
TROUBLE = ("Segmentation fault", "nanobind", "leaked", "Traceback")


def port_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def wait_serving(api_port: int, dashboard_port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()[-4000:]
        try:
            ready = httpx.get(f"http://127.0.0.1:{api_port}{API}/ready", timeout=2).status_code == 200
            page = httpx.get(f"http://127.0.0.1:{dashboard_port}/login", timeout=5).status_code == 200
            if ready and page:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise TimeoutError(f"make serve never served:\n{log.read_text()[-4000:]}")


@pytest.mark.slow
def test_ctrl_c_stops_api_and_dashboard_and_frees_both_ports(demo_home: Path, tmp_path: Path) -> None:
    api_port, dashboard_port = free_port(), free_port()
    env = clean_environment(
        SCORING_HOME=str(demo_home),
        SCORING_DATABASE_URL=f"sqlite:///{tmp_path / 'predictions.db'}",
        SCORING_LOG_SALT="clean-stop",
        API_PORT=str(api_port),
        API_WORKERS="2",
        DASHBOARD_PORT=str(dashboard_port),
    )
    log = tmp_path / "make.log"
    with log.open("w") as out:
        make = subprocess.Popen(
            ["make", "--no-print-directory", "serve"],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, as a terminal gives a command
        )
    try:
        wait_serving(api_port, dashboard_port, make, log)
        history = {"bureau": [{"SK_ID_BUREAU": 1, "DAYS_CREDIT": -400}]}  # DuckDB runs in a worker
        application = {"NAME_CONTRACT_TYPE": "Cash loans", "AMT_INCOME_TOTAL": 1e5, "AMT_CREDIT": 2e5}
        posted = httpx.post(
            f"http://127.0.0.1:{api_port}{API}/score",
            json={**application, "DAYS_BIRTH": -12000, "history": history},
            timeout=60,
        )
        assert posted.status_code == 200, posted.text
        os.killpg(make.pid, signal.SIGINT)  # Ctrl-C
        started = time.monotonic()
        while not (port_free(api_port) and port_free(dashboard_port)):
            assert time.monotonic() - started < STOP_SECONDS, "a port is still taken after Ctrl-C"
            time.sleep(0.05)
        make.wait(timeout=30)
    finally:
        if make.poll() is None:
            os.killpg(make.pid, signal.SIGKILL)
            make.wait()
    output = log.read_text()
    assert not [t for t in TROUBLE if t in output], output[-4000:]
    assert output.count("Application shutdown complete") == 2, output[-4000:]
    assert "dashboard stopped" in output


def test_a_process_that_froze_the_loaded_objects_exits_without_a_leak_report() -> None:
    """gc.freeze() keeps DuckDB's module objects alive past shutdown unless they are unfrozen at exit."""
    program = "import duckdb, sys; from api.state import freeze_loaded; freeze_loaded(); print('frozen')"
    done = subprocess.run(
        [sys.executable, "-c", program], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0 and done.stdout.strip() == "frozen", done.stderr
    assert not [t for t in TROUBLE if t in done.stderr], done.stderr[-2000:]


def test_runtime_files_of_the_home_are_ignored_by_git() -> None:
    paths = Paths(REPO)
    runtime = [paths.predictions_db, paths.undelivered, paths.log_salt, paths.metrics / "counter.db"]
    assert all(p.is_relative_to(paths.runtime) for p in runtime)
    if not (REPO / ".git").exists():  # a source archive: read .gitignore instead of asking git
        assert "/data/runtime/" in (REPO / ".gitignore").read_text().splitlines()
        return
    names = [str(p.relative_to(REPO)) for p in runtime]
    checked = subprocess.run(["git", "check-ignore", *names], cwd=REPO, capture_output=True, text=True)
    assert checked.stdout.split() == names
