"""Stored clients: search, facts, score with explanation, similar clients, counter-offer."""

from __future__ import annotations

import math

import numpy as np
import pytest
from fastapi.testclient import TestClient

from api.schemas.scores import score_payload
from scoring.features.catalog import all_features
from scoring.offer.apr import instalment
from scoring.serving.service import ScoringService
from scoring.vocabulary import Language
from tests.api.conftest import API, wait_for_explanations

SHARED_APP = True  # the tests only read: one app for the module (tests/api/conftest.py `client`)


def test_search_by_prefix(client: TestClient, stored_ids: dict[str, int]) -> None:
    prefix = str(stored_ids["train"])[:4]
    ids = client.get(f"{API}/clients", params={"prefix": prefix, "limit": 5}).json()["ids"]
    assert 0 < len(ids) <= 5
    assert all(str(i).startswith(prefix) for i in ids) and ids == sorted(ids)
    assert client.get(f"{API}/clients", params={"prefix": "9999999"}).json()["ids"] == []
    assert client.get(f"{API}/clients", params={"prefix": "12a"}).status_code == 422


def test_facts_of_train_and_test_clients(client: TestClient, stored_ids: dict[str, int]) -> None:
    train = client.get(f"{API}/clients/{stored_ids['train']}").json()
    test = client.get(f"{API}/clients/{stored_ids['test']}").json()
    assert train["split"] == "train" and train["known_outcome"] in (0, 1)
    assert test["split"] == "test" and test["known_outcome"] is None
    facts = {f["name"]: f for f in train["facts"]}
    assert facts["AMT_CREDIT"]["value"] > 0 and facts["AMT_CREDIT"]["label"] == "Credit amount"
    assert facts["NAME_CONTRACT_TYPE"]["value"] in ("Cash loans", "Revolving loans")
    assert 18 < facts["AGE_YEARS"]["value"] < 80


def test_unknown_and_malformed_ids(client: TestClient) -> None:
    for path in ("", "/score", "/similar", "/max-amount"):
        missing = client.get(f"{API}/clients/123456789{path}")
        assert missing.status_code == 404 and missing.json()["detail"] == "client not found"  # no ID echoed
        bad = client.get(f"{API}/clients/abc{path}")
        assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "client_id"


def test_a_client_id_is_written_in_digits_only(client: TestClient, stored_ids: dict[str, int]) -> None:
    """One way to write an ID: `0100002`, `+100002`, ` 100002`, `100002.0` name no client (one problem,
    though the route and its dependency both read the ID)."""
    known = stored_ids["train"]
    assert client.get(f"{API}/clients/{known}/offer").status_code == 200
    for written in (f"0{known}", f"+{known}", f"%20{known}", f"{known}.0"):
        for path in ("/score", "/offer"):
            bad = client.get(f"{API}/clients/{written}{path}")
            assert bad.status_code == 422, (written, path)
            [problem] = bad.json()["detail"]
            assert problem["field"] == "client_id" and "digits only" in problem["message"]


def test_score_is_explained_and_additive(
    client: TestClient, service: ScoringService, stored_ids: dict
) -> None:
    body = client.get(f"{API}/clients/{stored_ids['train']}/score").json()
    explanation = body["explanation"]
    raw = explanation["base_value"] + sum(explanation["contributions"].values())
    assert math.isclose(raw, explanation["raw_score"], abs_tol=1e-4)
    # the probability is the calibrator's at the raw score, not the raw model's own sigmoid
    calibrated = float(service.scorer.calibrate(np.array([explanation["raw_score"]]))[0])
    assert math.isclose(calibrated, body["probability"], rel_tol=1e-6)
    assert math.isclose(explanation["probability"], body["probability"], rel_tol=1e-6)
    assert not math.isclose(1 / (1 + math.exp(-explanation["raw_score"])), body["probability"], rel_tol=1e-3)
    assert math.isclose(explanation["base_probability"], service.scorer.base_probability)
    assert body["decision"] == ("refuse" if body["probability"] >= body["threshold"] else "accept")
    assert math.isclose(body["distance_to_threshold"], body["probability"] - body["threshold"])
    assert body["model_version"] == service.scorer.version
    raising, lowering = explanation["raising"], explanation["lowering"]
    assert len(raising) <= 4 and len(lowering) <= 4 and raising
    assert all(r["contribution"] > 0 for r in raising) and all(r["contribution"] < 0 for r in lowering)
    assert [r["contribution"] for r in raising] == sorted((r["contribution"] for r in raising), reverse=True)
    labels = {f.name: f.label for f in service.scorer.features}
    assert all(r["label"] == labels[r["feature"]] for r in raising + lowering)
    # the points of the waterfall's ends and the dictionary's unit of each value, for the officer's page
    assert math.isclose(explanation["base_points"], service.points.of(explanation["base_probability"]))
    assert math.isclose(explanation["points_per_log_odds"], service.points.pdo / math.log(2))
    units = {f.name: f.unit for f in all_features()}
    assert all(r["unit"] == units[r["feature"]] for r in raising + lowering)


