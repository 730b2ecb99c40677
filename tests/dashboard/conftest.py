"""Browser-test fixtures: a copy of the demo home with a drift report, the API and two dashboards (one
pointing at a port where nothing answers) on loopback, and headless Chromium pages that record errors.

Screenshots of the pages are written to reports/screenshots/ (the README's) only when SCORING_SCREENSHOTS is
set (`make screenshots`): a test run leaves the working tree as it found it.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import dash
import httpx
import pytest

from dashboard.api_client import EXTENSION, ApiClient
from dashboard.app import create_app
from dashboard.settings import DashboardSettings
from devtools.browser import AXE, chromium, missing_tools
from devtools.servers import REPO, Service, free_port, start_api, start_dashboard, wait_api_ready
from devtools.settings import ToolSettings
from tests.support.checked_api import CheckedTransport

API_KEY = "dashboard-test-key-0123456789"
SCREENSHOTS = REPO / "reports" / "screenshots"
SAVE_SCREENSHOTS = ToolSettings().screenshots
BLOCKING = ("serious", "critical")
TIMEOUT_MS = 60_000  # generous: the machine may be shared with other work


@dataclass
class Stack:
    home: Path
    api: Service
    dashboard: Service
    down: Service = field(repr=False)


def _drift_report(home: Path) -> None:
    from scoring.drift.run import DriftRequest, run_drift
    from scoring.drift.settings import DriftSettings
    from scoring.home import Paths

    settings = DriftSettings(top_features=15, min_rows=50)
    run_drift(DriftRequest("test", settings=settings, paths=Paths(home)))


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory, demo_home: Path) -> Iterator[Stack]:
    reason = missing_tools()
    if reason:
        pytest.fail(reason)
    home = tmp_path_factory.mktemp("dashboard") / "home"
    shutil.copytree(demo_home, home)  # the drift report below stays out of the other tests' home
    logs = tmp_path_factory.mktemp("dashboard-logs")
    api = start_api(home, logs / "api.log", f"sqlite:///{logs / 'predictions.db'}", api_key=API_KEY)
    dashboard = start_dashboard(api.url, logs / "dashboard.log", API_KEY)
    down = start_dashboard(f"http://127.0.0.1:{free_port()}", logs / "dashboard-down.log", API_KEY)
    try:
        _drift_report(home)
        wait_api_ready(api, 120)
        dashboard.wait("/", 60)
        down.wait("/", 60)
        yield Stack(home, api, dashboard, down)
    finally:
        for server in (down, dashboard, api):
            server.stop()


@contextlib.contextmanager
def signed_dashboard(stack: Stack, folder: Path) -> Iterator[Service]:
    """A dashboard with sign-in on, against the stack's API (its log in `folder`)."""
    server = start_dashboard(stack.api.url, folder / "dashboard.log", API_KEY, auth=True)
    try:
        server.wait("/login", 60)
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser(stack: Stack) -> Iterator[object]:
    with chromium() as launched:
        yield launched


class Visit:
    """A page that collects console errors; `check` runs axe, asserts no error (and saves a screenshot)."""

    def __init__(self, page: object, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.errors: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def goto(self, path: str) -> object:
        self.page.goto(self.base_url + path)
        self.page.wait_for_selector("h1")
        return self.page

    def settle(self) -> None:
        """Loaded, and no Dash callback still updating the page (not 'networkidle': an iframe can keep a
        frame from ever reaching it)."""
        self.page.wait_for_load_state("load")
        self.page.wait_for_function("() => !document.querySelector('[data-dash-is-loading=\"true\"]')")

    def violations(self) -> list[dict]:
        """axe-core's serious and critical violations on the page as it is now (axe is injected into every
        document by the context, past the pages' Content-Security-Policy)."""
        found = self.page.evaluate(
            """async () => (await axe.run(document, {resultTypes: ['violations']})).violations.map(
                v => ({id: v.id, impact: v.impact, help: v.help,
                       nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"""
        )
        return [v for v in found if v["impact"] in BLOCKING]

    def check(self, name: str) -> None:
        self.settle()
        if SAVE_SCREENSHOTS:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        assert self.violations() == []
        assert self.errors == []


def new_context(browser: object, **options: object) -> object:
    """A browser context with axe-core in every document (an init script is not subject to CSP);
    `options` go to Playwright's `new_context` (locale...)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **options)
    context.add_init_script(path=str(AXE))
    context.set_default_timeout(TIMEOUT_MS)
    return context


def sign_in(context: object, dashboard_url: str, username: str, password: str, path: str) -> Visit:
    """A new page of `context` signed in through the dashboard's form as `username`, then at `path`."""
    visit = Visit(context.new_page(), dashboard_url)
    page = visit.page
    page.goto(f"{dashboard_url}/login?next={path}")
    page.fill("#login-username", username)
    page.fill("#login-password", password)
    page.click("#login-submit")
    page.wait_for_selector("#app-user-name")
    return visit


@pytest.fixture
def visit(browser: object, stack: Stack) -> Iterator[Visit]:
    context = new_context(browser)
    try:
        yield Visit(context.new_page(), stack.dashboard.url)
    finally:
        context.close()


@pytest.fixture
def visit_down(browser: object, stack: Stack) -> Iterator[Visit]:
    context = new_context(browser)
    try:
        yield Visit(context.new_page(), stack.down.url)
    finally:
        context.close()


# -- the app without a browser, against a fake API ------------------------------------------------------


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> dash.Dash:
    css = tmp_path_factory.mktemp("css") / "bootstrap.min.css"
    css.write_text("body{margin:0}")
    return create_app(
        DashboardSettings(_env_file=None, api_url="http://api.test", bootstrap_css=css, auth=False)
    )


@pytest.fixture
def answer(app: dash.Dash) -> Iterator[Callable[[Callable[[httpx.Request], httpx.Response]], None]]:
    """Install a fake API answering with `handler` (each answer checked by the route's response model), inside
    the Flask app context."""
    original = app.server.extensions[EXTENSION]

    def install(handler: Callable[[httpx.Request], httpx.Response]) -> None:
        app.server.extensions[EXTENSION] = ApiClient("http://api.test", transport=CheckedTransport(handler))

    with app.server.app_context():
        yield install
    app.server.extensions[EXTENSION] = original
