"""The apps as subprocesses on free loopback ports, started through their own entry points (`python -m api`,
`python -m dashboard`), waited for until ready, and stopped as an operator does (SIGINT: a graceful stop).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
LOCALHOST = "127.0.0.1"
API = "/api/v1"
# Settings a developer's shell may hold that would point a started app elsewhere than the caller says.
INHERITED_OUT = ("DATABASE_URL", "PROMETHEUS_MULTIPROC_DIR", "MLFLOW_TRACKING_URI", "API_", "DASHBOARD_")
KEPT = ("SCORING_BOOTSTRAP_CSS",)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind((LOCALHOST, 0))
        return probe.getsockname()[1]


def clean_environment(**settings: str) -> dict[str, str]:
    """This process's environment without the apps' settings, plus `settings`."""
    inherited = {
        k: v
        for k, v in os.environ.items()
        if k in KEPT or not (k.startswith(INHERITED_OUT) or k.startswith("SCORING_"))
    }
    return {**inherited, **settings}


@dataclass
class Service:
    """A started app: its process, base URL and log file."""

    process: subprocess.Popen
    url: str
    log: Path

    def output(self, tail: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-tail:] if self.log.exists() else ""

    def wait(self, path: str, timeout: float, ok: int = 200) -> None:
        """Poll `path` until it answers `ok`; fail with the app's log otherwise."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.url} exited with {self.process.returncode}; log:\n{self.output()}")
            try:
                if httpx.get(self.url + path, timeout=2).status_code == ok:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise TimeoutError(f"{self.url}{path} not ready in {timeout:.0f} s; log:\n{self.output()}")

    def stop(self, timeout: float = 30.0) -> int:
        """SIGINT (as Ctrl-C), then SIGKILL when it does not exit within `timeout` s; the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


def start(module: str, args: list[str], env: dict[str, str], log: Path, url: str) -> Service:
    """`python -m <module> <args>` from the repository root, its output in `log`."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as handle:
        process = subprocess.Popen(
            [sys.executable, "-m", module, *args], env=env, stdout=handle, stderr=subprocess.STDOUT, cwd=REPO
        )
    return Service(process, url, log)


def start_api(
    home: Path,
    log: Path,
    database_url: str,
    api_key: str | None = None,
    workers: int = 1,
    salt: str = "devtools-salt",
    **settings: str,
) -> Service:
    """The API (`python -m api`, no access log) on a free port, serving the scoring home `home`; `settings`
    are more environment variables (SCORING_ADMIN_KEY="...")."""
    port = free_port()
    env = clean_environment(
        SCORING_HOME=str(home), SCORING_DATABASE_URL=database_url, SCORING_LOG_SALT=salt, **settings
    )
    if api_key:
        env["SCORING_API_KEY"] = api_key
    args = ["--host", LOCALHOST, "--port", str(port), "--workers", str(workers), "--no-access-log"]
    return start("api", args, env, log, f"http://{LOCALHOST}:{port}")


def start_dashboard(
    api_url: str, log: Path, api_key: str | None = None, timeout: float = 10.0, auth: bool = False
) -> Service:
    """The dashboard (`python -m dashboard`) on a free port, reading the API at `api_url`; sign-in off unless
    `auth` (most browser tests are not about it)."""
    port = free_port()
    env = clean_environment(SCORING_API_TIMEOUT=str(timeout), SCORING_AUTH="on" if auth else "off")
    if auth:
        env["SCORING_SECRET_KEY"] = "devtools-session-key"
    if api_key:
        env["SCORING_DASHBOARD_API_KEY"] = api_key
    args = ["--host", LOCALHOST, "--port", str(port), "--api-url", api_url]
    return start("dashboard", args, env, log, f"http://{LOCALHOST}:{port}")


def wait_api_ready(api: Service, timeout: float, explanations: bool = True) -> dict:
    """Until the model is loaded (and the stored clients' explanations are precomputed); the /ready body."""
    deadline = time.monotonic() + timeout
    api.wait(f"{API}/health", timeout)
    while time.monotonic() < deadline:
        if api.process.poll() is not None:
            raise RuntimeError(f"the API exited with {api.process.returncode}; log:\n{api.output()}")
        body = httpx.get(api.url + f"{API}/ready", timeout=5).json()
        if body.get("status") == "failed":
            raise RuntimeError(f"the API failed to load: {body.get('detail')}")
        if body.get("status") == "ready" and (not explanations or body.get("explanations") == "ready"):
            return body
        time.sleep(0.2)
    raise TimeoutError(f"the API was not ready in {timeout:.0f} s; log:\n{api.output()}")
