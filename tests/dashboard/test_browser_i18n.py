"""The dashboard in French and English in headless Chromium: the client page by default in the browser's
language, the switch kept per browser, numbers per locale, screenshots of both, the letter and the
drill-down; then every other page in French in one browser (their English is driven in `test_browser`),
each with axe-core and no console error; and every page, signed in as an administrator, without a word of
the feature dictionary's or the message catalogue's English."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from babel.messages.pofile import read_po

from dashboard import vocabulary
from dashboard.i18n import LOCALES
from devtools.servers import Service, start_dashboard
from scoring.db.audit import Actor
from scoring.db.engine import open_database
from scoring.db.users import create_user
from scoring.features.dictionary import feature_dictionary
from tests.dashboard.conftest import API_KEY, Stack, Visit, new_context
from tests.dashboard.test_browser import CLIPPED, api_get

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
    page.wait_for_selector("#client-waterfall-graph .hbars-row")
    page.wait_for_selector("#client-drill-graph .hbars-row")
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
    page.wait_for_selector("#client-drill-graph .hbars-row")
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


def test_every_other_page_in_french(visit_fr: Visit, stack: Stack) -> None:
    examples = {e["kind"]: e["client_id"] for e in api_get(stack, "/analytics/examples")["examples"]}
    for client_id in examples.values():
        api_get(stack, f"/clients/{client_id}/score")  # traffic for the Operations page
    borderline = examples["borderline"]

    page = visit_fr.goto(f"/similar/{borderline}")
    page.wait_for_selector("#similar-table tbody tr")
    page.wait_for_selector("#similar-scatter-graph .main-svg")
    page.wait_for_selector("#similar-distribution-graph .main-svg")  # its own callback, as in test_browser
    assert page.title() == f"Client {borderline} : clients similaires"
    assert "Décision aujourd’hui" in page.inner_text("#similar-table thead")
    assert "dont l’issue est connue" in page.inner_text("#similar-distribution figcaption")
    assert "Ce client (l’étoile)" in page.inner_text("#similar-scatter figcaption")
    visit_fr.check("similar-fr")

    page = visit_fr.goto(f"/what-if/{borderline}")
    page.wait_for_selector("#what-if-max-amount")
    page.wait_for_selector("#what-if-comparison-graph .main-svg")
    assert "Champs modifiés : aucun pour l’instant." in page.inner_text("#what-if-changed")
    assert "Avant" in page.inner_text("#what-if-comparison-graph")  # the figure's own words
    page.fill("#what-if-CNT_CHILDREN", "2.5")
    page.press("#what-if-CNT_CHILDREN", "Tab")
    page.wait_for_selector("#what-if-CNT_CHILDREN-feedback:text('doit être un nombre entier')")
    visit_fr.check("what-if-fr")

    page = visit_fr.goto("/new-application")
    page.click("#new-submit")
    page.wait_for_selector("#new-problems li")
    assert "« Montant du crédit » est obligatoire." in page.inner_text("#new-problems")
    assert page.inner_text("label[for='new-AMT_CREDIT']") == "Montant du crédit (obligatoire)"
    visit_fr.check("new-application-fr")

    page = visit_fr.goto("/model")
    page.wait_for_selector("#model-fairness tbody tr")
    page.wait_for_selector("#model-best-threshold")
    for graph in ("cost", "importance", "codes", "beeswarm", "confusion", "roc", "calibration", "dependence"):
        page.wait_for_selector(f"#model-{graph}-graph .main-svg")
    assert page.evaluate(CLIPPED) == []  # the French labels, longer, fit the margins too
    assert "Version du modèle" in page.inner_text("#model-version")
    assert "Tranche d’âge" in page.inner_text("#model-fairness") and "Contrôle" in page.inner_text(
        "#model-fairness"
    )
    assert "Courbe ROC" in page.inner_text("figure:has(#model-roc-graph) figcaption")
    assert "Coût pour 1\u202f000 demandeurs" in page.inner_text("#model-cost-graph")
    visit_fr.check("model-fr")

    page = visit_fr.goto("/drift")
    page.wait_for_selector("#drift-facts")
    assert "Variables en dérive" in page.inner_text("#drift-facts")
    assert page.locator("iframe.drift-frame").get_attribute("title").startswith("Rapport de dérive Evidently")
    page.frame_locator("iframe.drift-frame").locator("body").wait_for()
    visit_fr.check("drift-fr")

    page = visit_fr.goto("/operations")
    page.wait_for_selector("#operations-totals")
    for graph in ("traffic", "latency", "decisions"):
        page.wait_for_selector(f"#operations-{graph}-graph .main-svg")
    assert "Requêtes" in page.inner_text("#operations-totals")
    assert "requêtes sur la période" in page.inner_text("#operations-content")
    assert "par périodes de 1 heure" in page.inner_text("#operations-content")
    visit_fr.check("operations-fr")

    page = visit_fr.goto("/no-such-page")
    assert page.inner_text("h1") == "Page introuvable"
    assert page.get_attribute("#not-found-home", "href") == "/"
    visit_fr.check("not-found-fr")


# -- no English left on a French page ---------------------------------------------------------------------

PLACEHOLDER = re.compile(r"\{[a-z_]*\}")
VISIBLE_TEXT = """() => [document.body.innerText,
    ...Array.from(document.querySelectorAll('svg text'), node => node.textContent)].join('\\n')"""
ADMIN, PASSWORD = "camille", "mot de passe assez long"


def english_needles() -> tuple[set[str], set[str]]:
    """(phrases, words) that are English on a French page: the feature dictionary's English labels and the
    catalogue's msgids (or their literal parts of 3+ words) whose French differs, of more than one word;
    single-word categorical levels (5+ letters) as whole words."""
    phrases = {e["labels"]["en"] for e in feature_dictionary() if e["labels"]["en"] != e["labels"]["fr"]}
    words = set()
    with (LOCALES / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="fr")
    for message in catalog:
        if not isinstance(message.id, str) or not message.id or message.string == message.id:
            continue
        if " " not in message.id:
            level = message.id in vocabulary.CATEGORY_LEVELS.values()
            if level and len(message.id) >= 5 and not message.id.isupper():  # not codes such as LIMIT
                words.add(message.id)
            continue
        parts = PLACEHOLDER.split(message.id) if "{" in message.id else [message.id]
        phrases |= {
            p.strip()
            for p in parts
            if (len(p.split()) >= 3 or p == message.id) and p.strip() not in message.string
        }
    return phrases, words


def english_on(page: object, needles: tuple[set[str], set[str]]) -> list[str]:
    text = page.evaluate(VISIBLE_TEXT)
    phrases, words = needles
    found = [p for p in phrases if p in text]
    return sorted(found + [w for w in words if re.search(rf"\b{re.escape(w)}\b", text)])


@pytest.fixture(scope="module")
def signed_fr(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """A dashboard with sign-in on, and an administrator to sign in with."""
    engine = open_database(f"sqlite:///{stack.api.log.parent / 'predictions.db'}")
    create_user(engine, ADMIN, "admin", PASSWORD, Actor("cli:tests", source="cli"))
    engine.dispose()
    server = start_dashboard(
        stack.api.url, tmp_path_factory.mktemp("signed-fr") / "dashboard.log", API_KEY, auth=True
    )
    try:
        server.wait("/login", 60)
        yield server
    finally:
        server.stop()


def test_no_english_on_any_french_page(browser: object, stack: Stack, signed_fr: Service) -> None:
    """Every page in French, signed in as an administrator: no English feature label, level or message."""
    examples = {e["kind"]: e["client_id"] for e in api_get(stack, "/analytics/examples")["examples"]}
    needles = english_needles()
    context = new_context(browser, locale="fr-FR")
    page = context.new_page()
    base, found = signed_fr.url, {}

    def look(name: str, path: str | None, *selectors: str) -> None:
        if path is not None:
            page.goto(base + path)
        for selector in selectors:
            page.wait_for_selector(selector)
        page.wait_for_load_state("load")
        page.wait_for_function("() => !document.querySelector('[data-dash-is-loading=\"true\"]')")
        found[name] = english_on(page, needles)

    try:
        look("sign-in", "/login", "#login-username")
        page.fill("#login-username", ADMIN)
        page.fill("#login-password", PASSWORD)
        page.click("#login-submit")
        page.wait_for_selector("#app-sign-out")
        look("users", "/users", "#users-accounts tbody tr")
        for kind in ("risky", "safe"):
            look(
                f"client {kind}",
                f"/client/{examples[kind]}",
                "#client-reasons",
                "#client-waterfall-graph .hbars-row",
                "#client-drill-graph .hbars-row",
                ".facts",
            )
        borderline = examples["borderline"]
        look(
            "similar", f"/similar/{borderline}", "#similar-table tbody tr", "#similar-scatter-graph .main-svg"
        )
        look(
            "what-if", f"/what-if/{borderline}", "#what-if-max-amount", "#what-if-comparison-graph .main-svg"
        )
        look("new application", "/new-application", "#new-submit")
        look("model", "/model", "#model-fairness tbody tr", "#model-importance-graph .main-svg")
        look("drift", "/drift", "#drift-facts", "#drift-psi")
        look("operations", "/operations", "#operations-totals")
        look("not found", "/no-such-page", "#not-found-home")
    finally:
        context.close()
    assert {name: words for name, words in found.items() if words} == {}
