"""Servers and browser for the dashboard's browser tests and benchmark: the API and the dashboard as
subprocesses on free loopback ports, and headless Debian Chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from benchmarks.bench_api import free_port

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
AXE = Path(
    os.environ.get("AXE_CORE_JS", REPO / ".venv" / "node" / "node_modules" / "axe-core" / "axe.min.js")
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
API_KEY = "dashboard-test-key"
LOCALHOST = "127.0.0.1"


def missing_tools() -> str | None:
    """Why the browser tests cannot run here (None when they can)."""
    if not CHROMIUM.exists():
        return f"Chromium not found at {CHROMIUM} (make setup installs Debian's chromium)"
    if not AXE.exists():
        return f"axe-core not found at {AXE} (make setup installs it with npm)"
    return None


@dataclass
class Server:
    """A started subprocess, its base URL and log file."""

    process: subprocess.Popen
    url: str
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def wait(self, path: str, timeout: float, ok: int = 200) -> None:
        """Poll `path` until it answers `ok`; fail with the server's log otherwise."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if httpx.get(self.url + path, timeout=2).status_code == ok:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise RuntimeError(
            f"{self.url}{path} not ready in {timeout:.0f} s; log:\n{self.log.read_text()[-3000:]}"
        )


def _scoring() -> list[str]:
    script = shutil.which("scoring", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "scoring.cli"]


def _start(args: list[str], env: dict[str, str], log: Path, url: str) -> Server:
    handle = log.open("w")
    process = subprocess.Popen(
        [*_scoring(), *args], env={**os.environ, **env}, stdout=handle, stderr=subprocess.STDOUT, cwd=REPO
    )
    return Server(process, url, log)


def start_api(home: Path, logs: Path, api_key: str = API_KEY) -> Server:
    """`scoring api` (one worker) on a free port, its log in a SQLite file under `logs`."""
    port = free_port()
    env = {
        "SCORING_HOME": str(home),
        "SCORING_API_KEY": api_key,
        "SCORING_DATABASE_URL": f"sqlite:///{logs / 'predictions.db'}",
        "SCORING_LOG_SALT": "dashboard-tests",
    }
    args = ["api", "--host", LOCALHOST, "--port", str(port), "--workers", "1", "--no-access-log"]
    return _start(args, env, logs / "api.log", f"http://{LOCALHOST}:{port}")


def start_dashboard(
    api_url: str, logs: Path, name: str = "dashboard", api_key: str = API_KEY, auth: bool = False
) -> Server:
    """`scoring dashboard` on a free loopback port; sign-in off unless `auth` (the browser tests of the pages
    are not about it)."""
    port = free_port()
    env = {"SCORING_API_KEY": api_key, "SCORING_API_TIMEOUT": "10", "SCORING_AUTH": "on" if auth else "off"}
    if auth:
        env["SCORING_SECRET_KEY"] = "browser-tests-session-key"
    args = ["dashboard", "--host", LOCALHOST, "--port", str(port), "--api-url", api_url]
    return _start(args, env, logs / f"{name}.log", f"http://{LOCALHOST}:{port}")


def wait_api_ready(api: Server, timeout: float = 120.0) -> None:
    """Until the model is loaded and the stored clients' explanations are precomputed."""
    deadline = time.monotonic() + timeout
    api.wait("/api/v1/health", timeout)
    while time.monotonic() < deadline:
        body = httpx.get(api.url + "/api/v1/ready", timeout=2).json()
        if body.get("status") == "failed":
            raise RuntimeError(f"API failed to load: {body.get('detail')}")
        if body.get("explanations") == "ready":
            return
        time.sleep(0.2)
    raise RuntimeError(f"API not ready in {timeout:.0f} s")


@contextmanager
def chromium() -> Iterator[object]:
    """A headless Debian Chromium (Playwright); nothing is downloaded."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def open_client(page: object, base_url: str, client_id: int, timeout_ms: float = 30_000) -> float:
    """Seconds from submitting a client ID in the search box to its decision and explanation shown."""
    page.goto(base_url + "/")
    page.wait_for_selector("#client-search")
    page.fill("#client-search", str(client_id))
    started = time.perf_counter()
    page.press("#client-search", "Enter")
    page.wait_for_selector(f"#client-heading:text('Client {client_id}')", timeout=timeout_ms)
    page.wait_for_selector("#client-waterfall-graph .main-svg", timeout=timeout_ms)
    page.wait_for_selector("#client-reasons", timeout=timeout_ms)
    return time.perf_counter() - started
