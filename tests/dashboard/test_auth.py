"""Sign-in on the dashboard without a browser: the guard of pages and callbacks (called directly on
/_dash-update-component), CSRF, roles, idle timeout, the sign-in form and single sign-on, with a fake API."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import dash
import httpx
import pytest

from dashboard.api_client import EXTENSION, ApiClient
from dashboard.app import create_app
from dashboard.auth import check_binding, oidc, request_headers, roles
from dashboard.auth.guard import CSRF_COOKIE, CSRF_HEADER, SEEN_KEY
from dashboard.i18n import COOKIE, translator
from dashboard.settings import DashboardSettings
from scoring.vocabulary import Role

USERS = {
    "olivia": {"id": 2, "role": "officer"},
    "anna": {"id": 3, "role": "analyst"},
    "root": {"id": 1, "role": "admin"},
}
PASSWORD = "correct horse battery"
RECORD = "..client-officer-result.children...client-officer-recorded.data.."


def account(name: str) -> dict:
    return {
        "id": USERS[name]["id"],
        "username": name,
        "role": USERS[name]["role"],
        "active": True,
        "locked": False,
        "created_at": "2026-01-01T00:00:00Z",
        "last_sign_in_at": None,
        "has_password": True,
    }


class FakeApi:
    """The scoring API's sign-in, account and decision routes, recording what the dashboard sent."""

    def __init__(self) -> None:
        self.calls: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(request)
        path = request.url.path.removeprefix("/api/v1")
        if path == "/auth/login":
            sent = json.loads(request.content)
            if sent["username"] in USERS and sent["password"] == PASSWORD:
                return httpx.Response(200, json=account(sent["username"]))
            return httpx.Response(401, json={"detail": "invalid user name or password"})
        if path == "/users" and request.method == "GET":
            return httpx.Response(200, json=[account(name) for name in USERS])
        if path == "/users":
            sent = json.loads(request.content)
            if len(sent["password"] or "") < 12:
                detail = [
                    {
                        "field": "password",
                        "message": "must have at least 12 characters",
                        "type": "value_error",
                    }
                ]
                return httpx.Response(422, json={"detail": detail})
            return httpx.Response(201, json={**account("olivia"), "username": sent["username"], "id": 9})
        if path.startswith("/users/"):
            user_id = int(path.rsplit("/", 1)[-1])
            name = next(n for n, u in USERS.items() if u["id"] == user_id)
            return httpx.Response(200, json=account(name))
        if path in ("/auth/logout", "/auth/denied"):
            return httpx.Response(204)
        if path.endswith("/decisions") and request.method == "POST":
            return httpx.Response(
                201, json={"id": 7, "override": True, "created_at": "2026-11-20T10:00:00+00:00"}
            )
        return httpx.Response(404, json={"detail": "not faked"})

    def sent(self, path: str) -> list[httpx.Request]:
        return [r for r in self.calls if r.url.path == "/api/v1" + path]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> dash.Dash:
    css = tmp_path_factory.mktemp("css") / "bootstrap.min.css"
    css.write_text("body{margin:0}")
    settings = DashboardSettings(
        _env_file=None,
        api_url="http://api.test",
        bootstrap_css=css,
        secret_key="test-secret",
        user_cache_seconds=0,
    )
    return create_app(settings)


@pytest.fixture
def fake(app: dash.Dash) -> Iterator[FakeApi]:
    original = app.server.extensions[EXTENSION]
    fake = FakeApi()
    app.server.extensions[EXTENSION] = ApiClient(
        "http://api.test", transport=httpx.MockTransport(fake), context=request_headers
    )
    yield fake
    app.server.extensions[EXTENSION] = original


def csrf(client: object) -> str:
    client.get("/login")
    return client.get_cookie(CSRF_COOKIE).value