def test_precomputed_explanations_equal_live_ones(client: TestClient, service: ScoringService) -> None:
    wait_for_explanations(client)
    rows = [0, len(service.store) // 2, len(service.store) - 1]
    for row in rows:
        live = service.scorer.contributions(np.ascontiguousarray(service.store.matrix[row : row + 1])).values
        assert np.allclose(service.explanations.row(row), live[0], atol=1e-6)


def test_serialised_responses_equal_the_documents_built_per_request(
    client: TestClient, service: ScoringService
) -> None:
    wait_for_explanations(client)
    assert all(responses.ready for responses in service.responses.values())
    for row in (0, len(service.store) // 2, len(service.store) - 1):
        client_id = int(service.store.ids[row])
        result = service.client_result(row, service.explanations.row(row))
        for contributions, language in ((True, Language.EN), (False, Language.FR)):
            served = client.get(
                f"{API}/clients/{client_id}/score",
                params={"contributions": contributions},
                headers={"Accept-Language": language.value},
            )
            assert served.headers["content-type"] == "application/json"
            assert served.json() == score_payload(result, contributions, language)


def test_contributions_can_be_left_out(client: TestClient, stored_ids: dict[str, int]) -> None:
    body = client.get(f"{API}/clients/{stored_ids['test']}/score", params={"contributions": False}).json()
    assert body["explanation"]["contributions"] is None and body["explanation"]["raising"] is not None


def test_similar_clients(client: TestClient, service: ScoringService, stored_ids: dict[str, int]) -> None:
    cid = stored_ids["train"]
    body = client.get(f"{API}/clients/{cid}/similar", params={"k": 7}).json()
    neighbours = body["neighbours"]
    assert len(neighbours) == 7 and cid not in [n["client_id"] for n in neighbours]
    assert [n["distance"] for n in neighbours] == sorted(n["distance"] for n in neighbours)
    assert all(n["known_outcome"] in (0, 1) for n in neighbours)
    assert 0 < len(body["features"]) <= 20 and "median" in body["space"]
    first = service.store.row(neighbours[0]["client_id"])
    assert math.isclose(neighbours[0]["probability"], float(service.probabilities[first]))


def test_max_amount_of_a_stored_client(client: TestClient, service: ScoringService, stored_ids: dict) -> None:
    body = client.get(f"{API}/clients/{stored_ids['train']}/max-amount").json()
    score = client.get(f"{API}/clients/{stored_ids['train']}/score").json()
    assert math.isclose(body["current_probability"], score["probability"], rel_tol=1e-6)
    assert body["current_decision"] == score["decision"]
    offer = client.get(f"{API}/clients/{stored_ids['train']}/offer").json()
    assert body["max_amount"] == offer["limits"]["max_amount"] and body["bound"] == offer["limits"]["bound"]
    assert body["term_months"] == offer["asked"]["term_months"]
    if body["max_amount"] is not None:
        assert body["probability_at_max"] < body["threshold"]
        priced = float(instalment(body["max_amount"], body["annual_rate_at_max"], body["term_months"]))
        assert body["annuity_at_max"] == pytest.approx(priced, abs=0.005)  # the annuity at its grade's rate
