"""An officer's accept of an application the model does not offer as asked (a refused risk, a referral) grants
the application as asked priced at the grade of the model's PD (`OfferFound.asked`): recorded whole with the
decision and its audit row, stated by its letter (English and French, HTML and PDF); refused for everyone
(422 on `decision`) when that price is above the usury threshold or the household cannot carry it; an
accept of the model's own offer is recorded as before (no terms: its letter states the model's offer).

The strategy in force refuses from grade C's upper PD: the risks of grades D and E are refused, yet priced
under the usury threshold; those of grades G and H are priced above it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.main import create_app
from scoring.db.audit import Actor
from scoring.db.letters import read_letters
from scoring.db.strategies import activate
from scoring.db.tables import audit_log
from scoring.explain.policy_reasons import NOT_AFFORDABLE, PRICE_ABOVE_CAP, policy_catalogue
from scoring.notice import formats
from scoring.offer.pricing import Pricer
from scoring.offer.search import OfferFound
from scoring.serving.offering import stored_offer
from scoring.strategy.authority import authority_limits
from scoring.strategy.definition import load_strategy
from tests.api.conftest import API, make_settings, signed_in
from tests.api.test_notice import issued_rows, text_of, text_of_html
from tests.notice.letters import html_text, pdf_pages

pytestmark = pytest.mark.usefixtures("fast_hashes")  # light argon2id (tests/conftest.py)

GRADES = Pricer().grades
ACCEPT_BELOW, REFUSE_FROM = GRADES[1].pd_max, GRADES[2].pd_max  # B's and C's upper PDs
STRATEGY = f"name: refuse-from-c\ncutoffs: {{accept_below: {ACCEPT_BELOW}, refuse_from: {REFUSE_FROM}}}\n"
CLI = Actor("cli:test", source="cli")
OVERRIDE = {"reason_category": "verified-income", "justification": "Payslips of three months show more."}
LABELS = {"en": "Annual percentage rate of charge (APR)", "fr": "Taux annuel effectif global (TAEG)"}


@dataclass(frozen=True)
class Clients:
    """Stored clients of the demo home under the strategy, with the offer search's answer for each."""

    lawful: OfferFound  # refused risk, its asked terms grantable (lawful, affordable, in the product)
    above_cap: OfferFound  # refused risk, its asked terms priced above the usury threshold
    unaffordable: OfferFound  # refused risk, its asked terms lawfully priced but not affordable
    referred: OfferFound  # in the refer band, its asked terms grantable
    accepted: OfferFound  # accepted and offered as asked
    ids: dict[str, int]


@pytest.fixture
def app(demo_home: Path, tmp_path: Path) -> Iterator[TestClient]:
    settings = make_settings(demo_home, tmp_path / "db.sqlite", user_cache_seconds=0, strategy_ttl_seconds=0)
    with TestClient(create_app(settings)) as client:
        activate(client.app.state.scoring.engine, load_strategy(STRATEGY), "analyst", CLI)
        yield client


@pytest.fixture
def officer(app: TestClient) -> dict[str, str]:
    return signed_in(app, {"olivia": "officer"})["olivia"]


@pytest.fixture
def clients(app: TestClient) -> Clients:
    """The first stored client of each kind, picked by its figures (the model's PD, the asked terms)."""
    service, limits = app.app.state.scoring.service, authority_limits()
    found: dict[str, tuple[int, OfferFound]] = {}
    for row in range(len(service.store.ids)):
        result = stored_offer(service, row)
        if result is None:
            continue
        offer, pd = result.found, float(service.probabilities[row])
        lawful = offer.asked.apr <= float(service.offer_policy.usury.max_apr(offer.amount)[0])
        grantable = offer.barrier is None and lawful and not limits.exceeded(pd, offer.amount)
        kind = None
        if pd >= REFUSE_FROM and offer.probability >= REFUSE_FROM:
            if grantable and offer.decision == "refuse":
                kind = "lawful"
            elif not lawful:
                kind = "above_cap"
            elif offer.barrier == NOT_AFFORDABLE:
                kind = "unaffordable"
        elif ACCEPT_BELOW <= pd < REFUSE_FROM and grantable and offer.decision == "accept":
            kind = "referred"
        elif pd < ACCEPT_BELOW and grantable and offer.decision == "accept":
            kind = "accepted"
        if kind is not None and kind not in found:
            found[kind] = (int(service.store.ids[row]), offer)
        if len(found) == 5:
            return Clients(**{k: f for k, (_, f) in found.items()}, ids={k: i for k, (i, _) in found.items()})
    pytest.fail(f"the demo home lacks a client of each kind: found {sorted(found)}")


def money(value: float, language: str) -> str:
    return formats.money(value, "EUR", language).replace("\u202f", " ").replace("\xa0", " ")


