"""A person changes their own password (`POST /auth/password`): the current one checked and throttled like a
sign-in, the password policy of every new password (422 naming `new_password`), every session of the account
ended and a new token for the caller, one audit row without any password in it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.main import create_app
from scoring.db import sessions
from scoring.db.audit import Actor
from scoring.db.tables import audit_log
from scoring.db.users import create_user, find_user
from tests.api.conftest import API, make_settings

PASSWORD = "correct horse battery"
NEW_PASSWORD = "violet kettle around ninety"
CLI = Actor("cli:test", source="cli")
CHANGE = f"{API}/auth/password"


pytestmark = pytest.mark.usefixtures("fast_hashes")  # light argon2id (tests/conftest.py)


@pytest.fixture
def api(demo_home: Path, tmp_path: Path) -> Iterator[TestClient]:
    """Two failures of one account from one address start delays of a minute and more (none runs out)."""
    settings = make_settings(
        demo_home,
        tmp_path / "db.sqlite",
        user_cache_seconds=0,
        precompute_explanations=False,
        sign_in_account_failures=2,
        sign_in_first_delay_seconds=60,
        sign_in_max_delay_minutes=4,
    )
    with TestClient(create_app(settings)) as client:
        engine = client.app.state.scoring.engine
        create_user(engine, "anna", "analyst", PASSWORD, CLI)
        create_user(engine, "root", "admin", PASSWORD, CLI)
        create_user(engine, "sam", "officer", None, CLI)  # single sign-on only
        yield client


def sign_in(client: TestClient, name: str, password: str = PASSWORD) -> int | dict[str, str]:
    answer = client.post(f"{API}/auth/login", json={"username": name, "password": password})
    if answer.status_code != 200:
        return answer.status_code
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def change(client: TestClient, headers: dict[str, str], current: str, new: str = NEW_PASSWORD) -> object:
    return client.post(CHANGE, json={"current_password": current, "new_password": new}, headers=headers)


def audit_rows(client: TestClient, action: str) -> list[dict]:
    with client.app.state.scoring.engine.connect() as conn:
        rows = conn.execute(select(audit_log).where(audit_log.c.action == action)).mappings().all()
    return [dict(row) for row in rows]


def test_the_right_current_password_changes_it_and_ends_every_other_session(api: TestClient) -> None:
    here, elsewhere, admin = sign_in(api, "anna"), sign_in(api, "anna"), sign_in(api, "root")
    answer = change(api, here, PASSWORD)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["username"] == "anna" and body["role"] == "analyst" and len(body["token"]) >= 43
    fresh = {"Authorization": f"Bearer {body['token']}"}
    for ended in (here, elsewhere):
        refused = api.get(f"{API}/auth/session", headers=ended)
        assert refused.status_code == 401 and refused.headers["WWW-Authenticate"] == "SignedInUser"
    assert api.get(f"{API}/auth/session", headers=fresh).json()["username"] == "anna"
    assert api.get(f"{API}/auth/session", headers=admin).status_code == 200  # another account's: kept
    assert sign_in(api, "anna", PASSWORD) == 401
    assert isinstance(sign_in(api, "anna", NEW_PASSWORD), dict)
    rows = audit_rows(api, "password-changed")
    assert [(row["actor"], row["target"], row["role"]) for row in rows] == [("anna", "anna", "analyst")]
    written = json.dumps(rows, default=str)
    assert PASSWORD not in written and NEW_PASSWORD not in written


def test_a_wrong_current_password_is_refused_and_throttled_like_a_sign_in(api: TestClient) -> None:
    headers = sign_in(api, "anna")
    first = change(api, headers, "not the password")
    assert first.status_code == 403 and first.json()["detail"] == "the current password is wrong"
    assert "WWW-Authenticate" not in first.headers  # the person stays signed in
    assert api.get(f"{API}/auth/session", headers=headers).status_code == 200
    assert change(api, headers, "still not it").status_code == 403  # the second failure starts a delay
    throttled = change(api, headers, PASSWORD)
    assert throttled.status_code == 429 and int(throttled.headers["Retry-After"]) >= 60
    assert sign_in(api, "anna") == 429  # the sign-in form is delayed alike
    reasons = [row["detail"] for row in audit_rows(api, "sign-in-failed")]
    assert sum("wrong current password" in reason for reason in reasons) == 2
    assert any("throttled (password change)" in reason for reason in reasons)
    assert audit_rows(api, "password-changed") == []


def test_a_weak_new_password_is_a_422_naming_new_password(api: TestClient) -> None:
    headers = sign_in(api, "anna")
    for weak, problem in (
        ("password1234", "is too easy to guess"),
        ("short", "must have at least 12 characters"),
        (PASSWORD, "must differ from the current password"),
    ):
        refused = change(api, headers, PASSWORD, weak)
        assert refused.status_code == 422, refused.text
        (detail,) = refused.json()["detail"]
        assert detail["field"] == "new_password" and detail["message"].startswith(problem)
    french = api.post(
        CHANGE,
        json={"current_password": PASSWORD, "new_password": "password1234"},
        headers={**headers, "Accept-Language": "fr"},
    )
    assert french.json()["detail"][0]["message"].startswith("est trop facile à deviner")
    assert api.get(f"{API}/auth/session", headers=headers).status_code == 200  # nothing changed
    assert isinstance(sign_in(api, "anna", PASSWORD), dict)


def test_only_a_signed_in_person_with_a_password_may_change_it(api: TestClient) -> None:
    body = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    assert api.post(CHANGE, json=body).status_code == 401
    assert api.post(CHANGE, json=body, headers={"X-Scoring-User": "1"}).status_code == 401
    engine = api.app.state.scoring.engine
    sam = find_user(engine, "sam")
    token, _session = sessions.create(engine, sam.id, api.app.state.settings.session_lifetimes, None)
    refused = api.post(CHANGE, json=body, headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 403 and "single sign-on" in refused.json()["detail"]
