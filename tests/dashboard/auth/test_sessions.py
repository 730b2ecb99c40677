"""Sign-in and sessions without a browser: the sign-in form and its refusals (in both languages),
cookie flags, sign-out, a copied cookie refused, single sign-on, the users page and the oversight view."""

from __future__ import annotations

import json
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import dash
import flask
import pytest

from api.schemas.access import OversightOut
from dashboard.auth import check_binding, oidc
from dashboard.auth.guard import CSRF_COOKIE, CSRF_HEADER
from dashboard.i18n import COOKIE, translator
from dashboard.settings import DashboardSettings
from tests.dashboard.auth.fake_api import (
    PASSWORD,
    THROTTLED,
    USERS,
    FakeApi,
    callback,
    csrf,
    outputs_of,
    replayed,
    session_cookie,
    sign_in,
)
from tests.support.payloads import checked


def test_wrong_password_gets_one_generic_message(app: dash.Dash, fake: FakeApi) -> None:
    client = app.server.test_client()
    token = csrf(client)
    for name in ("olivia", "nobody"):
        response = client.post("/login", data={"username": name, "password": "wrong", "csrf_token": token})
        assert response.status_code == 401
        page = response.get_data(as_text=True)
        assert "The user name or password is not right" in page
        assert f'name="username" autocomplete="username" required\n value="{name}">' in page  # kept
        assert 'autocomplete="current-password" required autofocus>' in page  # only the password again
    missing_token = client.post("/login", data={"username": "olivia", "password": PASSWORD})
    assert missing_token.status_code == 403
    assert client.get("/").status_code == 302


def test_a_throttled_sign_in_says_to_wait(app: dash.Dash, fake: FakeApi) -> None:
    client = app.server.test_client()
    data = {"username": THROTTLED, "password": "wrong", "csrf_token": csrf(client)}
    response = client.post("/login", data=data)
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Too many wrong passwords from here: too many failed sign-ins: try again in 60 seconds" in page
    assert f'value="{THROTTLED}"' in page


def test_sign_in_pages_and_refusals_in_french(app: dash.Dash, fake: FakeApi) -> None:
    client = app.server.test_client()
    french = {"Accept-Language": "fr-FR,fr;q=0.9"}
    page = client.get("/login", headers=french).get_data(as_text=True)
    assert '<html lang="fr">' in page and "Nom d’utilisateur" in page and ">Se connecter<" in page
    token = client.get_cookie(CSRF_COOKIE).value
    wrong = client.post(
        "/login", data={"username": "olivia", "password": "wrong", "csrf_token": token}, headers=french
    )
    assert wrong.status_code == 401 and "le mot de passe est incorrect" in wrong.get_data(as_text=True)
    token = sign_in(client, "anna")
    forbidden = client.get("/users", headers=french)
    words = forbidden.get_data(as_text=True)
    assert forbidden.status_code == 403 and '<html lang="fr">' in words and ">Non autorisé</h1>" in words
    assert ">Modèle</a>" in words and ">Déconnexion</button>" in words  # the French navigation
    no_token = client.post("/_dash-update-component", json={}, headers=french)
    assert no_token.status_code == 403 and "Jeton CSRF absent" in no_token.get_data(as_text=True)
    signed_out = client.post("/logout", data={"csrf_token": token}, headers=french, follow_redirects=True)
    assert "Vous êtes déconnecté." in signed_out.get_data(as_text=True)
    chosen = client.get("/login?lang=en", headers=french)  # a language picked on the page is kept
    assert '<html lang="en">' in chosen.get_data(as_text=True) and client.get_cookie(COOKIE).value == "en"
    assert ">User name<" in client.get("/login", headers=french).get_data(as_text=True)


def test_session_cookie_flags(app: dash.Dash, fake: FakeApi) -> None:
    client = app.server.test_client()
    client.get("/login")
    response = client.post(
        "/login",
        data={"username": "olivia", "password": PASSWORD, "csrf_token": client.get_cookie(CSRF_COOKIE).value},
    )
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("scoring_session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    secure = app.server.test_client()
    secure.get("/login", base_url="https://dashboard.test")
    token = secure.get_cookie(CSRF_COOKIE, domain="dashboard.test").value
    response = secure.post(
        "/login",
        data={"username": "olivia", "password": PASSWORD, "csrf_token": token},
        base_url="https://dashboard.test",
    )
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("scoring_session="))
    assert "Secure" in cookie and "HttpOnly" in cookie


