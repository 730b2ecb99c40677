"""Sign-in, accounts, the officer's decision, letters and the audit trail through the API."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.main import create_app
from scoring.db.audit import verify
from scoring.db.letters import read_letters
from scoring.db.tables import audit_log
from scoring.serving.prediction_log import client_hash
from tests.api.conftest import API, STAFF_PASSWORD, make_settings, signed_in

PASSWORD = STAFF_PASSWORD  # the staff accounts signed_in creates
NOTE = "The payslips sent do not match the employer's records."
LOOPBACK = ("127.0.0.1", 50000)


pytestmark = pytest.mark.usefixtures("fast_hashes")  # light argon2id (tests/conftest.py)


@pytest.fixture
def app_client(demo_home: Path, tmp_path: Path) -> Iterator[TestClient]:
    settings = make_settings(demo_home, tmp_path / "db.sqlite", user_cache_seconds=0)
    with TestClient(create_app(settings), client=LOOPBACK) as client:  # the dashboard beside a keyless API
        yield client


@pytest.fixture
def people(app_client: TestClient) -> dict[str, dict[str, str]]:
    """An officer, an analyst and an admin, signed in, and the headers the dashboard sends for each."""
    accounts = {"olivia": "officer", "anna": "analyst", "root": "admin"}
    headers = signed_in(app_client, accounts)
    address = {"X-Scoring-Client-Address": "192.0.2.10"}
    return {role: {**headers[name], **address} for name, role in accounts.items()}


def audit_rows(client: TestClient) -> list[dict]:
    client.app.state.audit_writer.flush()
    with client.app.state.scoring.engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(audit_log).order_by(audit_log.c.id)).mappings()]


def stored_client(client: TestClient, refused: bool) -> tuple[int, dict]:
    """A stored client the model refuses (or accepts)."""
    service = client.app.state.scoring.service
    for client_id in service.store.ids[:300]:
        score = client.get(f"{API}/clients/{int(client_id)}/score").json()
        if (score["decision"] == "refuse") is refused:
            return int(client_id), score
    raise AssertionError("no such client in the first 300")


def test_login_answers_one_way_for_every_failure(app_client: TestClient, people: dict) -> None:
    wrong = app_client.post(f"{API}/auth/login", json={"username": "olivia", "password": "not it at all"})
    unknown = app_client.post(f"{API}/auth/login", json={"username": "nobody", "password": PASSWORD})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["detail"] == unknown.json()["detail"] == "invalid user name or password"
    right = app_client.post(f"{API}/auth/login", json={"username": "olivia", "password": PASSWORD})
    assert right.status_code == 200 and right.json()["role"] == "officer"
    assert PASSWORD not in right.text and "argon2" not in right.text
    actions = [r["action"] for r in audit_rows(app_client)]
    assert actions.count("sign-in-failed") == 2 and actions.count("sign-in") == 4  # 3 by `people`


def test_the_officers_override_needs_a_reason(app_client: TestClient, people: dict) -> None:
    client_id, score = stored_client(app_client, refused=False)
    url = f"{API}/clients/{client_id}/decisions"
    body = {"decision": "refuse"}
    assert app_client.post(url, json=body).status_code == 401
    assert app_client.post(url, json=body, headers=people["analyst"]).status_code == 403
    missing = app_client.post(url, json=body, headers=people["officer"])
    assert missing.status_code == 422 and missing.json()["detail"][0]["field"] == "reason_category"
    body = {"decision": "refuse", "reason_category": "fraud-suspicion", "justification": NOTE}
    saved = app_client.post(url, json=body, headers=people["officer"])
    assert saved.status_code == 201, saved.text
    decision = saved.json()
    assert decision["override"] is True and decision["model_decision"] == "accept"
    assert decision["probability"] == pytest.approx(score["probability"])
    assert decision["threshold"] == score["threshold"] and decision["model_version"] == score["model_version"]
    assert decision["reasons"] and decision["username"] == "olivia"
    history = app_client.get(url, headers=people["analyst"]).json()["decisions"]
    assert [d["id"] for d in history] == [decision["id"]]
    notice = f"{API}/clients/{client_id}/notice"
    assert app_client.get(notice, params={"format": "html"}, headers=people["analyst"]).status_code == 403
    letter = app_client.get(notice, params={"format": "html", "lang": "en"}, headers=people["officer"])
    assert letter.status_code == 200 and "are unable to grant it" in letter.text  # the override's refusal
    issued = read_letters(app_client.app.state.scoring.engine).row(0, named=True)
    assert (issued["kind"], issued["issued_by"]) == ("refuse", "olivia")
    assert issued["decision_id"] == decision["id"]
    rows = audit_rows(app_client)
    hashed = client_hash(client_id, b"test-salt")
    mine = [(r["action"], r["actor"]) for r in rows if r["client_hash"] == hashed]
    assert ("override", "olivia") in mine and ("letter-issued", "olivia") in mine
    assert ("view-client", "anna") in mine  # the history is client data too
    assert ("view-client", "olivia") not in mine  # recording a decision writes its own row, not a read
    assert all(str(client_id) not in (r["detail"] + (r["target"] or "")) for r in rows)
    assert verify(app_client.app.state.scoring.engine).ok


def test_reads_of_client_data_and_scores_are_audited(app_client: TestClient, people: dict) -> None:
    service = app_client.app.state.scoring.service
    client_id = int(service.store.ids[0])
    assert app_client.get(f"{API}/clients/{client_id}", headers=people["officer"]).status_code == 200
    assert app_client.get(f"{API}/clients/{client_id}/score", headers=people["officer"]).status_code == 200
    assert app_client.get(f"{API}/model", headers=people["officer"]).status_code == 200  # no client data
    rows = [r for r in audit_rows(app_client) if r["action"] in ("view-client", "score")]
    assert [(r["action"], r["actor"], r["role"], r["source"]) for r in rows] == [
        ("view-client", "olivia", "officer", "192.0.2.10"),
        ("score", "olivia", "officer", "192.0.2.10"),
    ]
    assert {r["client_hash"] for r in rows} == {client_hash(client_id, b"test-salt")}
    assert all(r["request_id"] for r in rows)


def test_a_user_id_header_alone_is_refused(app_client: TestClient, people: dict) -> None:
    client_id = int(app_client.app.state.scoring.service.store.ids[0])
    for value in ("1", "3", "999", "abc"):  # an existing admin's id proves nothing either
        for path in (f"/clients/{client_id}/decisions", "/users", "/audit", f"/clients/{client_id}"):
            response = app_client.get(f"{API}{path}", headers={"X-Scoring-User": value})
            assert response.status_code == 401, (value, path)
            assert "Authorization: Bearer" in response.json()["detail"]


def test_accounts_are_an_administrators_business(app_client: TestClient, people: dict) -> None:
    assert app_client.get(f"{API}/users", headers=people["analyst"]).status_code == 403
    new = {"username": "omar", "role": "officer", "password": PASSWORD}
    created = app_client.post(f"{API}/users", json=new, headers=people["admin"])
    assert created.status_code == 201 and created.json()["role"] == "officer"
    assert app_client.post(f"{API}/users", json=new, headers=people["admin"]).status_code == 409
    short = app_client.post(
        f"{API}/users", json={**new, "username": "oz", "password": "short"}, headers=people["admin"]
    )
    assert short.status_code == 422 and short.json()["detail"][0]["field"] == "password"
    user_id = created.json()["id"]
    assert (
        app_client.post(f"{API}/users/{user_id}/disable", headers=people["admin"]).json()["active"] is False
    )
    login = app_client.post(f"{API}/auth/login", json={"username": "omar", "password": PASSWORD})
    assert login.status_code == 401
    own = app_client.get(f"{API}/auth/session", headers=people["admin"]).json()["id"]
    assert app_client.post(f"{API}/users/{own}/disable", headers=people["admin"]).status_code == 422
    audit = app_client.get(f"{API}/audit?action=user-disabled", headers=people["admin"]).json()["rows"]
    assert [(r["actor"], r["target"]) for r in audit] == [("root", "omar")]
    assert app_client.get(f"{API}/audit", headers=people["officer"]).status_code == 403
    denied = [r for r in audit_rows(app_client) if r["action"] == "access-denied"]  # refusals are audited
    assert ("olivia", f"{API}/audit") in {(r["actor"], r["target"]) for r in denied}
    assert all('"role"' in r["detail"] for r in denied)
    check = app_client.get(f"{API}/audit/verify", headers=people["admin"]).json()
    assert check["ok"] is True and check["problem"] is None


def test_oversight_summary_for_analysts(app_client: TestClient, people: dict) -> None:
    client_id, _ = stored_client(app_client, refused=True)
    app_client.post(
        f"{API}/clients/{client_id}/decisions", json={"decision": "refuse"}, headers=people["officer"]
    )
    assert app_client.get(f"{API}/oversight/summary", headers=people["officer"]).status_code == 403
    summary = app_client.get(f"{API}/oversight/summary", headers=people["analyst"]).json()
    assert summary["decisions"] == 1 and summary["overrides"] == 0 and summary["outcomes"] is None
    assert summary["per_officer_month"][0]["officer"] == "olivia"


def test_several_api_keys_for_rotation(demo_home: Path, tmp_path: Path) -> None:
    settings = make_settings(
        demo_home, tmp_path / "db.sqlite", api_key="old-key", api_keys="new-key, next-key"
    )
    with TestClient(create_app(settings)) as client:
        for key, expected in (("old-key", 200), ("new-key", 200), ("next-key", 200), ("other", 401)):
            assert client.get(f"{API}/model", headers={"X-API-Key": key}).status_code == expected
        assert client.get(f"{API}/model").status_code == 401
