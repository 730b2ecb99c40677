"""The officer's "accept the counter-offer" records the whole offer the server computes (never one the caller
sends), the decision and its history give it back, and its letter states exactly those terms, whatever the
model says later; a letter announcing the model's acceptance states the offer of `GET /clients/{id}/offer`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

import scoring.serving.letter_facts
from scoring.notice import formats
from scoring.strategy.authority import authority_limits
from tests.api.conftest import API
from tests.api.test_oversight import app_client, people  # noqa: F401 - fixtures
from tests.notice.letters import html_text

pytestmark = pytest.mark.usefixtures("fast_hashes")  # light argon2id (tests/conftest.py)


def offers(client: TestClient, count: int = 300) -> Iterator[dict]:
    """The offers of the first stored clients."""
    for client_id in client.app.state.scoring.service.store.ids[:count]:
        yield client.get(f"{API}/clients/{int(client_id)}/offer").json()


def money(value: float, language: str = "en") -> str:
    return formats.money(value, "EUR", language).replace("\u202f", " ").replace("\xa0", " ")


def letter(client: TestClient, client_id: int, headers: dict, language: str = "en") -> str:
    url = f"{API}/clients/{client_id}/notice"
    answer = client.get(url, params={"format": "html", "lang": language}, headers=headers)
    assert answer.status_code == 200, answer.text
    return html_text(answer.text)


def test_an_application_the_lender_may_not_grant_as_asked_cannot_be_accepted_as_asked(
    app_client: TestClient,  # noqa: F811
    people: dict,  # noqa: F811
) -> None:
    """Its risk is accepted but its instalment is not affordable: no one may grant it as asked (the 422 names
    the decision and says why); its counter-offer can be accepted, and that follows the model's acceptance
    (what an acceptance can lend): no override, no reason category."""
    limits = authority_limits()
    blocked = next(
        o
        for o in offers(app_client)
        if o["reason_code"] == "NOT_AFFORDABLE"
        and o["offer"]
        and not limits.exceeded(o["probability"], o["offer"]["amount"])
    )
    url = f"{API}/clients/{blocked['client_id']}/decisions"
    refused = app_client.post(url, json={"decision": "accept"}, headers=people["officer"])
    assert refused.status_code == 422, refused.text
    [problem] = refused.json()["detail"]
    assert problem["field"] == "decision" and "Repayments not affordable" in problem["message"]
    history = app_client.get(url, headers=people["officer"]).json()
    assert history["decisions"] == []  # nothing recorded
    assert history["overriding"] == ["refuse"]  # the counter-offer is what the acceptance can lend
    assert history["barred"] == [  # the form offers no accept, and says why: the 422's text
        {"decision": "accept", "reason_code": "NOT_AFFORDABLE", "message": problem["message"]}
    ]
    override = {
        "reason_category": "affordability",
        "justification": "The household can carry the lower amount only.",
    }
    reasoned = app_client.post(
        url, json={"decision": "accept-counter-offer", **override}, headers=people["officer"]
    )
    assert reasoned.status_code == 422 and reasoned.json()["detail"][0]["field"] == "reason_category"
    countered = app_client.post(url, json={"decision": "accept-counter-offer"}, headers=people["officer"])
    assert countered.status_code == 201, countered.text
    assert countered.json()["offer"] == blocked["offer"] and countered.json()["override"] is False


def test_an_accepted_counter_offer_records_the_whole_offer(
    app_client: TestClient,  # noqa: F811
    people: dict,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    service, limits = app_client.app.state.scoring.service, authority_limits()
    countered = next(
        o
        for o in offers(app_client)
        if o["offer"]
        and o["limits"]["bound"] == "affordability"
        and o["offer"]["amount"] < o["asked"]["amount"]
        and service.probabilities[service.store.row(o["client_id"])] < o["threshold"]
        and not limits.exceeded(o["probability"], o["offer"]["amount"])
    )  # the model accepts the risk but the household cannot carry the amount asked: its counter-offer
    client_id, terms = countered["client_id"], countered["offer"]
    url = f"{API}/clients/{client_id}/decisions"
    posted = {"decision": "accept-counter-offer", "offer": {**terms, "amount": 1.0}}
    sent = app_client.post(url, json=posted, headers=people["officer"])
    assert sent.status_code == 422 and "offer" in sent.text  # the caller never sends the terms
    saved = app_client.post(url, json={"decision": "accept-counter-offer"}, headers=people["officer"])
    assert saved.status_code == 201, saved.text
    assert saved.json()["status"] == "final" and not saved.json()["override"]  # what the acceptance lends
    assert saved.json()["offer"] == terms and saved.json()["counter_offer_amount"] == terms["amount"]
    [recorded] = app_client.get(url, headers=people["officer"]).json()["decisions"]
    assert recorded["offer"] == terms
    monkeypatch.setattr(scoring.serving.letter_facts, "stored_offer", lambda service, row: None)
    labels = {"en": "Annual percentage rate of charge (APR)", "fr": "Taux annuel effectif global (TAEG)"}
    for (
        language,
        label,
    ) in labels.items():  # the model offers nothing now: the letter keeps the recorded terms
        text = letter(app_client, client_id, people["officer"], language)
        assert money(terms["amount"], language) in text and money(terms["total_payable"], language) in text
        assert money(terms["instalment"], language) in text
        assert f"{label} {formats.percent(terms['apr'], language)}".replace("\xa0", " ") in text


def test_no_counter_offer_without_an_offer(app_client: TestClient, people: dict) -> None:  # noqa: F811
    nothing = next((o for o in offers(app_client) if o["offer"] is None), None)
    if nothing is None:
        pytest.fail("no stored client without an offer among the first 300")
    url = f"{API}/clients/{nothing['client_id']}/decisions"
    refused = app_client.post(url, json={"decision": "accept-counter-offer"}, headers=people["officer"])
    assert refused.status_code == 422 and refused.json()["detail"][0]["field"] == "decision"
    barred = app_client.get(url, headers={**people["officer"], "Accept-Language": "fr"}).json()["barred"]
    assert {
        "decision": "accept-counter-offer",
        "reason_code": "NO_COUNTER_OFFER",
        "message": "il n’y a pas de contre-proposition : le modèle n’accepte aucun montant pour ce client",
    } in barred
    assert (
        refused.json()["detail"][0]["message"]
        == "there is no counter-offer: the model accepts no amount for this client"
    )


def test_the_models_acceptance_letter_states_the_offer(app_client: TestClient, people: dict) -> None:  # noqa: F811
    service = app_client.app.state.scoring.service
    granted = next(
        o
        for o in offers(app_client)
        if o["decision"] == "accept"
        and service.probabilities[service.store.row(o["client_id"])] < o["threshold"]
    )
    terms = granted["offer"]
    text = letter(app_client, granted["client_id"], people["officer"])
    assert "is accepted" in text and "The terms of your credit" in text
    assert f"Total amount of credit {money(terms['amount'])}" in text
    assert f"{terms['term_months']} monthly instalments of {money(terms['instalment'])}" in text
    assert f"Total amount payable {money(terms['total_payable'])}" in text
