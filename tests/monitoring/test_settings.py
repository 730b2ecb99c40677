"""The scheduler's settings: its key to the API has its own name; placeholder secrets stop the commands."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from scoring.cli import app
from scoring.monitoring.settings import MonitoringSettings

SERVICE_KEY = "service-key-0123456789abcdef"


def test_the_scheduler_sends_the_key_named_for_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCORING_SCHEDULER_API_KEY", SERVICE_KEY)
    monkeypatch.setenv(
        "SCORING_API_KEY", "the-dashboard-key-the-api-accepts"
    )  # the API's, not the scheduler's
    settings = MonitoringSettings(_env_file=None)
    assert settings.api_key is not None and settings.api_key.get_secret_value() == SERVICE_KEY


def test_the_old_name_is_read_for_one_release_with_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SCORING_SCHEDULER_API_KEY", raising=False)
    monkeypatch.setenv("SCORING_API_KEY", SERVICE_KEY)
    with pytest.warns(FutureWarning, match="rename it SCORING_SCHEDULER_API_KEY"):
        settings = MonitoringSettings(_env_file=None)
    assert settings.api_key is not None and settings.api_key.get_secret_value() == SERVICE_KEY


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SCORING_LOG_SALT", "change-me-log-salt"),
        ("SCORING_ADMIN_KEY", "change-me-admin-key"),
        ("SCORING_SCHEDULER_API_KEY", "CHANGE-ME-service-api-key"),
    ],
)
def test_the_commands_refuse_a_placeholder_secret(
    variable: str, value: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env
    monkeypatch.setenv("SCORING_HOME", str(tmp_path))
    monkeypatch.setenv(variable, value)
    result = CliRunner().invoke(app, ["scheduler", "--run-once", "drift"])
    assert result.exit_code == 2
    assert f"{variable} is still a placeholder of .env.example" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "data").exists()  # refused before anything ran