def test_sign_out_records_and_ends_the_session(app: dash.Dash, fake: FakeApi) -> None:
    client = app.server.test_client()
    token = sign_in(client, "olivia")
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302 and "signed-out" in response.headers["Location"]
    [sent] = fake.sent("/auth/logout")
    assert sent.headers["Authorization"].startswith("Bearer ") and "X-Scoring-User" not in sent.headers
    assert fake.sessions == {}  # the API revoked it
    assert client.get("/client/100002").status_code == 302


def test_next_after_sign_in_stays_on_this_site(app: dash.Dash, fake: FakeApi) -> None:
    client = app.server.test_client()
    token = csrf(client)
    for target in ("https://evil.test/", "//evil.test/x", "javascript:alert(1)"):
        response = client.post(
            "/login", data={"username": "olivia", "password": PASSWORD, "csrf_token": token, "next": target}
        )
        assert response.headers["Location"] == "/"
        token = client.get_cookie(CSRF_COOKIE).value


def test_auth_off_is_refused_beyond_loopback() -> None:
    settings = DashboardSettings(_env_file=None, auth=False)
    for host in ("127.0.0.1", "::1", "localhost"):
        check_binding(settings, host)
    for host in ("0.0.0.0", "192.168.1.10", "dashboard.example"):
        with pytest.raises(SystemExit, match="SCORING_AUTH=off is refused"):
            check_binding(settings, host)
    check_binding(DashboardSettings(_env_file=None, auth=True), "0.0.0.0")


def test_single_sign_on_redirects_to_the_provider(tmp_path: Path) -> None:
    import flask

    server = flask.Flask(__name__)
    server.secret_key = "test"
    settings = DashboardSettings(
        _env_file=None,
        oidc_issuer="https://id.lender.test/realms/credit",
        oidc_client_id="scoring-dashboard",
        oidc_client_secret="s3cret",
    )
    client = oidc.register(server, settings)
    assert (
        client._server_metadata_url == "https://id.lender.test/realms/credit/.well-known/openid-configuration"
    )
    client.server_metadata.update(  # what discovery would have fetched: no network in tests
        {
            "issuer": "https://id.lender.test/realms/credit",
            "authorization_endpoint": "https://id.lender.test/auth",
            "token_endpoint": "https://id.lender.test/token",
            "jwks_uri": "https://id.lender.test/certs",
            "_loaded_at": time.time(),
        }
    )
    response = server.test_client().get("/login/sso?next=/client/100002")
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    query = parse_qs(location.query)
    assert f"{location.scheme}://{location.netloc}{location.path}" == "https://id.lender.test/auth"
    assert query["client_id"] == ["scoring-dashboard"]
    assert query["response_type"] == ["code"]
    assert set(query["scope"][0].split()) == {"openid", "profile", "email"}
    assert query["redirect_uri"] == ["http://localhost/login/sso/callback"]
    assert query["code_challenge_method"] == ["S256"]
    assert query["state"][0] and query["nonce"][0]


def test_single_sign_on_needs_client_credentials() -> None:
    import flask

    settings = DashboardSettings(_env_file=None, oidc_issuer="https://id.lender.test")
    with pytest.raises(ValueError, match="SCORING_OIDC_CLIENT_ID"):
        oidc.register(flask.Flask(__name__), settings)
    assert oidc.register(flask.Flask(__name__), DashboardSettings(_env_file=None)) is None


def test_users_page_lists_and_adds_accounts(app: dash.Dash, fake: FakeApi) -> None:
    from dashboard.pages import users

    with app.server.test_request_context("/users"):
        table, options = users.show_users(None)
        assert {o["label"] for o in options} == set(USERS)
        assert "analyst" in json.dumps(table.to_plotly_json(), default=str)
        message, changed, name, password = users.add_user(1, "omar", "officer", "short")
        assert "Password: must have at least 12 characters" in json.dumps(
            message.to_plotly_json(), default=str
        )
        assert (name, password) == (dash.no_update, dash.no_update)  # kept, to be corrected
        message, changed, name, password = users.add_user(2, "omar", "officer", PASSWORD)
        assert "Account omar added" in str(message.children) and changed == 2
        assert (name, password) == ("", "")  # the form is ready for the next account


