"""Running `scoring drift` in-process and reading what it wrote."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from scoring.cli import app
from scoring.home import Paths


def run_cli(home: Paths, *args: str) -> tuple[int, str]:
    """Exit code and output of `scoring drift ARGS` with SCORING_HOME=home (no traceback allowed)."""
    result = CliRunner().invoke(app, ["drift", *args], env={"SCORING_HOME": str(home.home)})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def newest_summary(home: Paths) -> dict:
    """summary.json of the latest report under home/reports/drift/."""
    directories = sorted(p for p in (home.reports / "drift").iterdir() if p.is_dir())
    return json.loads((directories[-1] / "summary.json").read_text())
