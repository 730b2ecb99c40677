"""The offer routes: GET /clients/{id}/offer, POST /score/offer, ?offer=true, and the audit row."""

from __future__ import annotations

import json

import numpy as np
import polars as pl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.schemas.offers import OfferOut
from scoring.db.tables import audit_log
from scoring.offer.product import product_policy
from scoring.offer.profit import expected_profit
from scoring.serving.service import ScoringService
from tests.api.conftest import API, APPLICATION

SHARED_APP = True  # the tests only read: one app for the module (tests/api/conftest.py `client`)

TERMS = {"amount", "term_months", "annual_rate", "apr", "instalment", "fees", "total_cost", "total_payable"}
CONTRACT = {"client_id", "model_version", "threshold", "decision", "probability", "grade", "reason_code"}
CONTRACT |= {"asked", "offer", "alternatives", "limits", "rules_fired", "strategy"}


def _check_contract(body: dict) -> None:
    OfferOut.model_validate(body)
    assert set(body) == CONTRACT
    assert {"max_instalment", "debt_service_ratio", "bound"} <= set(body["limits"])
    for terms in [body["offer"], *body["alternatives"]] if body["offer"] else body["alternatives"]:
        assert set(terms) >= TERMS and terms["probability"] < body["threshold"]
        assert terms["total_payable"] == pytest.approx(
            terms["term_months"] * terms["instalment"] + terms["fees"]
        )
    if body["decision"] == "accept":
        assert body["offer"]["amount"] == body["asked"]["amount"] and body["alternatives"] == []
        assert body["grade"] == body["offer"]["grade"] and body["reason_code"] is None


def test_stored_clients_offers_follow_the_contract(client: TestClient, service: ScoringService) -> None:
    rows = np.random.default_rng(1).choice(len(service.store), 25, replace=False)
    decisions = set()
    for row in rows:
        client_id = int(service.store.ids[row])
        body = client.get(f"{API}/clients/{client_id}/offer").json()
        _check_contract(body)
        assert body["client_id"] == client_id and body["model_version"] == service.scorer.version
        assert body["limits"]["existing_instalments_source"] == "bureau"
        decisions.add(body["decision"])
    assert decisions == {"accept", "refuse"}
    missing = client.get(f"{API}/clients/999999999/offer")
    assert missing.status_code == 404 and missing.json()["detail"] == "client not found"  # no ID echoed
    assert client.get(f"{API}/clients/0/offer").status_code == 422


def test_a_refused_clients_offer_is_what_the_what_if_accepts(
    client: TestClient, service: ScoringService
) -> None:
    """Applying the offer's amount, instalment and goods price in the what-if gives the offer's decision."""
    applied = 0
    for row in np.argsort(np.abs(service.probabilities - service.scorer.threshold)):
        client_id = int(service.store.ids[row])
        body = client.get(f"{API}/clients/{client_id}/offer").json()
        offer = body["offer"]
        if offer is None or body["decision"] == "accept":
            continue
        assert offer["kind"] in ("lower_amount", "longer_term") and offer in body["alternatives"]
        changes = {"AMT_CREDIT": offer["amount"], "AMT_ANNUITY": offer["instalment"]}
        if offer["goods_price"] is not None:
            changes["AMT_GOODS_PRICE"] = offer["goods_price"]
        rescored = client.post(f"{API}/clients/{client_id}/what-if", json={"changes": changes}).json()
        assert rescored["score"]["decision"] == "accept"
        assert rescored["score"]["probability"] <= offer["probability"] + 1e-9
        applied += 1
        if applied == 8:
            break
    assert applied > 0


def test_an_offer_applied_in_the_what_if_keeps_its_term(client: TestClient, service: ScoringService) -> None:
    """The offer's instalment is stated to the cent: the what-if derives the offer's own term from it, not
    the next standard term when the cent was rounded down."""
    kept = 0
    for row in np.random.default_rng(3).choice(len(service.store), 40, replace=False):
        client_id = int(service.store.ids[row])
        offer = client.get(f"{API}/clients/{client_id}/offer").json()["offer"]
        if offer is None:
            continue
        changes = {"AMT_CREDIT": offer["amount"], "AMT_ANNUITY": offer["instalment"]}
        rescored = client.post(f"{API}/clients/{client_id}/what-if", json={"changes": changes}).json()
        if rescored["score"]["probability"] != pytest.approx(offer["probability"], abs=1e-6):
            continue  # another PD, another grade and rate: the instalment means another term
        assert rescored["counter_offer"]["term_months"] == offer["term_months"], client_id
        kept += 1
    assert kept >= 10


