"""The lender's offer on the officer's pages, against a fake API: the client page's table (terms, what bound
the amount, the alternatives, or why nothing is offered), the What-if page's "Apply this offer", the officer's
history of an accepted counter-offer, and the Model page's expected profit beside the cost curve."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import dash
import httpx
import pytest
from dash import dcc, html
from fastapi.testclient import TestClient

from api.main import create_app as create_api
from api.schemas.access import DecisionOut
from dashboard.api_client import EXTENSION, ApiClient
from dashboard.i18n import COOKIE, ENGLISH
from dashboard.values import money
from tests.api.conftest import API, make_settings
from tests.support.components import components, texts
from tests.support.payloads import FACTS, OFFER, RECOURSE, SCORE, checked

NO_OFFER = {
    **OFFER,
    "decision": "refuse",
    "offer": None,
    "alternatives": [],
    "reason_code": "PRICE_ABOVE_CAP",
}


def client_api(offer: dict | None = OFFER, status: int = 200) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.endswith("/offer"):
            return httpx.Response(status, json=offer if status == 200 else {"detail": "the offer failed"})
        body = SCORE if path.endswith("/score") else RECOURSE if path.endswith("/recourse") else FACTS
        return httpx.Response(200, json=body)

    return handler


def offer_section(content: object) -> html.Section:
    [section] = [c for c in components(html.Div(content)) if getattr(c, "id", None) == "client-offer"]
    return section


SHOWN = {"client_id": 100002}  # the client page's store once the decision is on screen


def test_the_client_page_shows_the_offer_as_a_table(answer: Callable) -> None:
    from dashboard.pages import client

    answer(client_api())
    section = offer_section(client.show_offer(SHOWN))
    rows = [
        [texts(cell) for cell in row.children]
        for row in components(section)
        if isinstance(row, html.Tr)
        and isinstance(row.children[0], html.Th)
        and row.children[0].scope == "row"
    ]
    assert rows == [
        ["The offer", "€80,000", "24 months", "8.90%", "9.95%", "€3,651", "€88,427"],
        ["Amount asked, longer term", "€100,000", "36 months", "9.40%", "10.21%", "€3,199", "€116,150"],
    ]
    words = texts(section)
    assert (
        "Asked: €100,000 over 24 months. The application as asked cannot be offered: its instalment" in words
    )
    assert "What bound the amount:" in words and "Affordability: a larger instalment would take" in words
    assert "(at most €3,700 a month, existing credits included)" in words
    assert "Debt-service ratio with this credit: 34.6% of the income." in words


def test_an_amount_offered_in_full_was_bound_by_nothing(answer: Callable) -> None:
    from dashboard.pages import client

    longer = OFFER["alternatives"][1]  # the amount asked in full, over a longer term
    answer(client_api({**OFFER, "offer": longer, "alternatives": [longer]}))
    words = texts(offer_section(client.show_offer(SHOWN)))
    assert "What bound the amount:" in words and "Nothing: the amount asked is offered in full." in words
    assert "Affordability" not in words  # what limits a larger amount does not bind this one


def test_the_offer_table_in_french(app: dash.Dash, answer: Callable) -> None:
    from dashboard.pages import client

    answer(client_api())
    with app.server.test_request_context("/", headers={"Cookie": f"{COOKIE}=fr"}):
        words = texts(offer_section(client.show_offer(SHOWN)))
    assert "La proposition" in words and "Montant demandé : 100\u202f000\u00a0€ sur 24 mois." in words
    assert "8,90\u202f%" in words and "TAEG" in words and "Mensualité" in words
    assert "Ce qui a limité le montant :" in words and "Capacité de remboursement" in words


def test_when_nothing_can_be_offered_the_reason_is_said(answer: Callable) -> None:
    from dashboard.pages import client

    answer(client_api(NO_OFFER))
    section = offer_section(client.show_offer(SHOWN))
    assert not [c for c in components(section) if isinstance(c, html.Table)]
    assert "the rate this risk calls for would exceed the legal maximum rate" in texts(section)
    answer(client_api({**NO_OFFER, "reason_code": None}))
    assert "keeps the estimated risk below the threshold" in texts(offer_section(client.show_offer(SHOWN)))


def test_the_client_page_stands_when_the_offer_fails(answer: Callable) -> None:
    from dashboard.pages import client

    answer(client_api(status=500))
    content, hidden, _ = client.client_view("100002")
    assert hidden and "Credit refused" in texts(html.Div(content))
    assert "client-shown" in [c.id for c in components(html.Div(content)) if isinstance(c, dcc.Store)]
    assert "The scoring service failed to answer" in texts(offer_section(client.show_offer(SHOWN)))
    assert client.show_offer(None) is None


def test_what_if_applies_the_offers_amount_and_instalment(answer: Callable) -> None:
    from dashboard.pages import what_if

    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.endswith("/applications/fields"):
            from tests.support.payloads import FIELDS

            return httpx.Response(200, json=FIELDS)
        return client_api()(request)

    answer(handler)
    form, initial, before, offer, hidden, _ = what_if.load_client("100002", None)
    words = texts(form)
    assert offer == OFFER and hidden and initial and before
    assert "The offer: €80,000 over 24 months at 8.90% a year (APR 9.95%): €3,651 a month." in words
    assert [c for c in components(form) if getattr(c, "id", None) == "what-if-apply-offer"]
    assert what_if.apply_offer(1, offer) == (80_000.0, 3_651.11, 88_000.0)
    assert what_if.apply_offer(None, offer) == (dash.no_update,) * 3
    assert what_if.apply_offer(1, NO_OFFER) == (dash.no_update,) * 3
    box = what_if.offer_box(NO_OFFER, ENGLISH)
    assert "legal maximum rate" in texts(box) and not [
        c for c in components(box) if getattr(c, "id", None) == "what-if-apply-offer"
    ]


def test_the_officers_history_shows_the_recorded_offer() -> None:
    from dashboard.components import officer

    recorded = checked(
        DecisionOut,
        {
            "id": 8,
            "created_at": "2026-12-06T08:00:00Z",
            "username": "olivia",
            "decision": "accept-counter-offer",
            "model_decision": "refuse",
            "override": False,
            "reason_category": None,
            "justification": None,
            "model_version": OFFER["model_version"],
            "probability": OFFER["probability"],
            "threshold": OFFER["threshold"],
            "reasons": [{"direction": "raising", "feature": "A", "label": "Late payments", "value": 3}],
            "counter_offer_amount": OFFER["offer"]["amount"],
            "offer": OFFER["offer"],
            "status": "final",
            "reviewed_by": None,
            "reviewed_at": None,
            "review_note": None,
        },
    )
    table = officer.history_table([recorded], {"accept-counter-offer": "Accept the counter-offer"}, ENGLISH)
    assert "Accept the counter-offer: €80,000 over 24 months at 8.90% a year (APR 9.95%)" in texts(table)


def test_the_model_page_shows_the_expected_profit_beside_the_cost_curve(answer: Callable) -> None:
    from dashboard import model_text
    from dashboard.pages import model

    curve = {
        "w_fn": 10.0,
        "w_fp": 1.0,
        "clients": 2000,
        "accept_all_cost_per_1000": 95.0,
        "curve": {
            "threshold": [0.05, 0.1, 0.15],
            "cost_per_1000": [80.0, 60.0, 70.0],
            "approval_rate": [0.5, 0.8, 0.9],
        },
        "best": {"threshold": 0.1, "cost_per_1000": 60.0, "approval_rate": 0.8, "recall": 0.5},
        "production": {"threshold": 0.12, "cost_per_1000": 62.0, "approval_rate": 0.85, "recall": 0.45},
        "chosen": None,
    }
    answer(lambda request: httpx.Response(200, json=curve))
    figures = {
        "interest_income_per_1000": 90_000.0,
        "expected_loss_per_1000": 30_000.0,
        "offered_share": 0.82,
    }
    payload = {"expected_profit_per_1000": 41_250.5, "profit": {**figures, "realised_profit_per_1000": None}}
    profit = model_text.profit_facts(payload)
    view, hidden, _ = model.show_cost(10.0, 1.0, None, profit)
    words = texts(view)
    assert hidden and "Expected profit at the production threshold" in words
    assert "the lender expects a profit of €41,250 per 1,000 applicants" in words
    assert "Interest income €90,000 Expected loss €30,000 Applicants offered a credit 82.0%" in words
    assert "Realised profit" not in words
    view, _, _ = model.show_cost(10.0, 1.0, None, model_text.profit_facts({}))
    assert "gives no expected profit" in texts(view)


class Recording(httpx.BaseTransport):
    """A transport to the API under test that keeps the JSON of every what-if answer."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.what_if: list[dict] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if request.url.path.endswith("/what-if"):
            response.read()
            self.what_if.append(response.json())
        return response


