"""Sign-in in headless Chromium against the real API: an officer signs in, opens a client, overrides the
model with a justification (refusing what it accepts), prints the letter, signs out, and the audit trail
holds a row for each step; an analyst sees the client read-only; an administrator signs in, manages
accounts and sees the officer's panel in French, then switches to English (axe-core on each page)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import polars as pl
import pytest
from sqlalchemy import Engine, select

from devtools.servers import Service
from scoring.db.audit import Actor, verify
from scoring.db.engine import open_database
from scoring.db.tables import audit_log
from scoring.db.users import create_user
from scoring.home import Paths
from tests.dashboard.conftest import Stack, Visit, new_context, signed_dashboard
from tests.dashboard.test_browser import api_get

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "correct horse battery staple"
NOTE = "Three recent bank statements show large monthly repayments to another lender."
STEPS = ("sign-in", "view-client", "score", "override", "letter-issued", "sign-out")


@pytest.fixture(scope="module")
def clients(stack: Stack) -> dict[str, int]:
    """The example clients' IDs by kind (safe, borderline, risky)."""
    return {e["kind"]: e["client_id"] for e in api_get(stack, "/analytics/examples")["examples"]}


@pytest.fixture(scope="module")
def accepted(stack: Stack, clients: dict[str, int]) -> int:
    """A client the model accepts, none of the examples the other browser tests read: refusing it overrides
    the model (a refusal needs no senior's approval, so the letter follows at once)."""
    rows = pl.read_parquet(Paths(stack.home).interim / "application_train.parquet", columns=["SK_ID_CURR"])
    for client_id in rows.sort("SK_ID_CURR")["SK_ID_CURR"].to_list():
        if client_id in clients.values():
            continue
        if api_get(stack, f"/clients/{client_id}/score")["decision"] == "accept":
            return client_id
    raise AssertionError("no accepted client in the test home")


