"""The Strategy page in headless Chromium against the real API, signed in: an analyst finds the example
strategy in the editor, simulates it (rates, chart, rules, swap set) and proposes it, and is offered no
review of their own proposal; an administrator who did not propose it reviews it (rejects it here: an
approval would change the decisions the other browser tests see). axe-core on each step; screenshots with
`make screenshots`."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from devtools.servers import Service
from scoring.db.audit import Actor
from scoring.db.engine import open_database
from scoring.db.users import create_user
from tests.dashboard.conftest import Stack, Visit, new_context, signed_dashboard

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "strategy pages need a long password"
ANALYST, ADMIN = "strategy-analyst", "strategy-admin"  # names of their own: other modules share the database


@pytest.fixture(scope="module")
def signed(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    engine = open_database(f"sqlite:///{stack.api.log.parent / 'predictions.db'}")
    cli = Actor("cli:tests", source="cli")
    create_user(engine, ANALYST, "analyst", PASSWORD, cli)
    create_user(engine, ADMIN, "admin", PASSWORD, cli)
    engine.dispose()
    with signed_dashboard(stack, tmp_path_factory.mktemp("strategy-dashboard")) as server:
        yield server


@pytest.fixture
def signed_in(browser: object, signed: Service) -> Iterator[Callable[[str], Visit]]:
    """Sign in as `username` on the Strategy page, its editor filled."""
    contexts = []

    def open_strategy(username: str) -> Visit:
        context = new_context(browser, locale="en-GB")
        contexts.append(context)
        visit = Visit(context.new_page(), signed.url)
        page = visit.page
        page.goto(f"{signed.url}/login?next=/strategy")
        page.fill("#login-username", username)
        page.fill("#login-password", PASSWORD)
        page.click("#login-submit")
        page.wait_for_selector("h1")
        page.wait_for_function("() => document.querySelector('#strategy-editor')?.value.includes('cutoffs')")
        page.wait_for_selector("#strategy-versions")
        return visit

    yield open_strategy
    for context in contexts:
        context.close()


def test_an_analyst_simulates_and_proposes_another_person_reviews(signed_in: Callable[[str], Visit]) -> None:
    visit = signed_in(ANALYST)
    page = visit.page
    assert page.inner_text("h1") == "Decision strategy"
    page.click("#strategy-simulate")
    page.wait_for_selector("#strategy-chart .main-svg")
    rates = page.inner_text("#strategy-rates")
    assert "Approval rate" in rates and "In force: the model's threshold" in rates
    assert "Income below the minimum" in page.inner_text("#strategy-rules")  # the rule by its title
    assert "Swap out" in page.inner_text("#strategy-swap")
    visit.check("strategy")
    page.click("#strategy-propose")
    page.wait_for_selector("#strategy-propose-result .alert-success")
    page.wait_for_function(
        "() => document.querySelector('#strategy-versions')?.innerText.includes('waiting for approval')"
    )
    assert page.locator("#strategy-review").is_hidden()  # never one's own proposal

    admin = signed_in(ADMIN)
    page = admin.page
    page.wait_for_selector("#strategy-review:not([hidden])")
    version = page.locator("#strategy-review-version option:not([disabled])").first.get_attribute("value")
    page.select_option("#strategy-review-version", version)
    admin.check("strategy-review")
    page.click("#strategy-reject")
    page.wait_for_selector("#strategy-review-result .alert-success")
    assert "rejected" in page.inner_text("#strategy-review-result")
    page.wait_for_function(
        "() => document.querySelector('#strategy-versions')?.innerText.includes('rejected')"
    )
    admin.settle()
    assert admin.errors == []
