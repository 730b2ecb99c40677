"""GET /clients/{id}/notice: the letter of the final decision in PDF or HTML, French or English; one
decision, one letter (the same reference for every view, format and language; a new decision, a new one)."""

from __future__ import annotations

import hashlib
import html
import io
import re
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import func, select

from api.routes.decisions import model_opinion
from scoring.db import decisions
from scoring.db.audit import Actor
from scoring.db.letters import IssuedLetter, decision_key, read_deliveries, read_letters, record_delivery
from scoring.db.tables import audit_log
from scoring.db.users import create_user
from scoring.serving.letter_facts import stored_facts
from scoring.serving.prediction_log import client_hash
from scoring.serving.service import ScoringService
from scoring.vocabulary import Decision, OfficerDecision, OverrideReason
from tests.api.conftest import API
from tests.db.conftest import CLI

NOTE = "Payslips of the last three months show a higher income."


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    return re.sub(r"\s+", " ", reader.pages[0].extract_text().replace("\u202f", " ").replace("\xa0", " "))


def text_of_html(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page[page.index("<body>") :])))


def issued_rows(client: TestClient) -> int:
    with client.app.state.scoring.engine.connect() as conn:
        query = select(func.count()).select_from(audit_log).where(audit_log.c.action == "letter-issued")
        return conn.execute(query).scalar_one()


def decide(
    client: TestClient, client_id: int, decision: OfficerDecision, reason: OverrideReason | None
) -> int:
    """Record an officer's decision on a stored client; returns its id."""
    state = client.app.state.scoring
    officer = create_user(state.engine, f"officer{client_id}{decision}"[:60], "officer", None, CLI)
    opinion = model_opinion(state.service, state.salt, client_id)
    choice = decisions.OfficerChoice(decision, reason, NOTE if reason else None)
    return decisions.record(state.engine, choice, opinion, Actor(officer.username, officer.id, "officer"))[
        "id"
    ]


def test_one_decision_one_letter_in_every_format_and_language(
    client: TestClient, service: ScoringService
) -> None:
    refused = int(service.store.ids[service.probabilities.argmax()])
    url = f"{API}/clients/{refused}/notice"
    reasons = client.get(f"{API}/clients/{refused}/score", params={"lang": "fr"}).json()["explanation"][
        "reasons"
    ]
    french = client.get(url, params={"lang": "fr"})
    assert french.status_code == 200
    assert french.headers["content-type"] == "application/pdf" and french.headers["content-language"] == "fr"
    reference = french.headers["x-letter-reference"]
    text = text_of(french.content)
    assert "Décision sur votre demande de crédit" in text and reference in text
    assert all(r["text"] in text for r in reasons) and "%" not in text
    assert "Cette décision a été prise par un modèle automatisé" in text
    again = client.get(url, params={"lang": "fr"})
    page = client.get(url, params={"format": "html"}, headers={"Accept-Language": "en-GB"})
    english = client.get(url, params={"lang": "en"})
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert {r.headers["x-letter-reference"] for r in (again, page, english)} == {reference}
    assert reference in page.text and reference in text_of(english.content)
    assert again.content == french.content  # the same letter, byte for byte: same reference and issue date

    letters = read_letters(client.app.state.scoring.engine)
    assert letters.height == 1 and issued_rows(client) == 1
    first = letters.row(0, named=True)
    assert first["issued_by"] == "service" and first["user_id"] is None  # no signed-in user named
    assert first["document_sha256"] == hashlib.sha256(french.content).hexdigest()
    assert first["reference"] == reference and first["decision_id"] is None
    assert first["client_hash"] == client_hash(refused, client.app.state.scoring.salt)
    assert str(refused) not in "".join(str(v) for v in first.values())
    assert (first["kind"], first["language"], first["format"]) == ("refuse", "fr", "pdf")
    deliveries = read_deliveries(client.app.state.scoring.engine)
    assert deliveries.select("reference", "language", "format").rows() == [
        (reference, "fr", "pdf"),
        (reference, "en", "html"),
        (reference, "en", "pdf"),
    ]
    assert deliveries["document_sha256"].to_list()[1] == hashlib.sha256(page.content).hexdigest()


def test_later_views_show_the_first_issue_date(client: TestClient, service: ScoringService) -> None:
    row = int(service.probabilities.argmax())
    refused = int(service.store.ids[row])
    state = client.app.state.scoring
    score = client.get(f"{API}/clients/{refused}/score").json()
    hashed = client_hash(refused, state.salt) or ""
    earlier = datetime(2026, 1, 2, 9, 0, tzinfo=UTC)
    letter = IssuedLetter(
        created_at=earlier,
        reference="L-20260102-0000000A",
        request_id=None,
        client_hash=hashed,
        kind="refuse",
        probability=score["probability"],
        language="fr",
        format="pdf",
        model_version=score["model_version"],
        document_sha256="0" * 64,
        decision_key=decision_key(hashed, None, "refuse", score["model_version"], score["probability"]),
    )
    record_delivery(state.engine, CLI, letter)
    page = client.get(f"{API}/clients/{refused}/notice", params={"format": "html", "lang": "en"})
    assert page.headers["x-letter-reference"] == letter.reference
    assert "January 2, 2026" in text_of_html(page.text) and issued_rows(client) == 1


def test_an_officers_refusal_for_suspected_fraud_says_our_checks(
    client: TestClient, service: ScoringService
) -> None:
    accepted = int(service.store.ids[service.probabilities.argmin()])
    decide(client, accepted, OfficerDecision.REFUSE, OverrideReason.FRAUD_SUSPICION)
    for lang, checks in (("fr", "nos vérifications"), ("en", "our checks")):
        text = text_of(client.get(f"{API}/clients/{accepted}/notice", params={"lang": lang}).content)
        assert checks in text and "fraud" not in text.lower() and "points" not in text and "%" not in text


def test_a_referral_leaves_the_models_decision_and_its_letter(
    client: TestClient, service: ScoringService
) -> None:
    accepted = int(service.store.ids[service.probabilities.argmin()])
    url = f"{API}/clients/{accepted}/notice"
    before = client.get(url, params={"format": "html", "lang": "fr"})
    decide(client, accepted, OfficerDecision.REFER, None)
    after = client.get(url, params={"format": "html", "lang": "fr"})
    assert before.headers["x-letter-reference"] == after.headers["x-letter-reference"]
    text = text_of_html(after.text)
    assert "est acceptée" in text and "prise par un modèle automatisé" in text and "points" not in text


def test_bad_requests_issue_no_letter(client: TestClient, service: ScoringService) -> None:
    assert client.get(f"{API}/clients/999999999/notice").status_code == 404
    stored = int(service.store.ids[0])
    bad = client.get(f"{API}/clients/{stored}/notice", params={"format": "docx"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "format"
    assert client.get(f"{API}/clients/{stored}/notice", params={"lang": "es"}).status_code == 422
    assert len(read_letters(client.app.state.scoring.engine)) == 0


def test_no_acceptance_letter_for_a_household_nothing_can_be_lent_to(
    client: TestClient, service: ScoringService
) -> None:
    """The model accepts the risk, but the offer can lend nothing (not the amount asked, no lower amount, no
    longer term): no letter announces a credit whose terms no one could state, until an officer decides."""
    facts = (stored_facts(service, row) for row in range(len(service.store.ids)))
    stranded = next(
        f
        for f in facts
        if f is not None
        and f[0].model_decision == Decision.ACCEPT
        and f[0].offer is None
        and f[0].counter_offer is None
    )
    client_id = int(stranded[1].client_id)
    answer = client.get(f"{API}/clients/{client_id}/notice", headers={"Accept-Language": "fr"})
    assert answer.status_code == 409
    assert answer.json()["detail"].startswith("le modèle accepte le risque, mais rien ne peut être prêté")
    assert len(read_letters(client.app.state.scoring.engine)) == 0
