"""Run what the `scale` compose profile runs, without Docker: Debian's nginx with docker/nginx/nginx.conf in
front of local `python -m api` replicas (one worker each, loading the model before they listen)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from devtools.servers import API, free_port
from tests.conftest import REPO

NGINX_CONF = REPO / "docker" / "nginx" / "nginx.conf"
ACCESS_LINE = re.compile(r'^(\S+) \S+ (\d+) "([^"]*)" "[^"]*" \S+$')
UPSTREAM = re.compile(r"^(\s*)server api-replica:8000 (?P<options>[^;]*);$", re.MULTILINE)


def nginx_binary() -> str:
    """Debian's nginx (fails, no skip, when missing: `make setup-test` installs it)."""
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if found is None:
        pytest.fail("nginx not found: run `make setup-test` (it installs Debian's nginx)")
    return found


def render(ports: list[int], listen: int, root: Path) -> str:
    """The compose profile's nginx.conf with local replicas, a loopback listener and paths under `root`."""
    text = NGINX_CONF.read_text()
    match = UPSTREAM.search(text)
    assert match, f"{NGINX_CONF}: no `server api-replica:8000 ...;` line"
    servers = "\n".join(f"{match[1]}server 127.0.0.1:{port} {match['options']};" for port in ports)
    text = text[: match.start()] + servers + text[match.end() :]
    text = text.replace("/tmp/", f"{root}/").replace("listen 8080;", f"listen 127.0.0.1:{listen};")
    text = text.replace("access_log /dev/stdout", f"access_log {root}/access.log")
    text = text.replace("error_log /dev/stderr", f"error_log {root}/error.log")
    # Run as root (CI), nginx's workers would become `nobody`, which cannot reach a private temporary folder.
    return ("user root;\n" if os.geteuid() == 0 else "") + text


@dataclass
class Replica:
    """One `python -m api` process with one worker on a fixed port."""

    home: Path
    database_url: str
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    log: Path | None = None

    def start(self, log: Path) -> None:
        env = {
            **os.environ,
            "SCORING_HOME": str(self.home),
            "SCORING_DATABASE_URL": self.database_url,
            "SCORING_LOG_SALT": "replica-salt",
            "SCORING_BACKGROUND_LOAD": "false",
        }
        for name in ("DATABASE_URL", "PROMETHEUS_MULTIPROC_DIR", "SCORING_API_KEY"):
            env.pop(name, None)
        command = [sys.executable, "-m", "api"]
        command += ["--port", str(self.port), "--workers", "1", "--no-access-log"]
        self.log = log
        with log.open("ab") as out:
            self.process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None and self.process.poll() is None, self.output()
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}{API}/ready", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"replica on {self.port} not ready in {timeout:.0f} s:\n{self.output()}")

    def kill(self) -> None:
        """SIGKILL: the replica dies at once, requests in flight on it included."""
        assert self.process is not None
        self.process.kill()
        self.process.wait()

    def stop(self, timeout: float = 60.0) -> bool:
        """SIGTERM, then whether the replica shut down gracefully (one uvicorn worker re-raises the signal
        once it has finished, so -SIGTERM is a clean exit too)."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout)
        return code in (0, -signal.SIGTERM) and "Application shutdown complete" in self.output()

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:] if self.log and self.log.exists() else ""


@dataclass
class Balancer:
    """nginx in the foreground with the rendered configuration."""

    root: Path
    port: int
    process: subprocess.Popen

    @classmethod
    def start(cls, ports: list[int], root: Path) -> Balancer:
        root.mkdir(parents=True, exist_ok=True)
        listen = free_port()
        conf = root / "nginx.conf"
        conf.write_text(render(ports, listen, root))
        nginx = nginx_binary()
        check = subprocess.run(
            [nginx, "-t", "-c", str(conf), "-p", str(root)], capture_output=True, text=True
        )
        assert check.returncode == 0, check.stderr
        process = subprocess.Popen(
            [nginx, "-c", str(conf), "-p", str(root), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        balancer = cls(root, listen, process)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(f"http://127.0.0.1:{listen}{API}/health", timeout=2)
                return balancer
            except httpx.HTTPError:
                time.sleep(0.1)
        raise AssertionError(f"nginx did not answer:\n{(root / 'error.log').read_text()}")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGQUIT)  # graceful: finish what is in flight
        self.process.wait(30)

    def served(self) -> list[tuple[float, str, int]]:
        """(time, upstream addresses, status) of every request in the access log."""
        lines = (self.root / "access.log").read_text().splitlines()
        return [(float(m[1]), m[3], int(m[2])) for m in map(ACCESS_LINE.match, lines) if m]
