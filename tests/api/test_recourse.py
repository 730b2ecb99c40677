"""GET /clients/{id}/recourse: offers the model accepts, only the lender's terms changed."""

from __future__ import annotations

import numpy as np
import pytest
from fastapi.testclient import TestClient

from scoring.explain.recourse import instalment
from scoring.serving.service import ScoringService
from tests.api.conftest import API


def _refused_near_threshold(service: ScoringService, count: int = 15) -> list[int]:
    refused = np.flatnonzero(service.probabilities >= service.scorer.threshold)
    closest = refused[np.argsort(service.probabilities[refused])][:count]
    return [int(service.store.ids[r]) for r in closest]


def test_refused_client_gets_offers_the_model_accepts(client: TestClient, service: ScoringService) -> None:
    bodies = [client.get(f"{API}/clients/{c}/recourse").json() for c in _refused_near_threshold(service)]
    assert all(b["decision"] == "refuse" for b in bodies)
    with_offers = [b for b in bodies if b["options"]]
    assert with_offers, "no refused client near the threshold has an accepted offer"
    for body in with_offers:
        assert body["recommended"] == body["options"][0]
        assert [o["change"] for o in body["options"]] == sorted(o["change"] for o in body["options"])
        for option in body["options"]:
            assert option["probability"] < body["threshold"]
            assert option["points"] > body["points"]
            if option["kind"] == "amount":
                assert option["amount"] < body["amount"]
            else:
                assert option["amount"] == body["amount"] and option["term"] > body["term"]
                rate = body["annual_rate"] / 12
                assert option["annuity"] == pytest.approx(instalment(body["amount"], rate, option["term"]))
            changes = {"AMT_CREDIT": option["amount"]}
            if option["annuity"] is not None:
                changes["AMT_ANNUITY"] = option["annuity"]
            rescored = client.post(f"{API}/clients/{body['client_id']}/what-if", json={"changes": changes})
            assert rescored.json()["score"]["decision"] == "accept"  # the same model through another path


def test_accepted_client_needs_no_recourse(client: TestClient, service: ScoringService) -> None:
    accepted = int(service.store.ids[service.probabilities.argmin()])
    body = client.get(f"{API}/clients/{accepted}/recourse").json()
    assert body["decision"] == "accept" and body["options"] == [] and body["recommended"] is None
    assert body["annual_rate"] == 0.10 and body["max_term"] == 84


def test_unknown_client_is_404(client: TestClient) -> None:
    response = client.get(f"{API}/clients/999999999/recourse")
    assert response.status_code == 404 and response.json()["detail"] == "client not found"