def letters(app: TestClient, client_id: int, headers: dict) -> dict[tuple[str, str], str]:
    """The text of the client's letter in each language and format."""
    texts = {}
    for language in LABELS:
        for form in ("html", "pdf"):
            params = {"format": form, "lang": language}
            answer = app.get(f"{API}/clients/{client_id}/notice", params=params, headers=headers)
            assert answer.status_code == 200, answer.text
            text = html_text(answer.text) if form == "html" else pdf_pages(answer.content)[1]
            texts[(language, form)] = " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())
    return texts


def states(text: str, terms: dict, language: str) -> bool:
    """Whether a letter's text states the terms' amount, APR and instalment."""
    apr = formats.percent(terms["apr"], language).replace("\xa0", " ").replace("\u202f", " ")
    figures = (
        money(terms["amount"], language),
        f"{LABELS[language]} {apr}",
        money(terms["instalment"], language),
    )
    return all(figure in text for figure in figures)


def audited_offer(app: TestClient, decision_id: int) -> dict | None:
    app.app.state.audit_writer.flush()
    with app.app.state.scoring.engine.connect() as conn:
        rows = conn.execute(select(audit_log.c.action, audit_log.c.detail)).all()
    details = [json.loads(d) for action, d in rows if action in ("decision", "override")]
    [detail] = [d for d in details if d["decision_id"] == decision_id]
    return detail.get("offer")


def test_an_override_of_a_refused_risk_grants_the_asked_terms_priced_at_its_grade(
    app: TestClient, officer: dict, clients: Clients
) -> None:
    found, client_id = clients.lawful, clients.ids["lawful"]
    asked = found.asked.payload()
    assert asked["apr"] <= app.app.state.scoring.service.offer_policy.usury.max_apr(found.amount)[0]
    shown = app.get(f"{API}/clients/{client_id}/offer").json()
    assert shown["asked"] == {"amount": asked["amount"], "term_months": asked["term_months"]}
    url = f"{API}/clients/{client_id}/decisions"
    missing = app.post(url, json={"decision": "accept"}, headers=officer)
    assert missing.status_code == 422 and missing.json()["detail"][0]["field"] == "reason_category"
    saved = app.post(url, json={"decision": "accept", **OVERRIDE}, headers=officer)
    assert saved.status_code == 201, saved.text
    assert saved.json()["override"] is True and saved.json()["model_decision"] == "refuse"
    assert saved.json()["offer"] == asked and saved.json()["counter_offer_amount"] is None
    [recorded] = app.get(url, headers=officer).json()["decisions"]
    assert recorded["offer"] == asked
    assert audited_offer(app, saved.json()["id"]) == asked
    for (language, form), text in letters(app, client_id, officer).items():
        assert states(text, asked, language), (language, form, text)


def test_the_officers_decisions_each_get_their_letter(
    app: TestClient, officer: dict, clients: Clients
) -> None:
    """The model's refusal, the officer's accept overriding it, then the officer's refusal following the
    model: three decisions, three letters, each telling only its decision."""
    client_id = clients.ids["lawful"]
    url, decided = f"{API}/clients/{client_id}/notice", f"{API}/clients/{client_id}/decisions"
    model = app.get(url, params={"format": "html", "lang": "en"}, headers=officer)
    assert app.post(decided, json={"decision": "accept", **OVERRIDE}, headers=officer).status_code == 201
    accepted = app.get(url, params={"format": "html", "lang": "en"}, headers=officer)
    text = text_of_html(accepted.text)
    assert "is accepted" in text and "refus" not in text.lower() and "unable" not in text
    assert "points" not in text and "What we can offer" not in text and "The terms of your credit" in text
    assert "This decision was taken by one of our credit officers" in text
    french = text_of(app.get(url, params={"lang": "fr"}, headers=officer).content)
    assert "est acceptée" in french and "refus" not in french.lower() and "points" not in french
    assert app.post(decided, json={"decision": "refuse"}, headers=officer).status_code == 201
    refusal = app.get(url, params={"format": "html", "lang": "en"}, headers=officer)
    references = [r.headers["x-letter-reference"] for r in (model, accepted, refusal)]
    assert len(set(references)) == 3 and issued_rows(app) == 3
    assert "below the" in text_of_html(refusal.text)  # the officer followed the model's refusal: its points
    letters = read_letters(app.app.state.scoring.engine)
    assert letters["kind"].to_list() == ["refuse", "accept", "refuse"]
    assert letters["decision_id"].null_count() == 1


