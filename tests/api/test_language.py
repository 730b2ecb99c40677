"""The API in the request's language: feature labels of explanations, the model card, importance and
analytics, and error messages (HTTP details and validation problems)."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient

from api.main import create_app
from scoring.features.dictionary import feature_labels
from tests.api.conftest import API, APPLICATION, make_settings

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9"}


def _feature_labels(explanation: dict) -> dict[str, str]:
    members = [*explanation["raising"], *explanation["lowering"]]
    members += [f for group in ("codes", "reasons") for code in explanation[group] for f in code["features"]]
    return {f["feature"]: f["label"] for f in members}


def test_explanations_carry_the_labels_of_the_requests_language(
    client: TestClient, stored_ids: dict[str, int]
) -> None:
    french, english = feature_labels("fr"), feature_labels("en")
    for headers, expected in ((FRENCH, french), ({}, english)):
        stored = client.get(f"{API}/clients/{stored_ids['train']}/score", headers=headers).json()
        posted = client.post(f"{API}/score", json=APPLICATION, headers=headers).json()
        for body in (stored, posted):
            labels = _feature_labels(body["explanation"])
            assert labels, body
            assert all(label == expected[name] for name, label in labels.items()), labels
    assert french["PREV_REFUSED_AMT_ANNUITY_MEAN"] != english["PREV_REFUSED_AMT_ANNUITY_MEAN"]


def test_model_card_importance_and_analytics_in_french(client: TestClient) -> None:
    french = feature_labels("fr")
    model = client.get(f"{API}/model", params={"lang": "fr"}).json()
    assert all(f["label"] == french[f["name"]] for f in model["features"])
    importance = client.get(f"{API}/explain/global", headers=FRENCH).json()["importance"]
    assert all(e["label"] == french[e["feature"]] for e in importance)
    numeric = [f["name"] for f in model["features"] if f["kind"] == "numeric"][:2]
    shown = client.get(f"{API}/analytics/distribution", params={"feature": numeric[0]}, headers=FRENCH).json()
    assert shown["label"] == french[numeric[0]]
    scatter = client.get(
        f"{API}/analytics/scatter", params={"x": numeric[0], "y": numeric[1]}, headers=FRENCH
    ).json()
    assert (scatter["x_label"], scatter["y_label"]) == (french[numeric[0]], french[numeric[1]])


def test_errors_in_the_requests_language(client: TestClient) -> None:
    missing = client.get(f"{API}/clients/999999999/score", headers=FRENCH)
    assert missing.status_code == 404 and missing.json()["detail"] == "client introuvable"
    assert client.get(f"{API}/clients/999999999/score").json()["detail"] == "client not found"
    report = client.get(f"{API}/reports/drift/nope/summary", headers=FRENCH)
    assert report.json()["detail"] == "rapport de dérive introuvable"
    bad = {k: v for k, v in APPLICATION.items() if k != "AMT_CREDIT"} | {"EXT_SOURCE_2": 1.5}
    problems = client.post(f"{API}/score", json=bad, headers=FRENCH).json()["detail"]
    messages = {p["field"]: p["message"] for p in problems}
    assert messages["AMT_CREDIT"] == "champ obligatoire"
    assert messages["EXT_SOURCE_2"] == "doit être inférieur ou égal à 1"
    tiny = client.post(f"{API}/score", json={**APPLICATION, "AMT_ANNUITY": 1e-300}, headers=FRENCH).json()
    assert tiny["detail"][0]["message"].startswith("doit valoir 0 ou au moins")
    unknown = client.get(f"{API}/clients/999999999/score", params={"colour": "x"}, headers=FRENCH).json()
    assert unknown["detail"][0]["message"] == "paramètre de requête inconnu"
    english = client.post(f"{API}/score", json=bad).json()["detail"]
    assert {p["field"]: p["message"] for p in english}["AMT_CREDIT"] == "Field required"


def test_drift_summary_labels_in_the_requests_language(demo_home: Path, tmp_path: Path) -> None:
    drift = tmp_path / "reports" / "drift"
    (drift / "run1").mkdir(parents=True)
    row = {"feature": "APP_AMT_CREDIT", "label": "Credit amount of the loan"}
    old = {"feature": "GONE", "label": "A feature of an older model"}
    summary = {"drifted_features": [row, old], "features": [row], "psi": {"features": [row]}}
    (drift / "run1" / "summary.json").write_text(json.dumps(summary))
    (drift / "index.json").write_text(json.dumps([{"name": "run1", "summary_path": "run1/summary.json"}]))
    settings = make_settings(demo_home, tmp_path / "log.db", reports_dir=tmp_path / "reports")
    with TestClient(create_app(settings)) as client:
        french = client.get(f"{API}/reports/drift/run1/summary", headers=FRENCH).json()
        english = client.get(f"{API}/reports/drift/run1/summary").json()
    assert [r["label"] for r in french["drifted_features"]] == [
        "Montant du crédit",
        "A feature of an older model",
    ]
    assert french["psi"]["features"][0]["label"] == french["features"][0]["label"] == "Montant du crédit"
    assert english == summary


def test_every_translated_message_fills_its_placeholders_from_its_pattern() -> None:
    import string

    from api.error_texts import _catalogue, translate

    for language, entry in _catalogue().items():
        for pattern, template in entry["messages"] + entry["prefixes"]:
            names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
            assert names <= set(pattern.groupindex), (language, pattern.pattern)
    assert translate("client 42 not found", "fr") == "client 42 introuvable"
    assert translate("something new", "fr") == "something new"
    assert translate("client 42 not found", "en") == "client 42 not found"


def test_a_strategy_files_problems_in_french_place_first() -> None:
    """A problem that says where it applies ("line 9: cutoffs: ...") keeps the place, in French typography,
    and translates what follows it."""
    from api.error_texts import translate

    told = translate("line 9: cutoffs: accept_below (0.055) must not be above refuse_from (0.02)", "fr")
    assert told == "ligne 9 : cutoffs : accept_below (0.055) ne doit pas dépasser refuse_from (0.02)"
    action = translate("line 14: rules[0].action: Input should be 'refuse' or 'refer'", "fr")
    assert action == "ligne 14 : rules[0].action : la valeur doit être 'refuse' ou 'refer'"
    assert translate("line 1: a strategy is a mapping with name, cutoffs and rules", "fr").startswith(
        "ligne 1 : une stratégie est un dictionnaire"
    )
    assert translate("line 3: something new", "fr") == "ligne 3 : something new"  # unknown rest kept
    unknown = (
        "line 16: rules[1].when: unknown name AMT_INCOMEE: not a column of the application nor a feature"
    )
    assert translate(f"{unknown} (did you mean AMT_INCOME_TOTAL?) (at character 1)", "fr") == (
        "ligne 16 : rules[1].when : nom inconnu AMT_INCOMEE : ni une colonne de la demande ni une variable "
        "(vouliez-vous dire AMT_INCOME_TOTAL ?) (au caractère 1)"
    )
