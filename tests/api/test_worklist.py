"""The officer's worklist and authority limits through the API: a referred stored client is listed (oldest
first, age, PD, amount, rules), taken, and removed by a final decision; a grant above the limits awaits a
senior (no letter), whose approval (never its author's) makes it final; a rejection; the roles."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

import api.routes.decisions
import api.routes.worklist
from api.main import create_app
from api.routes.decisions import model_opinion
from scoring.db import strategies
from scoring.db.audit import Actor, verify
from scoring.db.tables import audit_log, predictions
from scoring.db.users import create_user
from scoring.serving.prediction_log import client_hash, encode_features
from scoring.strategy.authority import authority_limits
from scoring.strategy.definition import load_strategy
from tests.api.conftest import API, STAFF_PASSWORD, make_settings, signed_in

PASSWORD = STAFF_PASSWORD  # the staff accounts signed_in creates
NOTE = "Payslips of the last three months show a higher income."
CLI = Actor("cli:test", source="cli")
STAFF = (
    ("olivia", "officer"),
    ("otto", "officer"),
    ("sam", "senior"),
    ("anna", "analyst"),
    ("root", "admin"),
)

pytestmark = pytest.mark.usefixtures("fast_hashes")


@pytest.fixture
def app_client(demo_home: Path, tmp_path: Path) -> Iterator[TestClient]:
    settings = make_settings(demo_home, tmp_path / "db.sqlite", user_cache_seconds=0)
    with TestClient(create_app(settings), client=("127.0.0.1", 50000)) as client:
        yield client


@pytest.fixture
def people(app_client: TestClient) -> dict[str, dict[str, str]]:
    return signed_in(app_client, dict(STAFF))


def pick(client: TestClient) -> int:
    """A stored client whose PD is within the PD limit and whose amount asked is within the amount limit
    (the model's view computed as the decision route does, without logging a score)."""
    state = client.app.state.scoring
    limits = authority_limits()
    for client_id in state.service.store.ids[:300].tolist():
        opinion = model_opinion(state.service, state.salt, int(client_id))
        within_amount = opinion.amount is not None and opinion.amount <= limits.amount_limit
        if within_amount and opinion.probability <= limits.pd_limit:
            return int(client_id)
    raise AssertionError("no such client in the first 300")


def above_pd_limit(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> int:
    """The riskiest of the first stored clients whose application the model accepts and an officer may
    grant as asked within the amount limit, with the API's authority limits lowered under its PD: no one
    may grant as asked a PD above the packaged limit (12 %, the last grade priced under the usury threshold
    of most loans: above it, the price is over the threshold)."""
    state, limits = client.app.state.scoring, authority_limits()
    grantable = []
    for client_id in state.service.store.ids[:300].tolist():
        opinion = model_opinion(state.service, state.salt, int(client_id))
        within_amount = opinion.amount is not None and opinion.amount <= limits.amount_limit
        if within_amount and opinion.decision == "accept" and opinion.barrier is None:
            grantable.append((opinion.probability, int(client_id)))
    probability, client_id = max(grantable)
    lowered = replace(limits, pd_limit=probability / 2)
    for module in (api.routes.decisions, api.routes.worklist):
        monkeypatch.setattr(module, "authority_limits", lambda: lowered)
    return client_id


def refer(client: TestClient, client_id: int, hours_ago: float, rules: str | None = None) -> None:
    """A `refer` score of the stored client in the prediction log, `hours_ago`."""
    state = client.app.state.scoring
    row = {
        "created_at": (datetime.now(UTC) - timedelta(hours=hours_ago)).replace(tzinfo=None),
        "request_id": f"test-{client_id}",
        "kind": "client",
        "model_version": "v-test",
        "client_hash": client_hash(client_id, state.salt),
        "features": encode_features(np.zeros(1, dtype=np.float32)),
        "probability": 0.1,
        "decision": "refer",
        "threshold": 0.083,
        "latency_ms": 1.0,
        "rules": rules,
    }
    with state.engine.begin() as conn:
        conn.execute(predictions.insert().values(**row))


def actions(client: TestClient) -> list[tuple[str, str]]:
    client.app.state.audit_writer.flush()
    with client.app.state.scoring.engine.connect() as conn:
        return [(r.action, r.actor) for r in conn.execute(select(audit_log.c.action, audit_log.c.actor))]


def test_a_referred_client_is_listed_taken_and_decided(app_client: TestClient, people: dict) -> None:
    service = app_client.app.state.scoring.service
    first, second = pick(app_client), int(service.store.ids[299])
    refer(app_client, second, 1.0)
    refer(app_client, first, 2.0, '["AGE_AT_TERM_END"]')
    url = f"{API}/worklist"
    assert app_client.get(url).status_code == 401
    assert app_client.get(url, headers=people["anna"]).status_code == 403
    listed = app_client.get(url, headers=people["olivia"])
    assert listed.status_code == 200, listed.text
    cases = listed.json()["cases"]
    assert [c["client_id"] for c in cases] == [first, second]  # oldest referral first
    assert 1.99 < cases[0]["age_hours"] < 2.1 and cases[0]["rules"] == ["AGE_AT_TERM_END"]
    assert cases[0]["rule_titles"] == ["Term ends past the policy age limit"]  # the rule in words
    french = app_client.get(url, headers={**people["olivia"], "Accept-Language": "fr"}).json()["cases"]
    assert french[0]["rule_titles"] == ["Fin du prêt au-delà de la limite d'âge de la politique"]
    assert cases[0]["amount"] == pytest.approx(float(service.offer_data.loans([first])[0][0]))
    assert cases[0]["taken_by"] is None and cases[0]["band"] is None  # no active strategy
    assert listed.json()["can_review"] is False and listed.json()["limits"]["pd_limit"] == 0.12
    take = f"{API}/worklist/{first}/take"
    assert app_client.post(take, headers=people["olivia"]).json()["taken_by"] == "olivia"
    held = app_client.post(take, headers=people["otto"])
    assert held.status_code == 409 and "taken by olivia" in held.json()["detail"]
    assert app_client.post(take, params={"take_over": "true"}, headers=people["otto"]).status_code == 403
    over = app_client.post(take, params={"take_over": "true"}, headers=people["sam"]).json()
    assert (over["taken_by"], over["taken_over_from"]) == ("sam", "olivia")
    assert app_client.get(url, headers=people["sam"]).json()["cases"][0]["taken_by"] == "sam"
    state = app_client.app.state.scoring
    follows = str(model_opinion(state.service, state.salt, first).decision)  # no override needed
    decided = app_client.post(
        f"{API}/clients/{first}/decisions", json={"decision": follows}, headers=people["sam"]
    )
    assert decided.status_code == 201 and decided.json()["status"] == "final"
    assert [c["client_id"] for c in app_client.get(url, headers=people["sam"]).json()["cases"]] == [second]
    to_senior = app_client.post(  # an officer's own referral keeps the case on the list, said so
        f"{API}/clients/{second}/decisions", json={"decision": "refer"}, headers=people["olivia"]
    )
    assert to_senior.status_code == 201, to_senior.text
    [kept] = app_client.get(url, headers=people["sam"]).json()["cases"]
    assert (kept["decision"], kept["decided_by"], kept["decision_status"]) == ("refer", "olivia", "final")
    assert (
        app_client.post(take, headers=people["olivia"]).json()["detail"]
        == "the client is not on the worklist"
    )
    assert app_client.post(f"{API}/worklist/987654/take", headers=people["olivia"]).status_code == 404
    summary = app_client.get(f"{API}/oversight/summary", headers=people["anna"]).json()["worklist"]
    assert summary["queue_size"] == 1 and summary["decided"] == 1
    assert 1.99 < summary["time_to_decision_median_hours"] < 2.1
    assert actions(app_client).count(("case-taken", "sam")) == 1


def grant(client: TestClient, client_id: int, headers: dict) -> dict:
    recorded = client.post(
        f"{API}/clients/{client_id}/decisions", json={"decision": "accept"}, headers=headers
    )
    assert recorded.status_code == 201, recorded.text
    return recorded.json()


def test_a_grant_above_the_pd_limit_waits_for_a_senior(
    app_client: TestClient, people: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    client_id = above_pd_limit(app_client, monkeypatch)
    refer(app_client, client_id, 3.0)
    pending = grant(app_client, client_id, people["olivia"])
    assert pending["status"] == "awaiting-approval" and pending["reviewed_by"] is None
    notice = f"{API}/clients/{client_id}/notice"
    letter = app_client.get(notice, params={"format": "html", "lang": "en"}, headers=people["olivia"])
    assert letter.status_code == 409 and "awaiting approval" in letter.json()["detail"]
    seen = app_client.get(f"{API}/worklist", headers=people["sam"]).json()
    assert seen["can_review"] is True and seen["cases"][0]["decision_status"] == "awaiting-approval"
    assert [(a["id"], a["client_id"]) for a in seen["awaiting_approval"]] == [(pending["id"], client_id)]
    approve = f"{API}/decisions/{pending['id']}/approve"
    body = {"justification": NOTE}
    assert app_client.post(approve, json=body, headers=people["olivia"]).status_code == 403  # an officer
    short = app_client.post(approve, json={"justification": "ok"}, headers=people["sam"])
    assert short.status_code == 422 and short.json()["detail"][0]["field"] == "justification"
    approved = app_client.post(approve, json=body, headers=people["sam"])
    assert approved.status_code == 200, approved.text
    assert (approved.json()["status"], approved.json()["reviewed_by"]) == ("final", "sam")
    assert app_client.post(approve, json=body, headers=people["root"]).status_code == 409
    letter = app_client.get(notice, params={"format": "html", "lang": "en"}, headers=people["olivia"])
    assert letter.status_code == 200 and "is accepted" in letter.text
    assert app_client.get(f"{API}/worklist", headers=people["sam"]).json()["cases"] == []
    done = actions(app_client)
    assert ("decision", "olivia") in done and ("decision-approved", "sam") in done
    assert ("letter-issued", "olivia") in done
    assert verify(app_client.app.state.scoring.engine).ok


def test_four_eyes_and_a_rejection(
    app_client: TestClient, people: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    client_id = above_pd_limit(app_client, monkeypatch)
    refer(app_client, client_id, 1.0)
    own = grant(app_client, client_id, people["sam"])  # a senior's own grant above the limit
    assert own["status"] == "awaiting-approval"
    body = {"justification": NOTE}
    mine = app_client.post(f"{API}/decisions/{own['id']}/approve", json=body, headers=people["sam"])
    assert mine.status_code == 403 and "four eyes" in mine.json()["detail"]
    rejected = app_client.post(f"{API}/decisions/{own['id']}/reject", json=body, headers=people["root"])
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    history = app_client.get(f"{API}/clients/{client_id}/decisions", headers=people["olivia"]).json()
    assert history["decisions"][0]["review_note"] == NOTE
    letter = app_client.get(
        f"{API}/clients/{client_id}/notice", params={"format": "html"}, headers=people["olivia"]
    )
    assert letter.status_code == 409
    assert [
        c["client_id"] for c in app_client.get(f"{API}/worklist", headers=people["otto"]).json()["cases"]
    ] == [client_id]  # back on the worklist for a new decision
    assert (
        app_client.post(f"{API}/decisions/999/approve", json=body, headers=people["root"]).status_code == 404
    )
    assert ("decision-rejected", "root") in actions(app_client)


def test_a_client_the_active_strategy_refers_is_on_the_worklist(demo_home: Path, tmp_path: Path) -> None:
    """The whole path: a strategy whose band holds every PD refers a stored client scored by an officer;
    the log's row puts it on the worklist, in the band."""
    settings = make_settings(demo_home, tmp_path / "db.sqlite", user_cache_seconds=0, strategy_ttl_seconds=0)
    with TestClient(create_app(settings), client=("127.0.0.1", 50000)) as client:
        engine = client.app.state.scoring.engine
        everything = load_strategy("name: refer-all\ncutoffs: {accept_below: 0.0, refuse_from: 1.0}\n")
        strategies.activate(engine, everything, "test", CLI)
        create_user(engine, "olivia", "officer", PASSWORD, CLI)
        login = client.post(f"{API}/auth/login", json={"username": "olivia", "password": PASSWORD})
        headers = {"Authorization": f"Bearer {login.json()['token']}"}
        client_id = int(client.app.state.scoring.service.store.ids[5])
        score = client.get(f"{API}/clients/{client_id}/score", headers=headers)
        assert score.status_code == 200 and score.json()["decision"] == "refer"
        assert client.app.state.log_writer.flush()
        (listed,) = client.get(f"{API}/worklist", headers=headers).json()["cases"]
        assert listed["client_id"] == client_id and listed["band"] is True
        assert listed["probability"] == pytest.approx(score.json()["probability"])