def test_no_one_may_accept_a_refused_risk_priced_above_the_usury_threshold(
    app: TestClient, officer: dict, clients: Clients
) -> None:
    found, client_id = clients.above_cap, clients.ids["above_cap"]
    assert found.asked.apr > app.app.state.scoring.service.offer_policy.usury.max_apr(found.amount)[0]
    url = f"{API}/clients/{client_id}/decisions"
    for language, left in (
        ("en", ("accept the counter-offer", "no counter-offer")),
        ("fr", ("contre-proposition",)),
    ):
        answer = app.post(
            url, json={"decision": "accept", **OVERRIDE}, headers={**officer, "Accept-Language": language}
        )
        assert answer.status_code == 422, answer.text
        [problem] = answer.json()["detail"]
        assert problem["field"] == "decision"
        assert policy_catalogue()[PRICE_ABOVE_CAP].text("title", language) in problem["message"]
        assert any(words in problem["message"] for words in left)
    assert app.get(url, headers=officer).json()["decisions"] == []  # nothing recorded
    if found.offer is not None:  # what is left: its counter-offer, which a refusal's acceptance follows
        countered = app.post(url, json={"decision": "accept-counter-offer"}, headers=officer)
        assert countered.status_code == 201 and countered.json()["offer"] == found.offer.payload()


def test_the_history_says_which_decisions_cannot_be_recorded_and_why(
    app: TestClient, officer: dict, clients: Clients
) -> None:
    """`barred` names an accept past the usury threshold with the 422's own text, in the request's language;
    nothing bars the accept of a grantable application."""
    url = f"{API}/clients/{clients.ids['above_cap']}/decisions"
    for language in LABELS:
        headers = {**officer, "Accept-Language": language}
        refused = app.post(url, json={"decision": "accept", **OVERRIDE}, headers=headers)
        [problem] = refused.json()["detail"]
        barred = {b["decision"]: b for b in app.get(url, headers=headers).json()["barred"]}
        assert barred["accept"] == {
            "decision": "accept",
            "reason_code": PRICE_ABOVE_CAP,
            "message": problem["message"],
        }
        assert ("accept-counter-offer" in barred) is (clients.above_cap.offer is None)
    for kind in ("lawful", "referred", "accepted"):
        history = app.get(f"{API}/clients/{clients.ids[kind]}/decisions", headers=officer).json()
        assert "accept" not in {b["decision"] for b in history["barred"]}, kind


def test_an_override_of_a_refused_risk_cannot_grant_an_unaffordable_loan(
    app: TestClient, officer: dict, clients: Clients
) -> None:
    """Refused on risk, its asked terms lawfully priced but not affordable: an officer's override may take
    the risk, not break the household's budget (the 422 names it, in the request's language)."""
    found, client_id = clients.unaffordable, clients.ids["unaffordable"]
    assert found.decision == "refuse" and found.reason_code is None and found.probability >= found.threshold
    url = f"{API}/clients/{client_id}/decisions"
    answer = app.post(
        url, json={"decision": "accept", **OVERRIDE}, headers={**officer, "Accept-Language": "fr"}
    )
    assert answer.status_code == 422, answer.text
    [problem] = answer.json()["detail"]
    title = policy_catalogue()[NOT_AFFORDABLE].text("title", "fr")
    assert problem["field"] == "decision" and problem["message"].startswith(
        f"la demande telle que formulée ne peut pas être accordée : {title} ("
    )
    left = "acceptez la contre-proposition" if found.offer is not None else "aucune contre-proposition"
    assert left in problem["message"]  # what is left: a counter-offer only if there is one
    assert app.get(url, headers=officer).json()["decisions"] == []


def test_the_accept_of_a_referral_records_the_asked_terms(
    app: TestClient, officer: dict, clients: Clients
) -> None:
    client_id, asked = clients.ids["referred"], clients.referred.asked.payload()
    url = f"{API}/clients/{client_id}/decisions"
    saved = app.post(url, json={"decision": "accept"}, headers=officer)
    assert saved.status_code == 201, saved.text
    assert saved.json()["model_decision"] == "refer" and saved.json()["override"] is False
    assert saved.json()["offer"] == asked and audited_offer(app, saved.json()["id"]) == asked
    for (language, form), text in letters(app, client_id, officer).items():
        assert states(text, asked, language), (language, form, text)


def test_the_accept_of_the_models_own_offer_is_recorded_as_before(
    app: TestClient, officer: dict, clients: Clients
) -> None:
    client_id, offer = clients.ids["accepted"], clients.accepted.offer.payload()
    url = f"{API}/clients/{client_id}/decisions"
    saved = app.post(url, json={"decision": "accept"}, headers=officer)
    assert saved.status_code == 201, saved.text
    assert saved.json()["model_decision"] == "accept" and saved.json()["override"] is False
    assert saved.json()["offer"] is None and audited_offer(app, saved.json()["id"]) is None
    for (language, form), text in letters(app, client_id, officer).items():
        assert states(text, offer, language), (language, form, text)  # the model's offer, as asked
