"""The dashboard in English and French: complete catalogues, the language of a request, the pages' texts,
numbers per locale, the API asked in the page's language, and the decision letters served."""

from __future__ import annotations

import re
from collections.abc import Callable

import dash
import httpx
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from dash import html
from werkzeug.datastructures import LanguageAccept

from dashboard import vocabulary
from dashboard.i18n import COOKIE, DEFAULT, LANGUAGES, LOCALES, language_of, translator
from tests.dashboard.test_pages import FACTS, RECOURSE, SCORE, components, texts

REPO = LOCALES.parents[1]
PLACEHOLDER = re.compile(r"\{[a-z_]*\}")


def marked_messages() -> dict[str, object]:
    """Every string the dashboard marks for translation (as `make messages` extracts them)."""
    found = extract_from_dir(str(REPO / "dashboard"), method_map=[("**.py", "python")])
    return {message if isinstance(message, str) else message[0]: message for _, _, message, *_ in found}


TRANSLATED = [language for language in LANGUAGES if language != DEFAULT]


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_marked_string_has_a_translation_with_the_same_placeholders(language: str) -> None:
    messages = marked_messages()
    assert len(messages) > 100
    with (LOCALES / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=language)
    missing, wrong = [], []
    for key, message in messages.items():
        entry = catalog.get(message if isinstance(message, str) else message[0])
        if entry is None or not entry.string or entry.fuzzy or not all(entry.string):
            missing.append(key)
            continue
        translations = [entry.string] if isinstance(entry.string, str) else list(entry.string)
        sources = [message] if isinstance(message, str) else list(message)
        expected = set(PLACEHOLDER.findall(" ".join(sources)))
        if any(set(PLACEHOLDER.findall(t)) != expected for t in translations):
            wrong.append(key)
    assert missing == [], f"untranslated (run `make messages` and fill in the French): {missing}"
    assert wrong == [], f"placeholders differ between English and French: {wrong}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_catalogue_has_no_stale_or_empty_entry(language: str) -> None:
    """Every entry is still used by the code, none is left obsolete (`#~`), empty or fuzzy."""
    used = set(marked_messages())
    with (LOCALES / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=language)
    entries = [m for m in catalog if m.id]
    stale = [m.id for m in entries if (m.id if isinstance(m.id, str) else m.id[0]) not in used]
    empty = [m.id for m in entries if m.fuzzy or not m.string or not all(m.string)]
    assert stale == [], f"no longer in the code (run `make messages`): {stale}"
    assert empty == [] and list(catalog.obsolete) == []


def test_api_vocabularies_shown_in_french_mirror_the_library() -> None:
    """The dashboard cannot import `scoring`; its translated copies of the API's values must not drift."""
    from scoring.drift import cbpe, psi
    from scoring.modeling import candidates
    from scoring.monitoring import history
    from scoring.vocabulary import OfficerDecision, OverrideReason, Role

    assert set(vocabulary.OFFICER_DECISIONS) == {d.value for d in OfficerDecision}
    assert set(vocabulary.OVERRIDE_REASONS) == {r.value for r in OverrideReason}
    assert set(vocabulary.ROLES) == {r.value for r in Role}
    assert set(vocabulary.PSI_BANDS) == {psi.STABLE, psi.MODERATE_SHIFT, psi.SIGNIFICANT_SHIFT}
    assert set(vocabulary.RETRAIN_OUTCOMES) == {history.PROMOTED, history.KEPT, history.SKIPPED}
    assert set(vocabulary.SELECTION_RULES) == {candidates.RULE}
    assert set(vocabulary.CBPE_CALIBRATIONS) == {cbpe.BUNDLE, cbpe.ISOTONIC}
    fr = translator("fr")
    assert vocabulary.label(vocabulary.ROLES, "officer", fr) == "Chargé de crédit"
    assert vocabulary.label(vocabulary.ROLES, "auditor", fr, fallback="Auditor") == "Auditor"
    assert vocabulary.selection_rule(None, fr) == "coût le plus bas"


