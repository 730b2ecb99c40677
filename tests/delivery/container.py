"""Run what a service's container runs, without a container engine: the image's CMD and HEALTHCHECK, with the
environment the image and the compose file give it, a few values pointed at this machine."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.conftest import REPO
from tests.delivery.compose import interpolated_compose, service_environment
from tests.delivery.dockerfile import Stage, final_stage

IMAGE_VENV_BIN = "/opt/venv/bin"
VENV_BIN = str(Path(sys.prefix) / "bin")


def service(name: str) -> dict[str, Any]:
    """A compose service, interpolated with the values of .env.example."""
    return interpolated_compose()["services"][name]


def image_stage(name: str) -> Stage:
    """The final stage of the Dockerfile the compose service `name` is built from."""
    build = service(name)["build"]
    return final_stage(REPO / build["context"] / build["dockerfile"])


def local_path(image_path: str) -> str:
    """The image's PATH with its virtual environment replaced by the one running these tests."""
    parts = image_path.split(":")
    if IMAGE_VENV_BIN not in parts:
        raise AssertionError(f"the image's PATH does not reach {IMAGE_VENV_BIN}: {image_path}")
    return ":".join(VENV_BIN if part == IMAGE_VENV_BIN else part for part in parts)


def container_env(name: str, overrides: dict[str, str]) -> dict[str, str]:
    """Service `name`'s container environment: image ENV, then compose `environment:`, then overrides."""
    stage = image_stage(name)
    env = {**stage.env, **service_environment(service(name))}
    return {**env, "PATH": local_path(env["PATH"]), **overrides}


def duration_seconds(option: str | None, default: float = 0.0) -> float:
    """A Docker duration such as `3s`, `1m30s` or `500ms` in seconds."""
    if not option:
        return default
    units = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|s|m|h)", option)
    return sum(float(value) * units[unit] for value, unit in parts)


@dataclass
class Container:
    """A running CMD of an image, its output in a log file."""

    stage: Stage
    env: dict[str, str]
    process: subprocess.Popen
    log: Path

    @classmethod
    def start(cls, stage: Stage, env: dict[str, str], workdir: Path, log: Path) -> Container:
        """Start the image's CMD in `workdir` (its WORKDIR) with exactly `env`."""
        with log.open("wb") as out:
            process = subprocess.Popen(stage.cmd, env=env, cwd=workdir, stdout=out, stderr=subprocess.STDOUT)
        return cls(stage, env, process, log)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def healthcheck(self) -> subprocess.CompletedProcess:
        """One run of the image's HEALTHCHECK command with the container's environment."""
        check = self.stage.healthcheck
        if check is None:
            raise AssertionError("the image has no HEALTHCHECK")
        timeout = duration_seconds(check.options.get("timeout"), 30.0)
        try:
            return subprocess.run(
                check.command, env=self.env, capture_output=True, text=True, timeout=timeout
            )
        except subprocess.TimeoutExpired:
            return subprocess.CompletedProcess(check.command, 1, "", "health check timed out")

    def wait_healthy(self, timeout: float = 90.0) -> None:
        """Run the HEALTHCHECK until it passes; fail with the output if the process dies or time runs out."""
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise AssertionError(f"exited with {self.process.returncode}:\n{self.output()[-4000:]}")
            result = self.healthcheck()
            if result.returncode == 0:
                return
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"never healthy: {result.stdout}{result.stderr}\n{self.output()[-4000:]}"
                )
            time.sleep(0.25)

    def stop(self, timeout: float = 60.0) -> int:
        """SIGTERM (what `docker stop` sends), then the exit code; SIGKILL if it outlives `timeout`."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise
