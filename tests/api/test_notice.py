"""GET /clients/{id}/notice: the letter in PDF or HTML, French or English, recorded when issued."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from scoring.db.letters import read_letters
from scoring.explain.reason_codes import catalogue
from scoring.serving.prediction_log import client_hash
from scoring.serving.service import ScoringService
from tests.api.conftest import API

pytestmark = pytest.mark.skipif(
    not __import__("pathlib").Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf").exists(),
    reason="Debian's fonts-dejavu-core is not installed (make setup installs it)",
)


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    return re.sub(r"\s+", " ", reader.pages[0].extract_text().replace("\u202f", " ").replace("\xa0", " "))


def test_refusal_letter_in_french_then_english_is_recorded(
    client: TestClient, service: ScoringService
) -> None:
    refused = int(service.store.ids[service.probabilities.argmax()])
    score = client.get(f"{API}/clients/{refused}/score").json()
    codes = [r["code"] for r in score["explanation"]["reasons"]]
    french = client.get(f"{API}/clients/{refused}/notice", params={"lang": "fr"})
    assert french.status_code == 200
    assert french.headers["content-type"] == "application/pdf"
    assert french.headers["content-language"] == "fr"
    text = text_of(french.content)
    assert "Décision sur votre demande de crédit" in text and "Vos droits" in text
    for code in codes:
        assert catalogue()[code].text("adverse", "fr") in text
    assert score["model_version"] in text and french.headers["x-letter-reference"] in text
    english = client.get(f"{API}/clients/{refused}/notice", headers={"Accept-Language": "en-GB"})
    assert catalogue()[codes[0]].text("adverse", "en") in text_of(english.content)

    letters = read_letters(client.app.state.scoring.engine)
    assert len(letters) == 2
    first = letters.row(0, named=True)
    assert first["issued_by"] == "service" and first["user_id"] is None  # no signed-in user named
    assert first["document_sha256"] == hashlib.sha256(french.content).hexdigest()
    assert first["reference"] == french.headers["x-letter-reference"]
    assert first["client_hash"] == client_hash(refused, client.app.state.scoring.salt)
    assert str(refused) not in "".join(str(v) for v in first.values())
    assert (first["kind"], first["language"], first["format"]) == ("refuse", "fr", "pdf")
    assert letters["reference"].n_unique() == 2


def test_html_letter(client: TestClient, service: ScoringService) -> None:
    accepted = int(service.store.ids[service.probabilities.argmin()])
    response = client.get(f"{API}/clients/{accepted}/notice", params={"format": "html", "lang": "fr"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert '<html lang="fr">' in response.text and "est acceptée" in response.text
    assert read_letters(client.app.state.scoring.engine)["format"].to_list() == ["html"]


def test_bad_requests_issue_no_letter(client: TestClient, service: ScoringService) -> None:
    assert client.get(f"{API}/clients/999999999/notice").status_code == 404
    stored = int(service.store.ids[0])
    bad = client.get(f"{API}/clients/{stored}/notice", params={"format": "docx"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "format"
    assert client.get(f"{API}/clients/{stored}/notice", params={"lang": "es"}).status_code == 422
    assert len(read_letters(client.app.state.scoring.engine)) == 0