def test_oversight_view_in_words() -> None:
    from dashboard.components import oversight

    summary = checked(
        OversightOut,
        {
            "decisions": 4,
            "overrides": 1,
            "override_rate": 0.25,
            "per_officer_month": [
                {
                    "officer": "olivia",
                    "month": "2026-11",
                    "decisions": 4,
                    "overrides": 1,
                    "override_rate": 0.25,
                }
            ],
            "outcomes": {
                "overridden": {"granted_with_outcome": 1, "defaults": 1, "default_rate": 1.0},
                "followed": {"granted_with_outcome": 0, "defaults": 0, "default_rate": None},
            },
            "worklist": None,
        },
    )
    words = json.dumps([c.to_plotly_json() for c in oversight.view(summary)], default=str)
    assert "4 decisions, 1 overrides" in words and "olivia" in words
    assert "overriding the model: 100" in words and "following the model: no known outcome yet" in words
    assert "once outcomes" in oversight.outcomes_text(None)
    french = [c.to_plotly_json() for c in oversight.view(summary, translator("fr"))]
    french = json.dumps(french, default=str, ensure_ascii=False)
    assert "4 décisions, dérogations : 1 (25,0\u202f% des décisions)" in french
    assert "en dérogation au modèle : 100,0\u202f% en défaut (1 sur 1)" in french


def test_a_password_set_leaves_the_users_form(app: dash.Dash, fake: FakeApi) -> None:
    client = app.server.test_client()
    token = sign_in(client, "root")
    output = next(key for key in app.callback_map if "users-new-password.value" in key)
    clicks = [
        {"id": f"users-{name}", "property": "n_clicks", "value": 1 if name == "set-password" else None}
        for name in ("disable", "enable", "set-password")
    ]
    state = [
        {"id": "users-account", "property": "value", "value": str(USERS["olivia"]["id"])},
        {"id": "users-new-password", "property": "value", "value": PASSWORD},
    ]
    body = {
        "output": output,
        "outputs": outputs_of(output),
        "inputs": clicks,
        "state": state,
        "changedPropIds": ["users-set-password.n_clicks"],
    }
    response = client.post("/_dash-update-component", json=body, headers={CSRF_HEADER: token})
    assert response.status_code == 200, response.get_data(as_text=True)
    answer = response.get_json()["response"]
    assert "new password set" in json.dumps(answer["users-change-result"])
    assert answer["users-new-password"] == {"value": ""}


def test_a_cookie_copied_before_sign_out_is_refused_after_it(app: dash.Dash, fake: FakeApi) -> None:
    client = app.server.test_client()
    token = sign_in(client, "olivia")
    copied = session_cookie(client)
    assert replayed(app, copied).get("/client/100002").status_code == 200  # the copy works while signed in
    client.post("/logout", data={"csrf_token": token})
    thief = replayed(app, copied)
    page = thief.get("/client/100002")
    assert page.status_code == 302 and page.headers["Location"].startswith("/login")
    thief = replayed(app, copied)
    assert callback(thief, token).status_code in (401, 403)  # no session: refused before any call
    assert fake.sent("/clients/100002/decisions") == []


def test_a_cookie_copied_before_a_password_reset_is_refused_after_it(app: dash.Dash, fake: FakeApi) -> None:
    client = app.server.test_client()
    token = sign_in(client, "olivia")
    copied = session_cookie(client)
    fake.revoke_user("olivia")  # an administrator set a new password: the API revoked her sessions
    page = replayed(app, copied).get("/client/100002")
    assert page.status_code == 302 and page.headers["Location"].startswith("/login")
    assert callback(client, token).status_code == 401
    assert client.get("/client/100002").status_code == 302  # signed out on this browser too


def test_a_session_the_api_refuses_mid_page_signs_the_person_out(app: dash.Dash, fake: FakeApi) -> None:
    from dashboard.api_client import SESSION_ENDED, ApiError, api

    with app.server.test_request_context("/client/100002"):
        client = api().bound()
        client._fixed = {"Authorization": "Bearer revoked-elsewhere"}
        with pytest.raises(ApiError, match="Your session has ended") as refused:
            client.decisions(100002)
        assert refused.value.status == 401 and flask.request.environ[SESSION_ENDED] is True
