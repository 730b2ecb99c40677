"""GET /clients/{id}/recourse: the offer search's alternatives, only the lender's terms changed."""

from __future__ import annotations

import numpy as np
import pytest
from fastapi.testclient import TestClient

from scoring.offer.apr import instalment
from scoring.serving.offering import stored_offer
from scoring.serving.service import ScoringService
from tests.api.conftest import API

SHARED_APP = True  # the tests only read: one app for the module (tests/api/conftest.py `client`)


def _countered(service: ScoringService, count: int = 10) -> list[int]:
    """Stored clients refused as asked and given a counter-offer by the offer search, nearest the threshold
    first (refused by the model, or accepted by it but not affordable or not priceable)."""
    found = []
    for row in np.argsort(np.abs(service.probabilities - service.scorer.threshold)):
        result = stored_offer(service, int(row))
        if result is not None and result.found.decision == "refuse" and result.found.offer is not None:
            found.append(int(service.store.ids[row]))
            if len(found) == count:
                break
    return found


def test_refused_client_gets_offers_the_model_accepts(client: TestClient, service: ScoringService) -> None:
    clients = _countered(service)
    assert clients, "no client refused as asked has a counter-offer"
    for client_id in clients:
        body = client.get(f"{API}/clients/{client_id}/recourse").json()
        assert body["options"] and body["recommended"] == body["options"][0]
        assert [o["change"] for o in body["options"]] == sorted(o["change"] for o in body["options"])
        for option in body["options"]:
            assert option["probability"] < body["threshold"]
            if body["decision"] == "refuse":
                assert option["points"] > body["points"]
            if option["kind"] == "amount":
                assert option["amount"] < body["amount"] and option["term"] == body["term"]
            else:
                assert option["amount"] == body["amount"] and option["term"] > body["term"]
            priced = float(instalment(option["amount"], option["annual_rate"], option["term"]))
            assert option["annuity"] == pytest.approx(priced, abs=0.005)  # at the option's grade rate
            changes = {"AMT_CREDIT": option["amount"], "AMT_ANNUITY": option["annuity"]}
            if option["goods_price"] is not None:
                changes["AMT_GOODS_PRICE"] = option["goods_price"]
            rescored = client.post(f"{API}/clients/{client_id}/what-if", json={"changes": changes})
            assert rescored.json()["score"]["decision"] == "accept"  # the same model through another path


def test_accepted_client_needs_no_recourse(client: TestClient, service: ScoringService) -> None:
    accepted = int(service.store.ids[service.probabilities.argmin()])
    body = client.get(f"{API}/clients/{accepted}/recourse").json()
    assert body["decision"] == "accept" and body["options"] == [] and body["recommended"] is None
    assert body["annual_rate"] == service.offer_policy.pricer.rates[0]  # the best grade's rate
    assert body["max_term"] == max(service.offer_policy.product.terms)


def test_unknown_client_is_404(client: TestClient) -> None:
    response = client.get(f"{API}/clients/999999999/recourse")
    assert response.status_code == 404 and response.json()["detail"] == "client not found"