@pytest.fixture(scope="module")
def database(stack: Stack) -> Iterator[Engine]:
    """The API's database (the harness keeps it beside the API's log)."""
    engine = open_database(f"sqlite:///{stack.api.log.parent / 'predictions.db'}")
    cli = Actor("cli:tests", source="cli")
    create_user(engine, "olivia", "officer", PASSWORD, cli)
    create_user(engine, "anna", "analyst", PASSWORD, cli)
    create_user(engine, "adam", "admin", PASSWORD, cli)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def signed(stack: Stack, database: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """A dashboard with sign-in on, against the stack's API."""
    with signed_dashboard(stack, tmp_path_factory.mktemp("signed-dashboard")) as server:
        yield server


@pytest.fixture
def visit_signed(browser: object, signed: Service) -> Iterator[Visit]:
    context = new_context(browser)
    try:
        yield Visit(context.new_page(), signed.url)
    finally:
        context.close()


def sign_in(visit: Visit, path: str, username: str) -> object:
    page = visit.page
    page.goto(visit.base_url + path)
    page.wait_for_selector("#login-username")
    assert "/login?next=" in page.url
    page.fill("#login-username", username)
    page.fill("#login-password", PASSWORD)
    page.click("#login-submit")
    return page


def audit_actions(engine: Engine, actor: str, expected: set[str], timeout: float = 20.0) -> list[str]:
    """The actor's audit actions once `expected` are all there (reads are appended in the background)."""
    deadline = time.monotonic() + timeout
    while True:
        with engine.connect() as conn:
            found = (
                conn.execute(
                    select(audit_log.c.action).where(audit_log.c.actor == actor).order_by(audit_log.c.id)
                )
                .scalars()
                .all()
            )
        if expected <= set(found) or time.monotonic() > deadline:
            return list(found)
        time.sleep(0.2)


def test_officer_overrides_prints_the_letter_and_signs_out(
    visit_signed: Visit,
    accepted: int,  # the model accepts: refusing overrides it
    database: Engine,
) -> None:
    page = visit_signed.page
    page.goto(visit_signed.base_url + "/login")
    page.wait_for_selector("h1")
    visit_signed.check("sign-in")
    page = sign_in(visit_signed, f"/client/{accepted}", "olivia")
    page.wait_for_selector(f"#client-heading:text('Client {accepted}')")
    page.wait_for_selector("#app-user-name")
    assert page.inner_text("#app-user-name") == "olivia"
    assert page.inner_text("#app-user-role") == "Credit officer"  # under the name, whole
    page.wait_for_selector("#client-officer-decision input[value='refuse']")
    page.check("#client-officer-decision input[value='refuse']", force=True)
    page.wait_for_selector("#client-officer-override:has-text('override')")
    page.select_option("#client-officer-reason", "affordability")
    page.fill("#client-officer-justification", NOTE)
    page.click("#client-officer-submit")
    page.wait_for_selector("#client-officer-saved")
    page.wait_for_selector("#client-officer-history-table tbody tr")
    history = page.inner_text("#client-officer-history-table")
    assert "olivia" in history and "Affordability concern the score does not capture" in history
    page.wait_for_selector("#client-officer-decided:has-text('Decided by an officer on')")
    assert "Credit refused. The letter states this decision." in page.inner_text("#client-officer-decided")
    href = page.get_attribute("#client-letter-pdf-en", "href")
    letter = page.request.get(visit_signed.base_url + href)  # the letter link, in the signed-in session
    assert letter.status == 200 and letter.body().startswith(b"%PDF")
    visit_signed.check("client-officer-decision")
    page.click("#app-sign-out")
    page.wait_for_selector("#login-message:has-text('You are signed out')")
    page.goto(visit_signed.base_url + f"/client/{accepted}")
    page.wait_for_selector("#login-username")  # the session is over
    found = audit_actions(database, "olivia", set(STEPS))
    assert set(STEPS) <= set(found), found
    assert found.index("sign-in") < found.index("override") < found.index("sign-out")
    assert verify(database).ok


def test_analyst_reads_the_client_without_deciding(
    visit_signed: Visit,
    clients: dict[str, int],
) -> None:
    safe = clients["safe"]
    page = sign_in(visit_signed, f"/client/{safe}", "anna")
    page.wait_for_selector("#client-officer-read-only")
    assert page.locator("#client-officer-submit").count() == 0
    assert page.locator("a.nav-link", has_text="Model").count() == 1
    assert page.locator("a.nav-link", has_text="Users").count() == 0
    visit_signed.settle()
    assert visit_signed.errors == []  # no callback of the page was refused to the analyst
    response = page.goto(visit_signed.base_url + "/users")
    assert response.status == 403 and "Not allowed" in page.inner_text("h1")


def test_administrator_in_french_then_english(
    browser: object, signed: Service, clients: dict[str, int], accepted: int, database: Engine
) -> None:
    context = new_context(browser, locale="fr-FR")
    visit = Visit(context.new_page(), signed.url)
    try:
        page = visit.page
        page.goto(visit.base_url + "/login")
        page.wait_for_selector("h1:text('Scoring crédit : connexion')")
        assert page.inner_text("label[for='login-username']") == "Nom d’utilisateur"
        visit.check("sign-in-fr")
        page = sign_in(visit, "/users", "adam")
        page.wait_for_selector("#users-accounts tbody tr")
        assert page.title() == "Utilisateurs : scoring crédit"
        assert page.inner_text("#app-user-role") == "Administrateur"  # under the name, whole
        accounts = page.inner_text("#users-accounts")
        assert (
            "Dernière connexion (UTC)" in accounts and "Chargé de crédit" in accounts and "actif" in accounts
        )
        assert page.inner_text("#users-add") == "Ajouter le compte"
        visit.check("users-fr")

        page.goto(visit.base_url + f"/client/{clients['risky']}")  # priced above the usury threshold
        page.wait_for_selector("#client-officer-decision input[value='accept'][disabled]")
        page.wait_for_selector("#client-officer-barred-note:has-text('n’est pas possible pour ce client')")
        assert (
            "« Accepter » n’est pas possible pour ce client : la demande telle que formulée ne peut pas être "
            "accordée" in page.inner_text("#client-officer-barred-note")
        )
        assert "Accepter la contre-proposition" in page.inner_text("#client-officer-decision")
        assert "Revenus ou emploi vérifiés autrement" in page.inner_text("#client-officer-reason")
        assert "Déconnexion" in page.inner_text("#app-sign-out")
        visit.check("client-officer-fr")
        page.goto(visit.base_url + f"/client/{accepted}")  # the model accepts: refusing overrides it
        page.wait_for_selector("#client-officer-decision input[value='refuse']")
        page.wait_for_load_state(
            "networkidle"
        )  # the callbacks done: the form is not drawn again under the click
        page.check("#client-officer-decision input[value='refuse']", force=True)
        page.wait_for_selector("#client-officer-override:has-text('c’est une dérogation')")

        page.goto(visit.base_url + "/users")
        page.wait_for_selector("#users-accounts tbody tr")
        page.click("button[lang='en']")
        page.wait_for_function("() => document.documentElement.lang === 'en'")
        page.wait_for_selector("#users-accounts tbody tr")
        assert page.title() == "Users: credit scoring"
        assert "Credit officer" in page.inner_text("#users-accounts")
        visit.check("users")
        page.click("#app-sign-out")
        page.wait_for_selector("#login-message:has-text('You are signed out')")
    finally:
        context.close()
