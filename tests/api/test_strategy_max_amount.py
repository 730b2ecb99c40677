"""The largest accepted amount and the home page's examples under an active strategy: the decision the score
route gives (its rules and cut-offs), never the model's threshold alone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings
from scoring.serving.service import ScoringService
from tests.api.conftest import API, make_settings
from tests.api.test_strategy_decisions import KNOCK_OUT, Case, _activate, band_case

ACCEPT = "accept"


@pytest.fixture(scope="module")
def case(demo_home: Path) -> Case:
    return band_case(demo_home)


@pytest.fixture
def settings(demo_home: Path, tmp_path: Path) -> Settings:
    return make_settings(demo_home, tmp_path / "product.db", strategy_ttl_seconds=0)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def _get(client: TestClient, path: str) -> dict:
    got = client.get(f"{API}{path}")
    assert got.status_code == 200, got.text
    return got.json()


def _at_max(client: TestClient, client_id: int, offer: dict, changes: dict | None = None) -> dict:
    """The what-if's score of the client asking the largest amount, at its instalment and goods price."""
    loan = {"AMT_CREDIT": offer["max_amount"], "AMT_ANNUITY": offer["annuity_at_max"]}
    if offer["goods_price_at_max"] is not None:
        loan["AMT_GOODS_PRICE"] = offer["goods_price_at_max"]
    body = {"changes": {**(changes or {}), **loan}}
    got = client.post(f"{API}/clients/{client_id}/what-if", json=body)
    assert got.status_code == 200, got.text
    return got.json()["score"]


def _service(client: TestClient) -> ScoringService:
    return client.app.state.scoring.service


def test_max_amount_decides_as_the_score_route(client: TestClient, case: Case) -> None:
    _activate(client.app.state.scoring.engine, case.text)
    for client_id in (case.knocked_out, case.referred, case.accepted, case.unaffordable):
        score = _get(client, f"/clients/{client_id}/score")
        offer = _get(client, f"/clients/{client_id}/max-amount")
        assert offer["current_decision"] == score["decision"], client_id
        if offer["max_amount"] is not None:
            assert _at_max(client, client_id, offer)["decision"] == ACCEPT, client_id
    refused = _get(client, f"/clients/{case.knocked_out}/max-amount")
    assert refused["current_probability"] < refused["threshold"]  # the threshold alone accepts it
    assert refused["current_decision"] == "refuse"
    assert (refused["max_amount"], refused["bound"]) == (None, "risk")  # the rule refuses every amount


def test_the_what_if_counter_offer_decides_as_its_score(client: TestClient, case: Case) -> None:
    _activate(client.app.state.scoring.engine, case.text)
    smaller = {"AMT_CREDIT": 100_000.0}
    for client_id in (case.knocked_out, case.accepted):
        found = client.post(f"{API}/clients/{client_id}/what-if", json={"changes": smaller}).json()
        assert found["counter_offer"]["current_decision"] == found["score"]["decision"]
        if found["counter_offer"]["max_amount"] is not None:
            assert _at_max(client, client_id, found["counter_offer"], smaller)["decision"] == ACCEPT
    knocked = client.post(f"{API}/clients/{case.knocked_out}/what-if", json={"changes": smaller}).json()
    assert knocked["score"]["rules_fired"] == [KNOCK_OUT] and knocked["counter_offer"]["max_amount"] is None


def _amount_rule_strategy(client: TestClient, rule: str) -> str:
    """A strategy deciding by the model's threshold, with one refuse rule on the amount asked."""
    threshold = _service(client).scorer.threshold
    cutoffs = f"cutoffs: {{accept_below: {threshold}, refuse_from: {threshold}}}\n"
    return f"name: amount\n{cutoffs}rules:\n  - {{code: {KNOCK_OUT}, when: '{rule}', action: refuse}}\n"


def test_a_rule_on_the_amount_bounds_the_largest_amount(client: TestClient, case: Case) -> None:
    no_rule = _get(client, f"/clients/{case.accepted}/max-amount")
    top = no_rule["max_amount"]
    assert top is not None and top > 100_000
    cap = round(top * 0.6, 2)
    _activate(client.app.state.scoring.engine, _amount_rule_strategy(client, f"AMT_CREDIT > {cap}"))
    capped = _get(client, f"/clients/{case.accepted}/max-amount")
    step = _service(client).offer_policy.product.amount_step
    assert cap - step < capped["max_amount"] <= cap and capped["bound"] == "risk"
    assert _at_max(client, case.accepted, capped)["decision"] == ACCEPT


def test_the_search_does_not_assume_the_decision_monotone(client: TestClient, case: Case) -> None:
    top = _get(client, f"/clients/{case.accepted}/max-amount")["max_amount"]
    low, high = round(top * 0.2, 2), round(top * 0.9, 2)
    band = f"AMT_CREDIT > {low} AND AMT_CREDIT < {high}"  # refuses the middle amounts, not the largest
    _activate(client.app.state.scoring.engine, _amount_rule_strategy(client, band))
    found = _get(client, f"/clients/{case.accepted}/max-amount")
    assert found["max_amount"] >= high
    assert _at_max(client, case.accepted, found)["decision"] == ACCEPT


def test_the_examples_have_the_score_routes_decisions(client: TestClient, case: Case) -> None:
    everyone_referred = "name: refer-all\ncutoffs: {accept_below: 0.000001, refuse_from: 0.999999}\n"
    _activate(client.app.state.scoring.engine, everyone_referred)
    examples = _get(client, "/analytics/examples")["examples"]
    assert [e["decision"] for e in examples] == ["refer"] * 3
    _activate(client.app.state.scoring.engine, case.text)
    for example in _get(client, "/analytics/examples")["examples"]:
        score = _get(client, f"/clients/{example['client_id']}/score")
        assert example["decision"] == score["decision"], example
