"""Reasons by code, points and languages in the score responses."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.language import negotiate
from scoring.explain.evidence import Evidence
from scoring.explain.points import PointsScale
from scoring.explain.reason_codes import catalogue
from scoring.explain.reasons import CodeReason
from scoring.explain.sentences import customer_sentence
from scoring.explain.twins import shown_as, twins
from scoring.serving.service import ScoringService
from scoring.vocabulary import Language
from tests.api.conftest import API, APPLICATION

SHARED_APP = True  # the tests only read: one app for the module (tests/api/conftest.py `client`)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("fr-FR,fr;q=0.9,en;q=0.8", Language.FR),
        ("de-DE, en;q=0.5, fr;q=0.7", Language.FR),
        ("en-GB", Language.EN),
        ("de", Language.EN),
        ("fr;q=0, en;q=0.1", Language.EN),
        ("*", Language.EN),
        ("fr;q=abc, en", Language.EN),
        (None, Language.EN),
    ],
)
def test_accept_language_negotiation(header: str | None, expected: Language) -> None:
    assert negotiate(header) == expected
    assert negotiate("de", Language.FR) == Language.FR


def told(reason: dict, kind: str, language: str) -> str:
    """The customer sentence the reason's evidence calls for (the served text must be that one)."""
    judged = CodeReason(
        reason["code"], reason["contribution"], reason["share"], [], Evidence(reason["evidence"])
    )
    return customer_sentence(judged, kind, language)


def test_score_carries_code_reasons_points_and_exact_codes(
    client: TestClient, service: ScoringService
) -> None:
    refused = int(service.store.ids[service.probabilities.argmax()])
    body = client.get(f"{API}/clients/{refused}/score").json()
    assert body["decision"] == "refuse"
    assert body["points"] == pytest.approx(PointsScale().of(body["probability"]))
    assert body["threshold_points"] == pytest.approx(PointsScale().of(body["threshold"]))
    assert body["points"] <= body["threshold_points"]
    explanation = body["explanation"]
    codes = explanation["codes"]
    total = sum(c["contribution"] for c in codes)
    assert total == pytest.approx(explanation["raw_score"] - explanation["base_value"], abs=1e-4)
    reasons = explanation["reasons"]
    assert 1 <= len(reasons) <= 4
    assert all(r["contribution"] > 0 for r in reasons)
    assert [r["code"] for r in reasons] == [c["code"] for c in codes if c["contribution"] > 0][: len(reasons)]
    assert sum(r["share"] for r in reasons) <= 1 + 1e-9
    first = reasons[0]
    code = catalogue()[first["code"]]
    assert first["text"] == told(first, "adverse", "en")
    assert first["title"] == code.text("title", "en")
    assert first["actionable"] == code.actionable
    assert 1 <= len(first["features"]) <= 3 and all(f["contribution"] > 0 for f in first["features"])
    contributions = explanation["contributions"]
    listed = [f for c in codes for f in c["features"]] + explanation["raising"] + explanation["lowering"]
    assert not {f["feature"] for f in listed} & set(twins())  # age once, in years (not in days beside)
    for c in codes:  # drill-down: each code's listed features are its strongest, with their contributions
        for f in c["features"]:  # a quantity's contribution is the sum of its twins'
            assert catalogue().code_of(f["feature"]) == c["code"]
            shown = sum(v for name, v in contributions.items() if shown_as(name) == f["feature"])
            assert shown == pytest.approx(f["contribution"])


def test_accepted_client_reasons_push_towards_acceptance(client: TestClient, service: ScoringService) -> None:
    accepted = int(service.store.ids[service.probabilities.argmin()])
    body = client.get(f"{API}/clients/{accepted}/score", params={"contributions": "false"}).json()
    assert body["decision"] == "accept" and body["points"] > body["threshold_points"]
    reasons = body["explanation"]["reasons"]
    assert reasons and all(r["contribution"] < 0 for r in reasons)
    assert reasons[0]["text"] == told(reasons[0], "favourable", "en")


def test_reason_texts_follow_lang_then_accept_language(client: TestClient, service: ScoringService) -> None:
    refused = int(service.store.ids[service.probabilities.argmax()])
    url = f"{API}/clients/{refused}/score"
    french = client.get(url, params={"lang": "fr"}).json()["explanation"]["reasons"][0]
    assert french["text"] == told(french, "adverse", "fr") != told(french, "adverse", "en")
    by_header = client.get(url, headers={"Accept-Language": "fr-FR,fr;q=0.9"}).json()["explanation"]
    assert by_header["reasons"][0]["text"] == told(french, "adverse", "fr")
    assert by_header["codes"][0]["title"] == catalogue()[by_header["codes"][0]["code"]].text("title", "fr")
    forced = client.get(url, params={"lang": "en"}, headers={"Accept-Language": "fr"}).json()
    assert forced["explanation"]["reasons"][0]["text"] == told(french, "adverse", "en")
    bad = client.get(url, params={"lang": "de"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "lang"


def test_posted_application_in_french(client: TestClient) -> None:
    body = client.post(f"{API}/score", params={"lang": "fr"}, json=APPLICATION).json()
    reasons = body["explanation"]["reasons"]
    kind = "adverse" if body["decision"] == "refuse" else "favourable"
    assert reasons[0]["text"] == told(reasons[0], kind, "fr")
    assert isinstance(body["points"], float)


def test_reason_code_catalogue_with_global_importance(client: TestClient, service: ScoringService) -> None:
    body = client.get(f"{API}/reason-codes", params={"lang": "fr"}).json()
    codes = body["codes"]
    assert body["version"] == catalogue().version and body["language"] == "fr"
    assert len(codes) == len(catalogue())
    assert sorted(f for c in codes for f in c["features"]) == sorted(service.scorer.feature_names)
    importance = [c["importance"] for c in codes]
    assert importance == sorted(importance, reverse=True) and importance[0] > 0
    assert sum(c["importance_share"] for c in codes) == pytest.approx(1.0)
    top = codes[0]
    assert top["title"] == catalogue()[top["code"]].text("title", "fr")
    sample = service.shap_sample()
    by_hand = sum(sample[f"SHAP__{f}"].to_numpy() for f in top["features"])
    assert top["importance"] == pytest.approx(float(abs(by_hand).mean()))
