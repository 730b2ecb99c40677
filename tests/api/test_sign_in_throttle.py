"""Sign-in through the API: failures from one address answer 429 with Retry-After (growing), never a lockout
of the owner signing in from another address; easily guessed passwords are a 422 naming `password`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from api.main import create_app
from scoring.db.audit import Actor
from scoring.db.tables import audit_log, sign_in_throttle, utc_now
from scoring.db.users import create_user
from tests.api.conftest import API, make_settings

PASSWORD = "correct horse battery"
ATTACKER = ("203.0.113.9", 50000)
OWNER = ("198.51.100.4", 50000)
CLI = Actor("cli:test", source="cli")
LOGIN = f"{API}/auth/login"


pytestmark = pytest.mark.usefixtures("fast_hashes")  # light argon2id (tests/conftest.py)


@pytest.fixture
def attacker(demo_home: Path, tmp_path: Path) -> Iterator[TestClient]:
    """A client at the attacker's address; delays of a minute and more, so none runs out during a test."""
    settings = make_settings(
        demo_home, tmp_path / "db.sqlite", sign_in_first_delay_seconds=60, sign_in_max_delay_minutes=4
    )
    with TestClient(create_app(settings), client=ATTACKER) as client:
        create_user(client.app.state.scoring.engine, "olivia", "officer", PASSWORD, CLI)
        yield client


@pytest.fixture
def owner(attacker: TestClient) -> TestClient:
    """The same API, called from the owner's address."""
    return TestClient(attacker.app, client=OWNER)


def sign_in(client: TestClient, password: str, username: str = "olivia") -> int:
    answer = client.post(LOGIN, json={"username": username, "password": password})
    return answer.status_code


def retry_after(client: TestClient) -> int:
    answer = client.post(LOGIN, json={"username": "olivia", "password": PASSWORD})
    assert answer.status_code == 429, answer.text
    assert answer.json()["detail"].startswith("too many failed sign-ins: try again in")
    return int(answer.headers["Retry-After"])


def test_six_wrong_passwords_do_not_lock_the_owner_out(attacker: TestClient, owner: TestClient) -> None:
    assert [sign_in(attacker, "wrong password") for _ in range(6)] == [401] * 5 + [429]
    assert 1 <= retry_after(attacker) <= 60  # the right password, from the attacker's address
    french = attacker.post(
        LOGIN, json={"username": "olivia", "password": PASSWORD}, headers={"Accept-Language": "fr"}
    )
    assert french.status_code == 429 and french.json()["detail"].startswith("trop d'échecs de connexion")
    signed_in = owner.post(LOGIN, json={"username": "olivia", "password": PASSWORD})
    assert signed_in.status_code == 200 and signed_in.json()["username"] == "olivia"
    attacker.app.state.audit_writer.flush()
    with attacker.app.state.scoring.engine.connect() as conn:
        rows = conn.execute(select(audit_log.c.action, audit_log.c.source, audit_log.c.detail)).all()
    refused = [(source, detail) for action, source, detail in rows if action == "sign-in-failed"]
    assert refused.count((ATTACKER[0], '{"reason": "throttled"}')) == 3
    assert ("sign-in", OWNER[0]) in [(action, source) for action, source, _ in rows]


def test_the_delay_grows(attacker: TestClient) -> None:
    engine = attacker.app.state.scoring.engine
    waits = []
    for _ in range(5):
        sign_in(attacker, "wrong password")
    for _ in range(3):
        waits.append(retry_after(attacker))
        with engine.begin() as conn:  # the delay runs out
            conn.execute(update(sign_in_throttle).values(blocked_until=utc_now() - timedelta(seconds=1)))
        assert sign_in(attacker, "wrong password") == 401
    assert waits[0] <= 60 < waits[1] <= 120 < waits[2] <= 240


def test_a_success_resets_the_count(attacker: TestClient) -> None:
    for _ in range(2):
        assert [sign_in(attacker, "wrong password") for _ in range(4)] == [401] * 4
        assert sign_in(attacker, PASSWORD) == 200


def test_easily_guessed_passwords_are_refused(attacker: TestClient) -> None:
    engine = attacker.app.state.scoring.engine
    create_user(engine, "root", "admin", "layout tests need a long password", CLI)
    token = attacker.post(LOGIN, json={"username": "root", "password": "layout tests need a long password"})
    headers = {"Authorization": f"Bearer {token.json()['token']}"}
    weak = {"username": "paul", "role": "officer", "password": "password1234"}
    refused = attacker.post(f"{API}/users", json=weak, headers=headers)
    assert refused.status_code == 422, refused.text
    problem = refused.json()["detail"][0]
    assert problem["field"] == "password" and problem["message"].startswith("is too easy to guess")
    strong = weak | {"password": "violet kettle around ninety"}
    assert attacker.post(f"{API}/users", json=strong, headers=headers).status_code == 201
