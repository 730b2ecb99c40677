"""The dashboard app of the sign-in tests, its API faked."""

from __future__ import annotations

from collections.abc import Iterator

import dash
import httpx
import pytest

from dashboard.api_client import EXTENSION, ApiClient
from dashboard.app import create_app
from dashboard.auth import request_headers
from dashboard.settings import DashboardSettings
from tests.dashboard.auth.fake_api import FakeApi


@pytest.fixture(scope="package")
def app(tmp_path_factory: pytest.TempPathFactory) -> dash.Dash:
    css = tmp_path_factory.mktemp("css") / "bootstrap.min.css"
    css.write_text("body{margin:0}")
    settings = DashboardSettings(
        _env_file=None,
        api_url="http://api.test",
        bootstrap_css=css,
        secret_key="test-secret",
        user_cache_seconds=0,
    )
    return create_app(settings)


@pytest.fixture
def fake(app: dash.Dash) -> Iterator[FakeApi]:
    original = app.server.extensions[EXTENSION]
    fake = FakeApi()
    app.server.extensions[EXTENSION] = ApiClient(
        "http://api.test", transport=httpx.MockTransport(fake), context=request_headers
    )
    yield fake
    app.server.extensions[EXTENSION] = original
