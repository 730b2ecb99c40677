"""Every page driven in headless Chromium against the real API: content, no console error, no serious or
critical axe-core violation (a screenshot per page in reports/screenshots/ with `make screenshots`)."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Iterator

import httpx
import pytest

from devtools.browser import open_client
from tests.dashboard.conftest import API_KEY, Stack, Visit

pytestmark = [pytest.mark.browser, pytest.mark.slow]
UPDATE = re.compile(r"/_dash-update-component\b")  # a Dash callback's POST (its URL has a query)
COUNTER_OFFER = re.compile(  # its forms (dashboard.text.counter_offer_text)
    r"The largest credit amount (still accepted|accepted without referral)|Accepted at every amount"
    r"|No credit amount"
)
CLIPPED = """() => [...document.querySelectorAll('[id^="model-"][id$="-graph"]')].flatMap(graph => {
  const svg = graph.querySelector('.main-svg');
  if (!svg) return [];
  const box = svg.getBoundingClientRect();
  return [...graph.querySelectorAll('text')].filter(t => {
    const r = t.getBoundingClientRect();
    return r.width > 0 && (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1
      || r.bottom > box.bottom + 1);
  }).map(t => `${graph.id}: ${t.textContent}`);
})"""  # the texts of the Model page's figures drawn outside their figure (margins too narrow for them)


def api_get(stack: Stack, path: str) -> dict:
    response = httpx.get(f"{stack.api.url}/api/v1{path}", headers={"X-API-Key": API_KEY}, timeout=10)
    response.raise_for_status()
    return response.json()


@pytest.fixture(scope="module")
def examples(stack: Stack) -> dict[str, dict]:
    return {e["kind"]: e for e in api_get(stack, "/analytics/examples")["examples"]}


def test_client_decision_from_the_search_box(visit: Visit, examples: dict[str, dict]) -> None:
    risky = examples["risky"]["client_id"]
    page = visit.goto("/")
    page.wait_for_selector(".examples li")  # filled by a callback after the page's heading
    assert page.locator(".examples li").count() == 3
    page.fill("#client-search", str(risky)[:3])
    page.wait_for_function("() => document.querySelectorAll('#client-suggestions option').length > 0")
    seconds = open_client(page, visit.base_url, risky)
    print(
        f"\nclient {risky}: decision and explanation rendered {seconds * 1000:.0f} ms after submitting the ID"
    )
    assert page.title() == f"Client {risky}: credit decision"
    assert page.url.endswith(f"/client/{risky}")
    assert page.inner_text(".decision-title").endswith("Credit refused")
    assert "above the refusal threshold" in page.inner_text(".decision")
    assert "points; applications below" in page.inner_text(".decision-points")
    reasons = page.locator("#client-reasons li")
    assert 1 <= reasons.count() <= 4
    assert "of what pushed towards refusal" in reasons.first.inner_text()
    risk = page.inner_text("#client-risk-graph")  # the risk against the cut-offs, drawn in HTML
    assert "Accept zone" in risk and "Refuse zone" in risk and "Probability of default" in risk
    assert page.locator("#client-waterfall-graph .hbars-row").count() >= 1
    page.wait_for_selector("#client-drill-graph .hbars-row")  # drawn after the decision
    assert page.locator("#client-content .main-svg").count() == 0  # no Plotly figure on the client page
    assert "Credit amount" in page.inner_text(".facts")
    assert page.locator("#client-letter a").count() == 4
    visit.check("client")


def test_deep_link_of_a_granted_client(visit: Visit, examples: dict[str, dict]) -> None:
    safe = examples["safe"]["client_id"]
    page = visit.goto(f"/client/{safe}")
    page.wait_for_selector(
        "#client-reasons, #client-error:not([hidden])"
    )  # the decision, or the error instead
    assert page.locator("#client-reasons").count() == 1, page.inner_text("#client-error")
    assert page.title() == f"Client {safe}: credit decision"
    assert page.inner_text(".decision-title").endswith("Credit granted")
    assert "of what pushed towards acceptance" in page.inner_text("#client-reasons")
    assert page.locator("#client-recourse").count() == 0
    visit.check("client-granted")


def test_unknown_or_malformed_client_id_gets_a_friendly_message(visit: Visit) -> None:
    page = visit.goto("/client/2000000000")
    page.wait_for_selector("#client-unknown")
    assert "No client with ID 2000000000" in page.inner_text("#client-unknown")
    page = visit.goto("/client/abc")
    page.wait_for_selector("#client-unknown")
    assert "is not a client ID" in page.inner_text("#client-unknown")
    visit.check("client-unknown")


def test_keyboard_only_lookup(visit: Visit, examples: dict[str, dict]) -> None:
    borderline = examples["borderline"]["client_id"]
    page = visit.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    page.focus("#client-search")
    page.keyboard.type(str(borderline))
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#client-heading:text('Client {borderline}')")
    page.wait_for_selector("#client-reasons")
    assert "close call" in page.inner_text(".decision")
    assert visit.errors == []


def test_similar_clients(visit: Visit, examples: dict[str, dict]) -> None:
    client = examples["borderline"]["client_id"]
    page = visit.goto(f"/similar/{client}")
    page.wait_for_selector("#similar-table tbody tr")
    assert page.locator("#similar-table tbody tr").count() == 10
    page.wait_for_selector("#similar-distribution-graph .main-svg")
    page.wait_for_selector("#similar-scatter-graph .main-svg")
    assert "all clients with a known outcome" in page.inner_text("#similar-distribution figcaption")
    page.check("#similar-group input[value='similar']", force=True)
    page.wait_for_selector("#similar-distribution figcaption:text('among the similar clients')")
    assert "This client (the star)" in page.inner_text("#similar-scatter figcaption")
    visit.check("similar")


def test_what_if_rescores_and_gives_the_largest_amount(visit: Visit, examples: dict[str, dict]) -> None:
    client = examples["borderline"]["client_id"]
    page = visit.goto(f"/what-if/{client}")
    page.wait_for_selector("#what-if-max-amount")
    assert "Changed fields: none yet." in page.inner_text("#what-if-changed")
    credit = float(page.input_value("#what-if-AMT_CREDIT"))
    page.fill("#what-if-AMT_CREDIT", str(round(credit * 3)))
    page.press("#what-if-AMT_CREDIT", "Tab")
    page.wait_for_function(
        "() => document.querySelector('#what-if-changed')?.textContent.includes('Credit amount')"
    )
    page.wait_for_selector("#what-if-comparison-graph .main-svg")
    offer = page.inner_text("#what-if-max-amount")  # the counter-offer, in one of its three forms
    assert COUNTER_OFFER.match(offer)
    assert page.inner_text("#what-if-after .decision-title").endswith(("Credit granted", "Credit refused"))
    page.fill("#what-if-CNT_CHILDREN", "2.5")
    page.press("#what-if-CNT_CHILDREN", "Tab")
    page.wait_for_selector("#what-if-CNT_CHILDREN-feedback:text('whole number')")
    visit.check("what-if")


def check_of(field: str) -> Callable[[object], bool]:
    """Whether a request is the new-application form's check of `field` (a Dash callback's POST)."""

    def matches(request: object) -> bool:
        if not UPDATE.search(request.url):
            return False
        return json.loads(request.post_data or "{}")["output"].startswith(f"..new-{field}.invalid")

    return matches


@contextlib.contextmanager
def leave_with_check_held(page: object, field: str) -> Iterator[None]:
    """Leave the new-application `field` (Tab): its check goes out and is held at the network while the block
    runs, as a loaded server answers late; sent at the end of the block."""
    held: list = []
    is_check = check_of(field)

    def hold(route: object) -> None:
        if not held and is_check(route.request):
            held.append(route)
        else:
            route.continue_()

    page.route(UPDATE, hold)
    try:
        with page.expect_request(is_check):
            page.press(f"#new-{field}", "Tab")
        yield
    finally:
        for route in held:
            route.continue_()
        page.unroute(UPDATE, hold)


def test_new_application_is_checked_then_scored(visit: Visit) -> None:
    page = visit.goto("/new-application")
    page.click("#new-submit")
    page.wait_for_selector("#new-problems li")
    assert "Credit amount is required." in page.inner_text("#new-problems")
    page.wait_for_selector("#new-AMT_CREDIT-feedback:text('Credit amount is required.')")  # and at the field
    page.fill("#new-AMT_INCOME_TOTAL", "-5")
    page.press("#new-AMT_INCOME_TOTAL", "Tab")
    page.wait_for_selector("#new-AMT_INCOME_TOTAL-feedback:text('must be between')")
    for name, value in {"AMT_INCOME_TOTAL": "135000", "AMT_CREDIT": "450000", "AMT_ANNUITY": "22500"}.items():
        page.fill(f"#new-{name}", value)
        page.press(f"#new-{name}", "Tab")
    assert page.locator("#new-CODE_GENDER").count() == 0  # the applicant's sex is never asked
    page.fill("#new-AGE_YEARS", "38")
    with leave_with_check_held(page, "AGE_YEARS"):  # the officer scores before the last field's check is in
        page.click("#new-submit", delay=300)  # a person's press: the button must stay under it till released
    page.wait_for_selector("#new-reasons, #new-error:not([hidden])")  # the result, or the error instead
    assert page.locator("#new-reasons").count() == 1, page.inner_text("#new-error")
    assert page.inner_text("#new-result .decision-title").endswith(("Credit granted", "Credit refused"))
    page.wait_for_selector("#new-waterfall-graph .hbars-row")
    assert 1 <= page.locator("#new-reasons li").count() <= 4
    assert page.locator("#new-problems li").count() == 0
    offer = page.inner_text("#new-offer")  # the lender's terms for the application, or why none
    assert "The offer" in offer and ("APR" in offer or page.locator("#new-offer-none").count() == 1)
    page.wait_for_function(
        "() => !document.querySelector('#new-form .is-invalid')"
    )  # the held check's answer
    visit.check("new-application")


def test_model_page(visit: Visit) -> None:
    page = visit.goto("/model")
    page.wait_for_selector("#model-fairness tbody tr")
    page.wait_for_selector("#model-best-threshold")
    assert "Model version" in page.inner_text("#model-version")
    for graph in ("cost", "importance", "codes", "beeswarm", "confusion", "roc", "calibration"):
        page.wait_for_selector(f"#model-{graph}-graph .main-svg")
    assert "reason codes" in page.inner_text("#model-codes figcaption")
    page.wait_for_selector("#model-dependence-graph .main-svg")
    assert page.evaluate(CLIPPED) == []  # margins fixed from the labels hold them (figures.margins)
    before = page.inner_text("#model-best-threshold")
    page.fill("#model-w-fn", "1")
    page.press("#model-w-fn", "Tab")
    page.wait_for_function(
        f"() => document.querySelector('#model-best-threshold')?.textContent !== {before!r}"
    )
    visit.check("model")


def test_drift_page_embeds_the_report(visit: Visit) -> None:
    page = visit.goto("/drift")
    page.wait_for_selector("#drift-facts")
    assert "Drifted features" in page.inner_text("#drift-facts")
    assert "Prediction drift" in page.inner_text("#drift-facts")
    frame = page.locator("iframe.drift-frame")
    assert frame.get_attribute("title").startswith("Evidently drift report")
    page.frame_locator("iframe.drift-frame").locator("body").wait_for()
    visit.check("drift")


def test_operations_page(visit: Visit, stack: Stack, examples: dict[str, dict]) -> None:
    for example in examples.values():
        api_get(stack, f"/clients/{example['client_id']}/score")
    page = visit.goto("/operations")
    page.wait_for_selector("#operations-totals")
    assert "Requests" in page.inner_text("#operations-totals")
    for graph in ("traffic", "latency", "decisions"):
        page.wait_for_selector(f"#operations-{graph}-graph .main-svg")
    assert "requests in the period" in page.inner_text("#operations-content")
    visit.check("operations")


@pytest.mark.parametrize("path", ["/client/100002", "/model", "/operations", "/drift", "/new-application"])
def test_api_down_shows_a_message_and_a_retry(visit_down: Visit, path: str) -> None:
    page = visit_down.goto(path)
    error = page.locator("[id$='-error']:not([hidden])").first
    error.wait_for()
    assert "cannot be reached" in error.inner_text()
    assert error.locator("button", has_text="Retry").count() == 1
    if path == "/client/100002":
        visit_down.check("api-down")
    assert visit_down.errors == []