def test_a_posted_applications_offer(client: TestClient) -> None:
    body = client.post(f"{API}/score/offer", json=APPLICATION).json()
    _check_contract(body)
    assert body["client_id"] is None and body["asked"]["amount"] == APPLICATION["AMT_CREDIT"]
    assert (
        body["limits"]["existing_instalments_source"] == "none"
        and body["limits"]["existing_instalments"] == 0
    )
    history = {
        "bureau": [
            {"SK_ID_BUREAU": 1, "CREDIT_ACTIVE": "Active", "AMT_ANNUITY": 9_000.0, "DAYS_CREDIT": -100},
            {"SK_ID_BUREAU": 2, "CREDIT_ACTIVE": "Active", "DAYS_CREDIT": -50},
            {"SK_ID_BUREAU": 3, "CREDIT_ACTIVE": "Closed", "AMT_ANNUITY": 4_000.0, "DAYS_CREDIT": -900},
        ]
    }
    owed = client.post(f"{API}/score/offer", json={**APPLICATION, "history": history}).json()
    assert owed["limits"]["existing_instalments"] == 9_000.0  # the active credit with an annuity only
    assert owed["limits"]["existing_instalments_source"] == "bureau"
    assert owed["limits"]["max_instalment"] == pytest.approx(body["limits"]["max_instalment"] - 9_000.0)
    bad = client.post(f"{API}/score/offer", json={**APPLICATION, "AMT_CREDIT": "a lot"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "AMT_CREDIT"


def test_an_amount_outside_the_products_range_is_refused_with_its_reason(client: TestClient) -> None:
    """Below the product's minimum (or above its maximum) whatever the risk: the reason says so."""
    product = product_policy()
    for amount in (product.min_amount / 2, product.max_amount * 2):
        asked = {**APPLICATION, "AMT_CREDIT": amount, "AMT_GOODS_PRICE": amount, "AMT_ANNUITY": amount / 20}
        body = client.post(f"{API}/score/offer", json=asked).json()
        assert (body["decision"], body["reason_code"]) == ("refuse", "OUTSIDE_PRODUCT"), amount
        assert body["offer"] is None or product.min_amount <= body["offer"]["amount"] <= product.max_amount


def test_offer_true_adds_the_offer_to_the_score(client: TestClient, stored_ids: dict) -> None:
    plain = client.post(f"{API}/score", json=APPLICATION).json()
    assert "offer" not in plain  # the usual body, unchanged
    scored = client.post(f"{API}/score?offer=true", json=APPLICATION).json()
    offer = client.post(f"{API}/score/offer", json=APPLICATION).json()
    assert scored["probability"] == plain["probability"]
    assert {k: scored[k] for k in ("grade", "offer", "alternatives", "limits")} == {
        k: offer[k] for k in ("grade", "offer", "alternatives", "limits")
    }
    client_id = stored_ids["train"]
    stored = client.get(f"{API}/clients/{client_id}/score?offer=true").json()
    direct = client.get(f"{API}/clients/{client_id}/offer").json()
    assert stored["offer"] == direct["offer"] and stored["limits"] == direct["limits"]
    assert "offer" not in client.get(f"{API}/clients/{client_id}/score").json()


def test_the_offer_is_audited_as_a_score(client: TestClient, stored_ids: dict) -> None:
    client_id = stored_ids["test"]
    answer = client.get(f"{API}/clients/{client_id}/offer", headers={"X-Request-ID": "offer-1"})
    assert answer.status_code == 200
    assert client.app.state.audit_writer.flush()
    with client.app.state.scoring.engine.connect() as conn:
        rows = [r for r in conn.execute(select(audit_log)).all() if r.request_id == "offer-1"]
    assert len(rows) == 1 and rows[0].action == "score" and json.loads(rows[0].detail)["status"] == 200


def test_the_model_route_has_the_expected_profit(client: TestClient, service: ScoringService) -> None:
    body = client.get(f"{API}/model").json()
    oof = service.scorer.bundle.oof()
    loans = pl.read_parquet(service.interim_dir / "application_train.parquet").select(
        "SK_ID_CURR", "AMT_CREDIT", "AMT_ANNUITY"
    )
    joined = oof.join(loans, on="SK_ID_CURR", how="left")
    expected = expected_profit(
        joined["probability"].to_numpy(),
        joined["AMT_CREDIT"].to_numpy(),
        joined["AMT_ANNUITY"].fill_null(np.nan).to_numpy(),
        service.scorer.threshold,
        joined["TARGET"].to_numpy(),
    )
    assert body["expected_profit_per_1000"] == pytest.approx(expected.expected_profit_per_1000)
    assert body["profit"]["realised_profit_per_1000"] == pytest.approx(expected.realised_profit_per_1000)
    assert body["profit"]["applicants"] == oof.height and 0 < body["profit"]["offered_share"] < 1
