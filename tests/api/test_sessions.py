"""The API authenticates people itself: sign-in answers a session token, every user-scoped route takes it as
`Authorization: Bearer` and refuses `X-Scoring-User` alone; sign-out, a password reset, a disabled account
and an admin's "end sessions" revoke it at once; an absolute lifetime beside the idle one (clock injected);
single sign-on only with the dashboard's key; the audit rows name the session's user."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

import scoring.db.security
import scoring.db.sessions
from api.main import create_app
from scoring.db.audit import Actor
from scoring.db.tables import audit_log, utc_now
from scoring.db.users import create_user
from tests.api.conftest import API, make_settings

PASSWORD = "correct horse battery"
NEW_PASSWORD = "a different long passphrase"
CLI = Actor("cli:test", source="cli")
DASHBOARD_KEY = "dashboard-key-0123456789abcdef"
SERVICE_KEY = "service-key-0123456789abcdefgh"


pytestmark = pytest.mark.usefixtures("fast_hashes")  # light argon2id (tests/conftest.py)


def app_of(demo_home: Path, tmp_path: Path, **overrides: object) -> TestClient:
    settings = make_settings(
        demo_home, tmp_path / "db.sqlite", user_cache_seconds=0, precompute_explanations=False, **overrides
    )
    return TestClient(create_app(settings))


@pytest.fixture
def app_client(demo_home: Path, tmp_path: Path) -> Iterator[TestClient]:
    with app_of(demo_home, tmp_path) as client:
        engine = client.app.state.scoring.engine
        for name, role in (("olivia", "officer"), ("anna", "analyst"), ("root", "admin")):
            create_user(engine, name, role, PASSWORD, CLI)
        yield client


def sign_in(client: TestClient, name: str, password: str = PASSWORD, **headers: str) -> dict:
    answer = client.post(f"{API}/auth/login", json={"username": name, "password": password}, headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


def bearer(signed: dict) -> dict[str, str]:
    return {"Authorization": f"Bearer {signed['token']}"}


def test_sign_in_answers_a_token_that_user_scoped_routes_need(app_client: TestClient) -> None:
    signed = sign_in(app_client, "root")
    assert signed["username"] == "root" and signed["role"] == "admin" and len(signed["token"]) >= 43
    assert app_client.get(f"{API}/users", headers={"X-Scoring-User": str(signed["id"])}).status_code == 401
    assert app_client.get(f"{API}/users").status_code == 401
    french = app_client.get(f"{API}/users", headers={"X-Scoring-User": "1", "Accept-Language": "fr"})
    assert french.status_code == 401 and "X-Scoring-User n'est pas accepté" in french.json()["detail"]
    assert app_client.get(f"{API}/users", headers=bearer(signed)).status_code == 200
    session = app_client.get(f"{API}/auth/session", headers=bearer(signed)).json()
    assert session["id"] == signed["id"] and session["expires_at"] == signed["expires_at"]
    for wrong in ("Bearer not-a-session", "Basic cm9vdDpwdw==", "Bearer "):
        refused = app_client.get(f"{API}/users", headers={"Authorization": wrong})
        assert refused.status_code == 401 and refused.headers["WWW-Authenticate"] == "SignedInUser"


def test_sign_out_revokes_the_token(app_client: TestClient) -> None:
    signed = sign_in(app_client, "olivia")
    other = sign_in(app_client, "olivia")  # another browser of the same person
    client_id = int(app_client.app.state.scoring.service.store.ids[0])
    decisions = f"{API}/clients/{client_id}/decisions"
    assert app_client.get(decisions, headers=bearer(signed)).status_code == 200
    assert app_client.post(f"{API}/auth/logout", headers=bearer(signed)).status_code == 204
    for path in (decisions, "/auth/session", "/auth/logout"):
        url = path if path.startswith(API) else f"{API}{path}"
        method = app_client.post if path.endswith("logout") else app_client.get
        assert method(url, headers=bearer(signed)).status_code == 401, path
    assert app_client.get(f"{API}/clients/{client_id}/score", headers=bearer(signed)).status_code == 401
    assert app_client.get(decisions, headers=bearer(other)).status_code == 200  # only that session ended


def test_a_password_reset_or_a_disabled_account_ends_its_sessions(app_client: TestClient) -> None:
    admin = bearer(sign_in(app_client, "root"))
    olivia = sign_in(app_client, "olivia")
    anna = sign_in(app_client, "anna")
    reset = app_client.post(
        f"{API}/users/{olivia['id']}/password", json={"password": NEW_PASSWORD}, headers=admin
    )
    assert reset.status_code == 200
    assert app_client.get(f"{API}/auth/session", headers=bearer(olivia)).status_code == 401
    again = sign_in(app_client, "olivia", NEW_PASSWORD)
    assert app_client.get(f"{API}/auth/session", headers=bearer(again)).status_code == 200
    assert app_client.post(f"{API}/users/{anna['id']}/disable", headers=admin).status_code == 200
    assert app_client.get(f"{API}/auth/session", headers=bearer(anna)).status_code == 401
    assert app_client.post(f"{API}/users/{anna['id']}/enable", headers=admin).status_code == 200
    assert app_client.get(f"{API}/auth/session", headers=bearer(anna)).status_code == 401  # stays ended
    assert app_client.get(f"{API}/auth/session", headers=admin).status_code == 200


def test_an_admin_ends_one_persons_sessions_or_everyones(app_client: TestClient) -> None:
    admin = sign_in(app_client, "root")
    olivia, anna = sign_in(app_client, "olivia"), sign_in(app_client, "anna")
    mine = app_client.post(f"{API}/users/{olivia['id']}/sessions/end", headers=bearer(olivia))
    assert mine.status_code == 403
    ended = app_client.post(f"{API}/users/{olivia['id']}/sessions/end", headers=bearer(admin))
    assert ended.status_code == 200 and ended.json() == {"ended": 1}
    assert app_client.get(f"{API}/auth/session", headers=bearer(olivia)).status_code == 401
    assert app_client.get(f"{API}/auth/session", headers=bearer(anna)).status_code == 200
    everyone = app_client.post(f"{API}/auth/sessions/end-all", headers=bearer(admin))
    assert everyone.status_code == 200 and everyone.json() == {"ended": 2}  # anna's and the admin's own
    for signed in (anna, admin):
        assert app_client.get(f"{API}/auth/session", headers=bearer(signed)).status_code == 401
    app_client.app.state.audit_writer.flush()
    with app_client.app.state.scoring.engine.connect() as conn:
        rows = conn.execute(
            select(audit_log.c.actor, audit_log.c.target).where(audit_log.c.action == "sign-out")
        )
        assert sorted(tuple(r) for r in rows) == [("root", "*"), ("root", "olivia")]


def test_an_account_is_read_by_its_owner_or_an_admin(app_client: TestClient) -> None:
    olivia, anna, admin = (sign_in(app_client, name) for name in ("olivia", "anna", "root"))
    assert app_client.get(f"{API}/users/{olivia['id']}", headers=bearer(olivia)).status_code == 200
    assert app_client.get(f"{API}/users/{olivia['id']}", headers=bearer(anna)).status_code == 403
    assert app_client.get(f"{API}/users/{olivia['id']}", headers=bearer(admin)).status_code == 200
    assert app_client.get(f"{API}/users/{olivia['id']}").status_code == 401


def test_absolute_lifetime_ends_a_busy_session(
    demo_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [utc_now()]
    monkeypatch.setattr(scoring.db.sessions, "utc_now", lambda: clock[0])
    with app_of(demo_home, tmp_path, session_idle_minutes=30, session_max_hours=2) as client:
        create_user(client.app.state.scoring.engine, "olivia", "officer", PASSWORD, CLI)
        clock[0] = utc_now()  # after the password was set
        signed = sign_in(client, "olivia")
        for _ in range(7):  # used every 17 minutes: never idle for 30
            clock[0] += timedelta(minutes=17)
            assert client.get(f"{API}/auth/session", headers=bearer(signed)).status_code == 200
        clock[0] += timedelta(minutes=1)  # 2 h since sign-in
        assert client.get(f"{API}/auth/session", headers=bearer(signed)).status_code == 401
        fresh = sign_in(client, "olivia")
        clock[0] += timedelta(minutes=31)  # idle
        assert client.get(f"{API}/auth/session", headers=bearer(fresh)).status_code == 401


def test_reads_are_audited_as_the_sessions_user(app_client: TestClient) -> None:
    signed = sign_in(app_client, "anna")
    client_id = int(app_client.app.state.scoring.service.store.ids[0])
    assert app_client.get(f"{API}/clients/{client_id}/score", headers=bearer(signed)).status_code == 200
    app_client.app.state.audit_writer.flush()
    with app_client.app.state.scoring.engine.connect() as conn:
        rows = conn.execute(select(audit_log.c.actor, audit_log.c.role).where(audit_log.c.action == "score"))
        assert [tuple(r) for r in rows] == [("anna", "analyst")]


def test_single_sign_on_only_with_the_dashboards_key(demo_home: Path, tmp_path: Path) -> None:
    body = {"username": "root", "provider": "0"}
    with app_of(demo_home, tmp_path / "open") as open_api:
        create_user(open_api.app.state.scoring.engine, "root", "admin", PASSWORD, CLI)
        refused = open_api.post(f"{API}/auth/sso", json=body)
        assert refused.status_code == 403 and "SCORING_API_KEY" in refused.json()["detail"]
    with app_of(demo_home, tmp_path, api_key=DASHBOARD_KEY, service_api_key=SERVICE_KEY) as client:
        create_user(client.app.state.scoring.engine, "root", "admin", PASSWORD, CLI)
        assert client.post(f"{API}/auth/sso", json=body).status_code == 401  # no key at all
        assert (
            client.post(f"{API}/auth/sso", json=body, headers={"X-API-Key": SERVICE_KEY}).status_code == 403
        )
        signed = client.post(f"{API}/auth/sso", json=body, headers={"X-API-Key": DASHBOARD_KEY})
        assert signed.status_code == 200 and signed.json()["token"]
        dashboard = {"X-API-Key": DASHBOARD_KEY, **bearer(signed.json())}
        assert client.get(f"{API}/users", headers=dashboard).status_code == 200
        service = {"X-API-Key": SERVICE_KEY, **bearer(signed.json())}
        client_id = int(client.app.state.scoring.service.store.ids[0])
        carried = client.get(f"{API}/clients/{client_id}", headers=service)
        assert carried.status_code == 403 and "session" in carried.json()["detail"]


def test_the_persons_address_is_taken_from_the_dashboard_only(demo_home: Path, tmp_path: Path) -> None:
    reported = {"X-Scoring-Client-Address": "192.0.2.10"}
    keys = {"api_key": DASHBOARD_KEY, "service_api_key": SERVICE_KEY}
    cases = (  # (settings, caller's address, key sent, the audit row's source)
        ({}, "198.51.100.4", None, "198.51.100.4"),  # a keyless API: anyone could name any address
        ({}, "127.0.0.1", None, "192.0.2.10"),  # ... except the dashboard beside it
        (keys, "198.51.100.4", DASHBOARD_KEY, "192.0.2.10"),
        (keys, "198.51.100.4", SERVICE_KEY, "198.51.100.4"),
    )
    for number, (overrides, host, key, expected) in enumerate(cases):
        settings = make_settings(
            demo_home, tmp_path / f"{number}.sqlite", precompute_explanations=False, **overrides
        )
        with TestClient(create_app(settings), client=(host, 50000)) as client:
            client_id = int(client.app.state.scoring.service.store.ids[0])
            headers = {**reported, **({"X-API-Key": key} if key else {})}
            assert client.get(f"{API}/clients/{client_id}", headers=headers).status_code == 200
            client.app.state.audit_writer.flush()
            with client.app.state.scoring.engine.connect() as conn:
                sources = conn.execute(select(audit_log.c.source).where(audit_log.c.action == "view-client"))
                assert [r.source for r in sources] == [expected], (overrides, host, key)
