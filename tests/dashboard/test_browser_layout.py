"""The frame and forms as a user first meets them, in headless Chromium at 1,280 px: the navigation bar on one
line in English and French (an administrator's, with every page), no form error before the user acts, the
client-ID placeholder whole, the drift trend of one run readable, and what a role may not do not offered
(an analyst sees no letter button; a refused page keeps the dashboard's look and navigation)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from dashboard.components.layout import NAV
from devtools.servers import Service
from scoring.db.audit import Actor
from scoring.db.engine import open_database
from scoring.db.users import create_user
from tests.dashboard.conftest import Stack, Visit, new_context, signed_dashboard
from tests.dashboard.test_browser import api_get

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "layout tests need a long password"
ADMIN, ANALYST = "layout-admin", "layout-analyst"  # names of their own: other modules share the database
# Every item of the bar and the row it sits on: one line means they all share the links' row.
NAVBAR = """() => {
    const box = e => e.getBoundingClientRect();
    const bar = box(document.querySelector('header .navbar'));
    const link = box(document.querySelector('#app-nav .nav-link'));
    const items = [...document.querySelectorAll(
        'header .navbar-brand, #app-nav .nav-link, header .btn-group, #app-user > *')].map(box);
    const links = document.querySelectorAll('#app-nav .nav-link').length;
    return {height: bar.height, link: link.height, links: links,
            middles: items.map(b => b.top + b.height / 2), right: Math.max(...items.map(b => b.right)),
            width: document.documentElement.clientWidth};
}"""
WHOLE = "(selector) => { const e = document.querySelector(selector); return e.scrollWidth <= e.clientWidth; }"
PLACEHOLDER = """(id) => {
    const input = document.getElementById(id);
    const style = getComputedStyle(input);
    const text = document.createElement('canvas').getContext('2d');
    text.font = style.font;
    const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return {text: text.measureText(input.placeholder).width, room: room};
}"""


@pytest.fixture(scope="module")
def database(stack: Stack) -> Iterator[Engine]:
    engine = open_database(f"sqlite:///{stack.api.log.parent / 'predictions.db'}")
    cli = Actor("cli:tests", source="cli")
    create_user(engine, ADMIN, "admin", PASSWORD, cli)
    create_user(engine, ANALYST, "analyst", PASSWORD, cli)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def signed(stack: Stack, database: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    with signed_dashboard(stack, tmp_path_factory.mktemp("layout-dashboard")) as server:
        yield server


def signed_in(browser: object, signed: Service, username: str, path: str, locale: str = "en-GB") -> Visit:
    context = new_context(browser, locale=locale)
    visit = Visit(context.new_page(), signed.url)
    page = visit.page
    page.goto(f"{signed.url}/login?next={path}")
    page.fill("#login-username", username)
    page.fill("#login-password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_selector("h1")
    return visit


@pytest.mark.parametrize("locale", ["en-GB", "fr-FR"])
def test_navigation_fits_one_line_at_1280_px(
    browser: object, signed: Service, stack: Stack, locale: str
) -> None:
    safe = next(e for e in api_get(stack, "/analytics/examples")["examples"] if e["kind"] == "safe")
    visit = signed_in(browser, signed, ADMIN, f"/client/{safe['client_id']}", locale)
    try:
        page = visit.page
        page.wait_for_selector("#app-user-name")
        page.wait_for_selector(f"#app-nav a[href='/what-if/{safe['client_id']}']")
        visit.settle()
        bar = page.evaluate(NAVBAR)
        assert bar["width"] == 1280 and bar["links"] == len(NAV)  # every page: an administrator's bar
        assert bar["height"] < 1.6 * bar["link"], bar  # one row of links and its padding, not two
        assert max(bar["middles"]) - min(bar["middles"]) < 6, bar  # brand, links, switch, user: one row
        assert bar["right"] <= bar["width"], bar
        assert page.evaluate(WHOLE, "#app-user-role"), "the role is cut"  # "Administrateur" whole
    finally:
        page.context.close()


@pytest.mark.parametrize("locale", ["en-GB", "fr-FR"])
def test_client_id_placeholder_is_shown_whole(browser: object, stack: Stack, locale: str) -> None:
    context = new_context(browser, locale=locale)
    try:
        visit = Visit(context.new_page(), stack.dashboard.url)
        for path, search in (("/", "client-search"), ("/what-if", "what-if-search")):
            page = visit.goto(path)
            page.wait_for_selector(f"#{search}")
            fit = page.evaluate(PLACEHOLDER, search)
            assert fit["text"] <= fit["room"], (path, fit)
    finally:
        context.close()


def test_new_application_opens_without_an_error(visit: Visit) -> None:
    page = visit.goto("/new-application")
    page.wait_for_selector("#new-submit")
    visit.settle()
    assert page.locator(".is-invalid").count() == 0
    assert page.inner_text("#new-problems") == ""
    page.click("#new-submit")
    page.wait_for_selector("#new-problems .alert")
    for name in ("AMT_CREDIT", "AMT_INCOME_TOTAL", "AGE_YEARS"):  # the required fields left empty, marked
        page.wait_for_selector(f"#new-{name}.is-invalid")  # once the user asked to score
    assert page.locator(".is-invalid").count() == 3  # and only they (the contract type is given)
    visit.check("new-application-submitted-empty")


def test_one_drift_run_reads_as_a_day_of_distinct_dates(browser: object, stack: Stack) -> None:
    context = new_context(browser, locale="fr-FR")
    try:
        visit = Visit(context.new_page(), stack.dashboard.url)
        page = visit.goto("/drift")
        page.wait_for_selector("#drift-trend-graph .xtick text")
        ticks = page.eval_on_selector_all(
            "#drift-trend-graph .xtick text", "els => els.map(e => e.textContent)"
        )
        assert len(ticks) >= 3 and len(set(ticks)) == len(ticks), ticks
        assert not any("," in tick or "." in tick for tick in ticks), ticks  # no fraction of a second
    finally:
        context.close()


def test_an_analyst_is_offered_only_what_the_role_allows(
    browser: object, signed: Service, stack: Stack
) -> None:
    safe = next(e for e in api_get(stack, "/analytics/examples")["examples"] if e["kind"] == "safe")
    visit = signed_in(browser, signed, ANALYST, f"/client/{safe['client_id']}")
    try:
        page = visit.page
        page.wait_for_selector("#client-reasons")
        page.wait_for_selector("#client-officer-read-only")
        assert page.locator("#client-letter").count() == 0  # no letter the /letters/ route would refuse
        response = page.goto(f"{signed.url}/users")
        assert response.status == 403 and page.inner_text("h1") == "Not allowed"
        background = page.evaluate(
            "() => getComputedStyle(document.querySelector('header .navbar')).backgroundColor"
        )
        assert background == "rgb(33, 37, 41)"  # Bootstrap's dark navigation bar: the app's styles apply
        assert page.locator("header a.nav-link", has_text="Model").count() == 1
        assert page.locator("header a.nav-link", has_text="Users").count() == 0
        bar = page.evaluate(NAVBAR.replace(", header .btn-group", ""))  # the page has no language switch
        assert bar["height"] < 1.6 * bar["link"] and max(bar["middles"]) - min(bar["middles"]) < 6, bar
        assert visit.violations() == []
    finally:
        page.context.close()
