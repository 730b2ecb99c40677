"""What `make run` and the step targets would execute (`make -n -B`, nothing runs): Python packages of the
runtime only, no apt, no npm, no test tooling; `make test` and `make lint` add the test tooling."""

from __future__ import annotations

import subprocess

import pytest

from tests.conftest import REPO

TEST_TOOLING = ("apt-get", "npm install", "-r requirements.lock")


def dry_run(target: str) -> str:
    """The commands `make` would run for `target` from scratch (every target out of date)."""
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", "-B", target],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("target", ["run", "pipeline", "data", "train", "api", "dashboard", "serve"])
def test_runtime_targets_need_python_and_pip_only(target: str) -> None:
    commands = dry_run(target)
    assert "-r requirements/runtime.lock" in commands
    for tooling in TEST_TOOLING:
        assert tooling not in commands, tooling


@pytest.mark.parametrize("target", ["test", "lint"])
def test_test_targets_add_the_test_tooling(target: str) -> None:
    commands = dry_run(target)
    for tooling in ("-r requirements/runtime.lock", *TEST_TOOLING):
        assert tooling in commands, tooling


def test_ctrl_c_leaves_no_make_error_line() -> None:
    """Each runtime recipe ends its shell with 0 on SIGINT (make then stops without Error 130/Interrupt)."""
    commands = dry_run("run").splitlines()
    started = [line for line in commands if "bin/scoring pipeline" in line or " -m api " in line]
    assert started and all(line.startswith("trap '") and "exit 0' INT;" in line for line in started)
    assert "$(MAKE)" not in (REPO / "Makefile").read_text().split("\nrun:", 1)[1].split("\n\n", 1)[0]
