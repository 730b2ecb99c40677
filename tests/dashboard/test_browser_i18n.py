"""The client page in French and English in headless Chromium: default from the browser's language, the
switch kept per browser, numbers per locale, axe-core, screenshots of both, the letter and the drill-down."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.dashboard.conftest import API_KEY, Stack, Visit, new_context

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def risky(stack: Stack) -> int:
    response = httpx.get(
        f"{stack.api.url}/api/v1/analytics/examples", headers={"X-API-Key": API_KEY}, timeout=10
    )
    return next(e["client_id"] for e in response.json()["examples"] if e["kind"] == "risky")


@pytest.fixture
def visit_fr(browser: object, stack: Stack) -> Iterator[Visit]:
    """A browser whose language is French (Accept-Language: fr-FR)."""
    context = new_context(browser, locale="fr-FR")
    try:
        yield Visit(context.new_page(), stack.dashboard.url)
    finally:
        context.close()


def test_client_page_in_french_then_switched_to_english(visit_fr: Visit, risky: int) -> None:
    page = visit_fr.goto(f"/client/{risky}")
    page.wait_for_selector("#client-reasons")
    page.wait_for_selector("#client-waterfall-graph .main-svg")
    page.wait_for_selector("#client-drill-graph .main-svg")
    assert page.get_attribute("html", "lang") == "fr"
    assert page.title() == f"Client {risky} : décision de crédit"
    assert page.inner_text(".decision-title").endswith("Crédit refusé")
    assert "du seuil de refus" in page.inner_text(".decision")
    assert "Score :" in page.inner_text(".decision-points")
    assert "de ce qui a poussé vers le refus" in page.inner_text("#client-reasons")
    assert "Éléments clés de la demande" in page.inner_text(".facts")
    assert "\u202f" in page.inner_text(".facts")  # 1 234 567: French digit grouping
    assert page.get_attribute("#client-letter a[hreflang='fr']", "href").startswith("/letters/")
    visit_fr.check("client-fr")

    page.click("button[lang='en']")
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    page.wait_for_selector("#client-reasons")
    assert page.inner_text(".decision-title").endswith("Credit refused")
    assert "of what pushed towards refusal" in page.inner_text("#client-reasons")
    page.goto(visit_fr.base_url + "/model")  # the choice persists for this browser
    page.wait_for_selector("h1")
    assert page.get_attribute("html", "lang") == "en"
    assert page.get_attribute("button[lang='en']", "aria-pressed") == "true"
    page.goto(visit_fr.base_url + f"/client/{risky}")
    page.wait_for_selector("#client-reasons")
    visit_fr.check("client-en")


def test_drill_down_and_letter(visit: Visit, risky: int) -> None:
    page = visit.goto(f"/client/{risky}")
    page.wait_for_selector("#client-drill-graph .main-svg")
    before = page.inner_text("#client-drill figcaption")
    codes = [o.get_attribute("value") for o in page.locator("#client-drill-code option").all()]
    chosen = [c for c in codes if c][1]  # the second strongest code (the first is shown)
    page.select_option("#client-drill-code", chosen)
    page.wait_for_function(
        f"() => document.querySelector('#client-drill figcaption')?.textContent !== {before!r}"
    )
    href = page.get_attribute("#client-letter-pdf-fr", "href")
    letter = page.request.get(visit.base_url + href)
    assert letter.status == 200 and letter.headers["content-type"] == "application/pdf"
    assert letter.body().startswith(b"%PDF")
    assert visit.errors == []
