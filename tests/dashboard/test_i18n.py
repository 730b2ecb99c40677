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
from tests.dashboard.test_pages import client_body
from tests.support.components import components, texts

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
    from scoring.drift.segments import segment_policy
    from scoring.modeling import calibration, candidates, lgbm
    from scoring.monitoring import history
    from scoring.vocabulary import Decision, DecisionStatus, OfficerDecision, OverrideReason, Role

    assert set(vocabulary.DECISIONS) == {d.value for d in Decision}
    assert set(vocabulary.OFFICER_DECISIONS) == {d.value for d in OfficerDecision}
    assert set(vocabulary.ANNOUNCED) == {d.value for d in OfficerDecision if d.announced is not None}
    assert [s.value for s in DecisionStatus] == [
        vocabulary.FINAL,
        vocabulary.AWAITING_APPROVAL,
        vocabulary.REJECTED,
    ]
    assert set(vocabulary.OVERRIDE_REASONS) == {r.value for r in OverrideReason}
    assert set(vocabulary.ROLES) == {r.value for r in Role}
    assert set(vocabulary.PSI_BANDS) == {psi.STABLE, psi.MODERATE_SHIFT, psi.SIGNIFICANT_SHIFT}
    assert set(vocabulary.RETRAIN_OUTCOMES) == {history.PROMOTED, history.KEPT, history.SKIPPED}
    assert set(vocabulary.SELECTION_RULES) == {candidates.RULE}
    assert {c.name for c in candidates.candidate_list(lgbm.STRATEGIES)} == set(vocabulary.CANDIDATES)
    assert set(vocabulary.CALIBRATIONS) == {calibration.PLATT, calibration.ISOTONIC}
    assert set(vocabulary.CBPE_CALIBRATIONS) == {cbpe.BUNDLE, cbpe.ISOTONIC}
    assert set(vocabulary.SEGMENTS) == {segment.name for segment in segment_policy().segments}
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
        return httpx.Response(200, json=client_body(request.url.path))

    answer(handler)
    with app.server.test_request_context("/", headers={"Cookie": f"{COOKIE}=fr"}):
        content, hidden, _ = client.client_view("100002")
        assert client.title("100002") == "Client 100002 : décision de crédit"
    words = texts(html.Div(content))
    assert seen and set(seen) == {"fr"}  # the API is asked in the page's language (reason texts)
    assert "Crédit refusé" in words and "Principales raisons du refus" in words
    assert "Score : 537 points ; les demandes en dessous de 600 points sont refusées." in words
    assert "100\u202f% de ce qui a poussé vers le refus" in words
    assert "Le risque de défaut estimé est de 30,0\u202f%, 20,0 points de pourcentage au-dessus" in words
    assert "Réduire le montant à 80\u202f000\u00a0\u20ac au même taux et sur la même durée" in words
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
    page = client.get("/letters/100002?lang=fr&format=html")
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"  # one charset, not two
    assert client.get("/letters/100002?lang=de&format=pdf").status_code == 400
    assert client.get("/letters/100002?lang=fr&format=docx").status_code == 400
    answer(lambda _request: httpx.Response(409, json={"detail": "referred to an officer: no letter yet"}))
    refused = client.get("/letters/100002?lang=fr&format=pdf")
    assert refused.status_code == 409 and b"Referred to an officer: no letter yet" in refused.data
    assert b"<a href='/client/100002'>" in refused.data  # a way back to the client's page
    assert b"<html lang='fr'>" in refused.data and b"Retour au client" in refused.data  # as the API


def test_category_levels_mirror_the_schema_and_their_french_the_library() -> None:
    """Every level of a categorical column the API may send has the library's French name on French pages."""
    from scoring.data.schema import TABLES
    from scoring.features.field_labels import levels_fr

    levels = {
        level
        for table in TABLES.values()
        for column in table.columns
        if column.name != "STATUS"
        for level in column.levels
    }
    assert set(vocabulary.CATEGORY_LEVELS) == levels == set(levels_fr())
    fr = translator("fr")
    differ = {level for level in levels if vocabulary.level_label("X", level, fr) != levels_fr()[level]}
    assert differ == set()


@pytest.mark.parametrize(
    ("column", "level", "english", "french"),
    [
        ("NAME_FAMILY_STATUS", "Married", "Married", "Marié(e)"),
        ("APP_NAME_CONTRACT_TYPE", "Cash loans", "Cash loans", "Prêts personnels"),
        ("FLAG_OWN_CAR", "Y", "Yes", "Oui"),
        ("APP_FLAG_EMP_PHONE", 1, "Yes", "Oui"),
        ("APP_REG_CITY_NOT_WORK_CITY", 0.0, "No", "Non"),
        ("WEEKDAY_APPR_PROCESS_START", "MONDAY", "Monday", "Lundi"),
        ("CNT_CHILDREN", 1, "1", "1"),
        (
            "ORGANIZATION_TYPE",
            "A level the API added later",
            "A level the API added later",
            "A level the API added later",
        ),
    ],
)
def test_level_label(column: str, level: object, english: str, french: str) -> None:
    assert vocabulary.level_label(column, level, translator("en")) == english
    assert vocabulary.level_label(column, level, translator("fr")) == french


