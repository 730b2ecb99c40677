"""The Audit page in headless Chromium against the real API, signed in as an administrator: in French and in
English the trail's rows in words, filtered by action and user, a page at a time; the chain verified and told
in words; the CSV export downloaded through the dashboard (and itself in the trail); axe-core on each page;
no English on the French one; an analyst refused."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from devtools.servers import Service
from scoring.db.audit import Actor, AuditEvent, record
from scoring.db.engine import open_database
from scoring.db.users import create_user
from scoring.vocabulary import AuditAction
from tests.dashboard.conftest import Stack, Visit, new_context, signed_dashboard
from tests.dashboard.test_browser_i18n import english_needles, english_on

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "audit pages need a long password"
ADMIN, ANALYST = "audit-admin", "audit-analyst"  # names of their own: other modules share the database
SEED, SEEDED, PAGE = Actor("cli:audit-seed", source="cli"), 60, 50  # more rows of one actor than a page


@pytest.fixture(scope="module")
def database(stack: Stack) -> Iterator[Engine]:
    engine = open_database(f"sqlite:///{stack.api.log.parent / 'predictions.db'}")
    cli = Actor("cli:tests", source="cli")
    create_user(engine, ADMIN, "admin", PASSWORD, cli)
    create_user(engine, ANALYST, "analyst", PASSWORD, cli)
    promotions = [AuditEvent(AuditAction.MODEL_PROMOTED, SEED, target=f"v{n}") for n in range(SEEDED)]
    record(engine, *promotions)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def signed(stack: Stack, database: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    with signed_dashboard(stack, tmp_path_factory.mktemp("audit-dashboard")) as server:
        yield server


@pytest.fixture
def signed_in(browser: object, signed: Service) -> Iterator:
    """Sign in as `username` in a browser of `locale`, on the Audit page."""
    contexts = []

    def open_audit(username: str, locale: str) -> Visit:
        context = new_context(browser, locale=locale)
        contexts.append(context)
        visit = Visit(context.new_page(), signed.url)
        page = visit.page
        page.goto(f"{signed.url}/login?next=/audit")
        page.fill("#login-username", username)
        page.fill("#login-password", PASSWORD)
        page.click("#login-submit")
        page.wait_for_selector("h1")
        return visit

    yield open_audit
    for context in contexts:
        context.close()


def row_numbers(page: object) -> list[int]:
    cells = page.eval_on_selector_all(
        "#audit-rows tbody tr td:first-child", "cells => cells.map(c => c.innerText)"
    )
    return [int(cell) for cell in cells]


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        (
            "fr-FR",
            {
                "title": "Journal d'audit",
                "sign-in": "Connexion",
                "intact": "Le journal d'audit est intact",
                "exported": "Journal d'audit exporté",
                "export detail": "action : Connexion ; format : csv ; utilisateur : audit-admin",
            },
        ),
        (
            "en-GB",
            {
                "title": "Audit trail",
                "sign-in": "Signed in",
                "intact": "The audit trail is intact",
                "exported": "Audit trail exported",
                "export detail": "action: Signed in; format: csv; user: audit-admin",
            },
        ),
    ],
)
def test_an_administrator_filters_verifies_and_exports(signed_in: object, locale: str, words: dict) -> None:
    visit = signed_in(ADMIN, locale)
    page = visit.page
    assert page.inner_text("h1") == words["title"]
    page.wait_for_selector("#audit-rows tbody tr")
    visit.settle()
    assert page.locator("#app-nav a.nav-link.active", has_text="Audit").count() == 1
    page.select_option("#audit-action", "sign-in")
    page.fill("#audit-user", ADMIN)
    page.click("#audit-show")
    page.wait_for_function(
        "(word) => [...document.querySelectorAll('#audit-rows tbody tr td:nth-child(3)')]"
        ".every(c => c.innerText === word)",
        arg=words["sign-in"],
    )
    visit.settle()
    shown = page.eval_on_selector_all(
        "#audit-rows tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.innerText))"
    )
    assert shown and all(row[2] == words["sign-in"] and row[3] == ADMIN for row in shown)
    assert all(row[4] == "127.0.0.1" for row in shown)  # the person's address, as the dashboard saw it
    href = page.get_attribute("#audit-export", "href")
    assert href == f"/audit-export?action=sign-in&user={ADMIN}"
    page.click("#audit-verify")
    page.wait_for_selector("#audit-verify-result .alert-success")
    assert page.inner_text("#audit-verify-result").startswith(words["intact"])
    if locale == "fr-FR":
        assert english_on(page, english_needles()) == []
    visit.check(f"audit-{locale[:2]}")
    download = page.request.get(visit.base_url + href)
    assert download.status == 200 and download.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(download.text())))
    assert table and {(row["action"], row["actor"]) for row in table} == {("sign-in", ADMIN)}
    page.select_option("#audit-action", "audit-exported")  # the export is in the trail, with its filters
    page.fill("#audit-user", ADMIN)
    page.click("#audit-show")
    page.wait_for_function(
        "(word) => document.querySelector('#audit-rows tbody tr td:nth-child(3)').innerText === word",
        arg=words["exported"],
    )
    assert words["export detail"] in page.inner_text("#audit-rows tbody tr:first-child")


def test_the_trail_is_paged_newest_first(signed_in: object) -> None:
    visit = signed_in(ADMIN, "en-GB")
    page = visit.page
    page.wait_for_selector("#audit-rows tbody tr")
    page.fill("#audit-user", SEED.name)
    page.click("#audit-show")
    page.wait_for_function(  # the filtered page, not the unfiltered one shown on load (also PAGE rows)
        "([name, rows]) => { const shown = [...document.querySelectorAll('#audit-rows tbody tr')];"
        " return shown.length === rows && shown.every(r => r.cells[3].innerText === name); }",
        arg=[SEED.name, PAGE],
    )
    first = row_numbers(page)
    assert first == sorted(first, reverse=True) and page.is_disabled("#audit-newer")
    page.click("#audit-older")
    page.wait_for_function("() => document.querySelector('#audit-page').innerText === 'Page 2'")
    second = row_numbers(page)
    assert len(second) == SEEDED - PAGE and max(second) < min(first)
    assert page.is_disabled("#audit-older")
    page.click("#audit-newer")
    page.wait_for_function("() => document.querySelector('#audit-page').innerText === 'Page 1'")
    assert row_numbers(page) == first and page.is_disabled("#audit-newer")


def test_an_analyst_is_refused_the_page_and_the_export(signed_in: object) -> None:
    visit = signed_in(ANALYST, "en-GB")
    page = visit.page
    assert page.inner_text("h1") == "Not allowed"
    assert page.locator("header a.nav-link", has_text="Audit").count() == 0
    assert page.request.get(visit.base_url + "/audit-export").status == 403
