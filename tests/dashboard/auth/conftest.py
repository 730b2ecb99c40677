"""The dashboard app of the sign-in tests, its API faked."""

from __future__ import annotations

from collections.abc import Iterator

import dash
import pytest

from dashboard.api_client import EXTENSION, ApiClient
from dashboard.app import create_app
from dashboard.auth import request_headers
from dashboard.settings import DashboardSettings
from tests.dashboard.auth.fake_api import FakeApi
from tests.support.checked_api import CheckedTransport


@pytest.fixture(scope="package")
def settings(tmp_path_factory: pytest.TempPathFactory) -> DashboardSettings:
    css = tmp_path_factory.mktemp("css") / "bootstrap.min.css"
    css.write_text("body{margin:0}")
    return DashboardSettings(
        _env_file=None,
        api_url="http://api.test",
        bootstrap_css=css,
        dashboard_session_dir=tmp_path_factory.mktemp("dashboard") / "sessions",
        user_cache_seconds=0,
    )


@pytest.fixture(scope="package")
def app(settings: DashboardSettings) -> dash.Dash:
    return create_app(settings)


@pytest.fixture(scope="package")
def twin(settings: DashboardSettings) -> dash.Dash:
    """A second dashboard (another process, as far as sessions go) sharing the first one's session folder."""
    return create_app(settings)


def faked(app: dash.Dash, fake: FakeApi) -> object:
    """Point `app` at `fake`; the API client it had."""
    original = app.server.extensions[EXTENSION]
    app.server.extensions[EXTENSION] = ApiClient(
        "http://api.test", transport=CheckedTransport(fake), context=request_headers
    )
    return original


@pytest.fixture
def fake(app: dash.Dash) -> Iterator[FakeApi]:
    fake = FakeApi()
    original = faked(app, fake)
    yield fake
    app.server.extensions[EXTENSION] = original