DRIFT_SUMMARY = {
    "reference": {"source": "train", "rows": 2000, "rows_total": 8000, "model_version": "v3"},
    "current": {
        "source": "log",
        "rows": 1500,
        "since": "2026-01-01T00:00:00+00:00",
        "model_versions": ["v3"],
    },
    "settings": {"drift_share": 0.3},
    "share_drifted": 0.4,
    "drifted_features": [
        {"feature": "F", "label": "Variable F", "method": "Wasserstein distance (normed)", "score": 0.3}
    ],
    "prediction_drift": {
        "probability": {"drifted": True, "method": "K-S p_value", "score": 0.001, "threshold": 0.05},
        "decision": {"drifted": False, "method": "Z-test p_value", "score": 0.4, "threshold": 0.05},
    },
    "psi": None,
    "estimated_performance": {
        "performance_drop": True,
        "estimated": {"auc": 0.71},
        "reference": {"auc": 0.76},
        "auc_drop": 0.05,
        "auc_drop_threshold": 0.03,
    },
    "alerts": ["share of drifted features 0.40 >= threshold 0.30", "prediction drift: probability", "AUC"],
}


def test_drift_summary_in_french() -> None:
    from dashboard import drift_text

    fr = translator("fr")
    assert drift_text.alerts(DRIFT_SUMMARY, fr) == [
        "part de variables en dérive de 0,40, au moins égale au seuil de 0,30",
        "dérive des prédictions : probabilité (valeur p de Kolmogorov-Smirnov 0,001, seuil 0,05)",
        "AUC estimée 0,710, 0,050 sous celle de la référence, 0,760 (alerte à 0,03)",
    ]
    assert drift_text.sample_description(DRIFT_SUMMARY["reference"], fr) == (
        "clients d\u2019entraînement (2\u202f000 sur 8\u202f000) avec les scores hors échantillon "
        "du modèle v3"
    )
    assert drift_text.sample_description(DRIFT_SUMMARY["current"], fr).startswith(
        "clients notés par l\u2019API depuis le 1 janv. 2026"
    )
    assert drift_text.comparison("20260101T000000Z_train_vs_log", fr) == (
        "référence : clients d\u2019entraînement ; comparés : journal des prédictions"
    )
    # a summary whose numbers do not account for its alerts keeps its own sentences
    other = {**DRIFT_SUMMARY, "alerts": ["something new"]}
    assert drift_text.alerts(other, fr) == ["something new"]
    assert drift_text.sample_description({"description": "custom"}, fr) == "custom"


def test_retrain_reasons_in_french() -> None:
    from dashboard.monitoring_text import retrain_reasons

    fr = translator("fr")
    rule = {"auc_margin": 0.005, "cost_margin": 0.02, "ece_tolerance": 0.01, "fairness_tolerance": 0.05}
    kept = {
        "outcome": "kept",
        "rule": rule,
        "checks": [
            {"check": "auc", "passed": False, "rule": "challenger AUC >= champion AUC + 0.005"},
            {"check": "cost", "passed": True},
            {"check": "fairness: age band", "passed": False},
        ],
    }
    assert retrain_reasons(kept, fr) == [
        "échec sur l\u2019AUC : celle du challenger doit atteindre celle du champion + 0,005",
        "échec sur l\u2019équité (Tranche d\u2019âge) : le plus bas ratio d\u2019acceptation doit rester "
        "à moins de 0,05 de celui du champion",
    ]
    assert retrain_reasons({"outcome": "promoted", "checks": []}, fr) == ["tous les contrôles sont passés"]
    skipped = {
        "outcome": "skipped",
        "reasons": [
            "out-of-time window too small: 1,200 labelled clients with 15 defaults (needs 500 and 20)"
        ],
    }
    assert retrain_reasons(skipped, fr) == [
        "fenêtre hors période trop petite : 1\u202f200 clients à l\u2019issue connue dont 15 défauts "
        "(il en faut 500 et 20)"
    ]


def test_api_validation_problems_name_the_form_fields_in_french(app: dash.Dash) -> None:
    from dashboard.api_client import error_of

    body = {"detail": [{"field": "AMT_CREDIT", "message": "champ obligatoire", "type": "missing"}]}
    response = httpx.Response(422, json=body, request=httpx.Request("POST", "http://api.test/score"))
    with app.server.test_request_context("/", headers={"Cookie": f"{COOKIE}=fr"}):
        error = error_of(response)
    assert "Montant du crédit : champ obligatoire" in error.message
    assert error.fields == {"AMT_CREDIT": "champ obligatoire"}
