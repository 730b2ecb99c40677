"""The lender's offer in headless Chromium against the real API: the client page's table of terms, and the
What-if page's "Apply this offer", whose rescored result is the offer's (accepted)."""

from __future__ import annotations

import pytest

from tests.dashboard.conftest import Stack, Visit
from tests.dashboard.test_browser import api_get

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def countered_client(stack: Stack) -> dict:
    """The offer of a stored client refused as asked to whom the lender offers other terms."""
    for client_id in api_get(stack, "/clients?prefix=1&limit=100")["ids"]:
        offer = api_get(stack, f"/clients/{client_id}/offer")
        if offer["decision"] == "refuse" and offer["offer"] is not None:
            return offer
    raise AssertionError("no client with a counter-offer among the first 100")


def test_the_offer_on_the_client_page_and_applied_on_the_what_if_page(visit: Visit, stack: Stack) -> None:
    offer = countered_client(stack)
    client_id = offer["client_id"]
    page = visit.goto(f"/client/{client_id}")
    page.wait_for_selector("#client-offer-table")
    terms = (offer["offer"]["amount"], offer["offer"]["term_months"])
    others = [a for a in offer["alternatives"] if (a["amount"], a["term_months"]) != terms]
    assert page.locator("#client-offer-table tbody tr").count() == 1 + len(others)  # the offer listed once
    assert "What bound the amount:" in page.inner_text("#client-offer-bound")
    visit.check("client-offer")
    page = visit.goto(f"/what-if/{client_id}")
    page.wait_for_selector("#what-if-max-amount")
    assert page.inner_text("#what-if-offer-terms").startswith("€")
    page.click("#what-if-apply-offer")
    page.wait_for_function(
        "() => document.querySelector('#what-if-changed')?.textContent.includes('Credit amount')"
    )
    assert float(page.input_value("#what-if-AMT_CREDIT")) == offer["offer"]["amount"]
    assert float(page.input_value("#what-if-AMT_ANNUITY")) == offer["offer"]["instalment"]
    page.wait_for_selector("#what-if-after .decision-accept")
    assert page.inner_text("#what-if-after .decision-title").endswith("Credit granted")
    visit.check("what-if-offer")
