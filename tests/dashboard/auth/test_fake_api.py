"""Every route the sign-in tests' fake API answers, through the check against the API's response models:
a fake answer that drifts from `api.schemas` fails here, whichever test would have used it."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.dashboard.auth.fake_api import PASSWORD, USERS, FakeApi
from tests.dashboard.auth.test_account_page import AccountApi
from tests.dashboard.auth.test_audit_page import AuditApi
from tests.support.checked_api import CheckedTransport

DECISION = {
    "decision": "accept",
    "reason_category": "data-error",
    "justification": "Income proven by payslips.",
}


@pytest.fixture(params=[FakeApi, AccountApi, AuditApi])
def api(request: pytest.FixtureRequest) -> Iterator[httpx.Client]:
    """A client of the fake, signed in as an officer."""
    with httpx.Client(
        transport=CheckedTransport(request.param()), base_url="http://api.test/api/v1"
    ) as client:
        token = client.post("/auth/login", json={"username": "olivia", "password": PASSWORD}).json()["token"]
        client.headers["Authorization"] = f"Bearer {token}"
        yield client


def test_every_faked_route_answers_what_the_api_sends(api: httpx.Client) -> None:
    assert api.get("/auth/session").json()["username"] == "olivia"
    assert [u["username"] for u in api.get("/users").json()] == list(USERS)
    added = api.post("/users", json={"username": "omar", "role": "officer", "password": PASSWORD})
    assert added.status_code == 201 and added.json()["username"] == "omar"
    assert api.get("/users/3").json()["username"] == "anna"
    assert api.post("/users/3/disable").json()["username"] == "anna"
    recorded = api.post("/clients/100002/decisions", json=DECISION)
    assert recorded.status_code == 201
    assert recorded.json() | DECISION == recorded.json() and recorded.json()["username"] == "olivia"
    assert recorded.json()["override"] is True  # the model refuses client 100002
    assert api.post("/auth/denied", json={"path": "/audit"}).status_code == 204
    assert api.post("/auth/logout").status_code == 204


def test_the_account_and_audit_routes_answer_what_the_api_sends() -> None:
    with httpx.Client(transport=CheckedTransport(AccountApi()), base_url="http://api.test/api/v1") as client:
        token = client.post("/auth/login", json={"username": "anna", "password": PASSWORD}).json()["token"]
        client.headers["Authorization"] = f"Bearer {token}"
        changed = {"current_password": PASSWORD, "new_password": "violet kettle around ninety"}
        assert client.post("/auth/password", json=changed).json()["username"] == "anna"
    audit = AuditApi()
    with httpx.Client(transport=CheckedTransport(audit), base_url="http://api.test/api/v1") as client:
        assert len(client.get("/audit", params={"limit": 50}).json()["rows"]) == 50
        assert client.get("/audit/verify").json()["ok"] is True
        assert client.get("/audit/export").text.startswith("id,action")