def test_language_of_a_request() -> None:
    french_first = LanguageAccept([("fr-FR", 1.0), ("en", 0.5)])
    assert language_of("en", french_first) == "en"  # the switch's cookie wins
    assert language_of(None, french_first) == "fr"
    assert language_of("de", LanguageAccept([("de", 1.0)])) == "en"
    assert language_of(None, None) == "en"
    assert LANGUAGES == ("en", "fr")


def test_numbers_and_dates_per_locale() -> None:
    import datetime

    fr, en = translator("fr"), translator("en")
    assert fr.number(1234.5, 1) == "1\u202f234,5" and en.number(1234.5, 1) == "1,234.5"
    assert fr.percent(0.0183) == "1,8\u202f%" and en.percent(0.0183) == "1.8%"
    assert fr.date(datetime.date(2026, 11, 27)) == "27 novembre 2026"
    assert en.date(datetime.date(2026, 11, 27)) == "November 27, 2026"
    assert fr.number(None) == "inconnu" and en.number(float("nan")) == "unknown"


@pytest.mark.parametrize(
    ("headers", "cookie", "language", "skip_link"),
    [
        ({"Accept-Language": "fr-FR,fr;q=0.9"}, None, "fr", "Aller au contenu principal"),
        ({"Accept-Language": "fr-FR"}, "en", "en", "Skip to main content"),
        ({}, None, "en", "Skip to main content"),
    ],
)
def test_page_and_frame_in_the_request_language(
    app: dash.Dash,
    headers: dict,
    cookie: str | None,
    language: str,
    skip_link: str,
) -> None:
    client = app.server.test_client()
    if cookie:
        client.set_cookie(COOKIE, cookie)
        headers = {**headers, "Cookie": f"{COOKIE}={cookie}"}  # for the request context below
    index = client.get("/client/100002", headers=headers).get_data(as_text=True)
    assert f'<html lang="{language}">' in index
    assert skip_link in client.get("/_dash-layout", headers=headers).get_data(as_text=True)
    with app.server.test_request_context("/", headers=headers):
        frame = app.layout()
    pressed = [c.lang for c in components(frame) if getattr(c, "aria-pressed", None) == "true"]
    assert pressed == [language]


def test_client_page_in_french(app: dash.Dash, answer: Callable) -> None:
    from dashboard.pages import client

    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("accept-language"))
        path = request.url.path
        body = SCORE if path.endswith("/score") else RECOURSE if path.endswith("/recourse") else FACTS
        return httpx.Response(200, json=body)

    answer(handler)
    with app.server.test_request_context("/", headers={"Cookie": f"{COOKIE}=fr"}):
        content, hidden, _ = client.show_client("100002", None)
        assert client.title("100002") == "Client 100002 : décision de crédit"
    words = texts(html.Div(content))
    assert seen and set(seen) == {"fr"}  # the API is asked in the page's language (reason texts)
    assert "Crédit refusé" in words and "Principales raisons du refus" in words
    assert "Score : 537 points ; les demandes en dessous de 600 points sont refusées." in words
    assert "100\u202f% de ce qui a poussé vers le refus" in words
    assert "Le risque de défaut estimé est de 30,0\u202f%, 20,0 points de pourcentage au-dessus" in words
    assert "Réduire le montant à 80\u202f000 au même taux et sur la même durée" in words
    assert "100\u202f000" in words and "Issue connue" in words and "Lettre de décision" in words


def test_letters_are_fetched_from_the_api(app: dash.Dash, answer: Callable) -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(
            200,
            content=b"%PDF-1.4 letter",
            headers={"content-type": "application/pdf", "x-letter-reference": "L-1"},
        )

    answer(handler)
    client = app.server.test_client()
    response = client.get("/letters/100002?lang=fr&format=pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert (
        response.data == b"%PDF-1.4 letter" and "decision-L-1.pdf" in response.headers["Content-Disposition"]
    )
    sent = calls[-1]
    assert sent.url.path == "/api/v1/clients/100002/notice"
    assert dict(sent.url.params) == {"lang": "fr", "format": "pdf"}
    assert "x-scoring-user" not in sent.headers  # sign-in is off in this app: no user to name
    assert client.get("/letters/100002?lang=de&format=pdf").status_code == 400
    assert client.get("/letters/100002?lang=fr&format=docx").status_code == 400