def sign_in(client: object, name: str) -> str:
    token = csrf(client)
    response = client.post(
        "/login", data={"username": name, "password": PASSWORD, "csrf_token": token, "next": "/model"}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/model"
    return client.get_cookie(CSRF_COOKIE).value


def outputs_of(key: str) -> list[dict] | dict:
    """The `outputs` Dash's renderer sends for a callback's output key."""
    parts = key.strip(".").split("...") if key.startswith("..") else [key]
    specs = [dict(zip(("id", "property"), part.rsplit(".", 1), strict=True)) for part in parts]
    return specs if key.startswith("..") else specs[0]


def callback(
    client: object,
    token: str | None,
    output: str = RECORD,
    inputs: list | None = None,
    state: list | None = None,
) -> object:
    body = {
        "output": output,
        "outputs": outputs_of(output),
        "inputs": inputs or [{"id": "client-officer-submit", "property": "n_clicks", "value": 1}],
        "state": state
        if state is not None
        else [
            {"id": "client-officer-decision", "property": "value", "value": "accept"},
            {"id": "client-officer-reason", "property": "value", "value": "data-error"},
            {
                "id": "client-officer-justification",
                "property": "value",
                "value": "Income proven by payslips.",
            },
            {
                "id": "client-officer-model",
                "property": "data",
                "value": {"client_id": 100002, "decision": "refuse"},
            },
        ],
        "changedPropIds": ["client-officer-submit.n_clicks"],
    }
    headers = {CSRF_HEADER: token} if token else {}
    return client.post("/_dash-update-component", json=body, headers=headers)


def test_roles_are_the_apis_roles() -> None:
    assert {str(r) for r in Role} == roles.ROLES


def test_every_server_callback_has_rights(app: dash.Dash, fake: FakeApi) -> None:
    app.server.test_client().get("/login")  # Dash Pages registers its router callback at the first request
    server_side = {key for key, entry in app.callback_map.items() if "callback" in entry}
    assert roles.PAGES_ROUTER in " ".join(server_side)
    assert len(server_side) > 40
    missing = [key for key in server_side if roles.rights_of_callback(app, key) is None]
    assert missing == []


def test_every_page_has_rights() -> None:
    assert all(page["module"] in roles.MODULE_RIGHTS for page in dash.page_registry.values())
    assert roles.rights_of_page("/users") == roles.ADMINISTER
    assert roles.rights_of_page("/client/100002") == roles.VIEW_CLIENTS
    assert roles.rights_of_page("/no-such-page") is None


def test_unregistered_callback_is_refused_to_everyone(app: dash.Dash, fake: FakeApi) -> None:
    client = app.server.test_client()
    token = sign_in(client, "root")
    assert callback(client, token, output="something-else.children").status_code == 403


def test_callback_without_a_session_is_401(app: dash.Dash, fake: FakeApi) -> None:
    client = app.server.test_client()
    response = callback(client, csrf(client))
    assert response.status_code == 401
    assert fake.sent("/clients/100002/decisions") == []


def test_callback_without_csrf_token_is_refused(app: dash.Dash, fake: FakeApi) -> None:
    client = app.server.test_client()
    sign_in(client, "olivia")
    assert callback(client, None).status_code == 403
    assert callback(client, "forged-token").status_code == 403
    assert fake.sent("/clients/100002/decisions") == []


def test_analyst_cannot_reach_an_officer_only_callback(app: dash.Dash, fake: FakeApi) -> None:
    client = app.server.test_client()
    token = sign_in(client, "anna")
    response = callback(client, token)
    assert response.status_code == 403
    assert fake.sent("/clients/100002/decisions") == []
    [denied] = fake.sent("/auth/denied")
    assert denied.headers["X-Scoring-User"] == "3"


def test_officer_records_a_decision_through_the_callback(app: dash.Dash, fake: FakeApi) -> None:
    client = app.server.test_client()
    token = sign_in(client, "olivia")
    response = callback(client, token)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "Decision recorded (an override)" in response.get_data(as_text=True)
    [sent] = fake.sent("/clients/100002/decisions")
    assert sent.headers["X-Scoring-User"] == "2"
    assert sent.headers["X-Scoring-Client-Address"] == "127.0.0.1"


def test_navigation_shows_the_user_and_the_pages_of_the_role(app: dash.Dash, fake: FakeApi) -> None:
    client = app.server.test_client()
    token = sign_in(client, "olivia")
    location = [{"id": "_pages_location", "property": "pathname", "value": "/"}]
    box = json.dumps(callback(client, token, "app-user.children", location, []).get_json())
    assert "olivia" in box and "(Credit officer)" in box and token in box and "/logout" in box
    nav = next(key for key in app.callback_map if "app-nav.children" in key)
    links = callback(client, token, nav, location, [{"id": "app-client", "property": "data", "value": None}])
    text = json.dumps(links.get_json())
    assert "What-if" in text and "Model" not in text and "Users" not in text


def test_pages_need_a_session_and_the_pages_rights(app: dash.Dash, fake: FakeApi) -> None:
    client = app.server.test_client()
    response = client.get("/model?x=1")
    assert response.status_code == 302 and response.headers["Location"] == "/login?next=/model%3Fx%3D1"
    sign_in(client, "olivia")
    assert client.get("/client/100002").status_code == 200
    assert client.get("/model").status_code == 403
    assert client.get("/drift-report/any/html").status_code == 403
    router = {"id": "_pages_location", "property": "pathname", "value": "/model"}
    search = {"id": "_pages_location", "property": "search", "value": ""}
    token = client.get_cookie(CSRF_COOKIE).value
    output = next(key for key in app.callback_map if roles.PAGES_ROUTER in key)
    assert callback(client, token, output, [router, search], []).status_code == 403
    router["value"] = "/client/100002"
    page = callback(client, token, output, [router, search], [])
    assert page.status_code == 200 and "Client 100002: credit decision" in page.get_data(as_text=True)


def test_admin_reaches_the_users_page(app: dash.Dash, fake: FakeApi) -> None:
    client = app.server.test_client()
    sign_in(client, "root")
    assert client.get("/users").status_code == 200
    client = app.server.test_client()
    sign_in(client, "anna")
    assert client.get("/users").status_code == 403
    assert client.get("/model").status_code == 200


def test_wrong_password_gets_one_generic_message(app: dash.Dash, fake: FakeApi) -> None:
    client = app.server.test_client()
    token = csrf(client)
    for name in ("olivia", "nobody"):
        response = client.post("/login", data={"username": name, "password": "wrong", "csrf_token": token})
        assert response.status_code == 401
        assert "The user name or password is not right" in response.get_data(as_text=True)
    missing_token = client.post("/login", data={"username": "olivia", "password": PASSWORD})
    assert missing_token.status_code == 403
    assert client.get("/").status_code == 302


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
    assert forbidden.status_code == 403 and "lang='fr'" in words and "<h1>Non autorisé</h1>" in words
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


def test_idle_session_ends(app: dash.Dash, fake: FakeApi) -> None:
    client = app.server.test_client()
    token = sign_in(client, "olivia")
    with client.session_transaction() as session:
        session[SEEN_KEY] = time.time() - 31 * 60
    assert callback(client, token).status_code == 401
    response = client.get("/client/100002")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_sign_out_records_and_ends_the_session(app: dash.Dash, fake: FakeApi) -> None:
    client = app.server.test_client()
    token = sign_in(client, "olivia")
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302 and "signed-out" in response.headers["Location"]
    assert fake.sent("/auth/logout")[0].headers["X-Scoring-User"] == "2"
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
        message, changed = users.add_user(1, "omar", "officer", "short")
        assert "password: must have at least 12 characters" in json.dumps(
            message.to_plotly_json(), default=str
        )
        message, changed = users.add_user(2, "omar", "officer", PASSWORD)
        assert "Account omar added" in str(message.children) and changed == 2


def test_oversight_view_in_words() -> None:
    from dashboard.components import oversight

    summary = {
        "decisions": 4,
        "overrides": 1,
        "override_rate": 0.25,
        "per_officer_month": [
            {"officer": "olivia", "month": "2026-11", "decisions": 4, "overrides": 1, "override_rate": 0.25}
        ],
        "outcomes": {
            "overridden": {"granted_with_outcome": 1, "defaults": 1, "default_rate": 1.0},
            "followed": {"granted_with_outcome": 0, "defaults": 0, "default_rate": None},
        },
    }
    words = json.dumps([c.to_plotly_json() for c in oversight.view(summary)], default=str)
    assert "4 decisions, 1 overrides" in words and "olivia" in words
    assert "overriding the model: 100" in words and "following the model: no known outcome yet" in words
    assert "once outcomes" in oversight.outcomes_text(None)
    french = [c.to_plotly_json() for c in oversight.view(summary, translator("fr"))]
    french = json.dumps(french, default=str, ensure_ascii=False)
    assert "4 décisions, dérogations : 1 (25,0\u202f% des décisions)" in french
    assert "en dérogation au modèle : 100,0\u202f% en défaut (1 sur 1)" in french
