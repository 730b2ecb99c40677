"""The dashboard's settings: its key to the API has its own name, and placeholder secrets stop it at start."""

from __future__ import annotations

import pytest

from dashboard.app import main
from dashboard.settings import DashboardSettings

KEY = "dashboard-key-0123456789abcdef"


def test_the_dashboard_sends_the_key_named_for_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCORING_DASHBOARD_API_KEY", KEY)
    monkeypatch.setenv("SCORING_API_KEY", "a-key-the-api-accepts-0123456789")  # the API's, in a shared .env
    settings = DashboardSettings(_env_file=None)
    assert settings.api_key is not None and settings.api_key.get_secret_value() == KEY


def test_the_old_name_is_read_for_one_release_with_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SCORING_DASHBOARD_API_KEY", raising=False)
    monkeypatch.setenv("SCORING_API_KEY", KEY)
    with pytest.warns(FutureWarning, match="rename it SCORING_DASHBOARD_API_KEY"):
        settings = DashboardSettings(_env_file=None)
    assert settings.api_key is not None and settings.api_key.get_secret_value() == KEY


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SCORING_DASHBOARD_API_KEY", "change-me-api-key"),
        ("SCORING_SECRET_KEY", "change-me-session-key"),
        ("SCORING_OIDC_CLIENT_SECRET", " Change-Me"),
    ],
)
def test_a_placeholder_secret_stops_the_dashboard_before_it_serves(
    variable: str, value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(variable, value)
    monkeypatch.setattr("waitress.serve", lambda *args, **kwargs: pytest.fail("served"))
    with pytest.raises(SystemExit, match=f"error: {variable} is still a placeholder of .env.example"):
        main("127.0.0.1", 0)


def test_the_old_name_is_the_one_named_when_it_holds_the_placeholder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SCORING_DASHBOARD_API_KEY", raising=False)
    monkeypatch.setenv("SCORING_API_KEY", "change-me-api-key")
    with pytest.warns(FutureWarning):
        problems = DashboardSettings(_env_file=None).placeholder_secrets()
    assert [problem.split(" ")[0] for problem in problems] == ["SCORING_API_KEY"]