@pytest.fixture(scope="module")
def real_api(demo_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The API on the demo home, in process."""
    settings = make_settings(demo_home, tmp_path_factory.mktemp("api") / "db.sqlite")
    with TestClient(create_api(settings)) as api:
        yield api


def test_applying_the_offer_rescores_to_the_offers_decision(app: dash.Dash, real_api: TestClient) -> None:
    """Against the real API: "Apply this offer" on a client refused as asked puts the counter-offer in the
    form, and the rescored application is the offer's: accepted, at the offer's probability."""
    from dashboard.pages import what_if

    api = real_api
    with app.server.app_context():
        ids = [int(i) for i in api.app.state.scoring.service.store.ids[:300]]
        offers = (api.get(f"{API}/clients/{i}/offer").json() for i in ids)
        countered = next(o for o in offers if o["decision"] == "refuse" and o["offer"] is not None)
        recording = Recording(api._transport)
        original = app.server.extensions[EXTENSION]
        app.server.extensions[EXTENSION] = ApiClient("http://testserver", transport=recording)
        try:
            client_id = str(countered["client_id"])
            _, initial, before, offer, _, _ = what_if.load_client(client_id, None)
            assert offer == countered
            values = dict(initial)
            applied = what_if.apply_offer(1, offer)
            values.update(zip(("AMT_CREDIT", "AMT_ANNUITY", "AMT_GOODS_PRICE"), applied, strict=True))
            view = what_if.rescore(*(values[f] for f in what_if.FIELDS), client_id, initial, before)
        finally:
            app.server.extensions[EXTENSION] = original
    [after] = [c for c in components(view) if getattr(c, "id", None) == "what-if-after"]
    assert [c for c in components(after) if "decision-accept" in (getattr(c, "className", "") or "")]
    [answered] = recording.what_if
    assert answered["score"]["decision"] == "accept"
    assert answered["score"]["probability"] == pytest.approx(countered["offer"]["probability"], abs=1e-6)


def test_the_model_routes_profit_reads_on_the_model_page(real_api: TestClient) -> None:
    from dashboard import model_text

    served = real_api.get(f"{API}/model").json()
    profit = model_text.profit_facts(served)
    assert profit is not None and profit["expected_profit_per_1000"] == served["expected_profit_per_1000"]
    summary = model_text.profit_summary(profit, ENGLISH)
    assert money(served["expected_profit_per_1000"], ENGLISH) in summary
    labels = [label for label, _ in model_text.profit_rows(profit, ENGLISH)]
    assert labels[:4] == ["Interest income", "Expected loss", "Cost of funds", "Operating cost"]


def test_the_asked_terms_sentence_follows_what_decided() -> None:
    from dashboard.offer_text import asked_words

    as_asked = {**OFFER["offer"], "kind": None, "amount": OFFER["asked"]["amount"]}
    asked = {**OFFER, "offer": as_asked, "rules_fired": []}
    start = "Asked: €100,000 over 24 months. "
    assert asked_words({**asked, "decision": "accept"}) == start + "The application is offered as asked."
    referred = asked_words({**asked, "decision": "refer"})  # the strategy refers what the offer grants
    assert referred == start + (
        "The application is referred to an officer: the lender can offer it as asked if the officer "
        "accepts it."
    )
    ruled = asked_words({**asked, "decision": "refuse", "rules_fired": ["BUREAU_CURRENT_OVERDUE"]})
    assert ruled.startswith(start + "A lending policy rule refuses the application")
    assert "estimated risk is above" not in referred + ruled
