"""The Account page without a browser, its API faked: every role reaches it from its name in the navigation
bar; a person changes their own password (the form checks the repeat, the API the rest), the dashboard keeps
the new session the API answers and goes on working while the old token is refused; refusals in words, in
English and French."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator

import dash
import httpx
import pytest

from dashboard.api_client import EXTENSION, ApiClient
from dashboard.auth import SESSION_COOKIE, request_headers
from dashboard.auth.guard import CSRF_COOKIE, CSRF_HEADER
from tests.dashboard.auth.fake_api import (
    ENDS,
    PASSWORD,
    FakeApi,
    account,
    callback,
    outputs_of,
    sign_in,
    user_box,
)
from tests.support.checked_api import CheckedTransport

NEW_PASSWORD = "violet kettle around ninety"
RESULT = "account-result.children"


class AccountApi(FakeApi):
    """The fake API with `POST /auth/password`: the current password checked, every session of the account
    revoked and a new one answered, a short new password a 422 naming `new_password`."""

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[str, str] = {}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/api/v1")
        name = self._session(request)
        if path != "/auth/password" or name is None:
            return super().__call__(request)
        self.calls.append(request)
        sent = json.loads(request.content)
        if sent["current_password"] != self.passwords.get(name, PASSWORD):
            return httpx.Response(403, json={"detail": "the current password is wrong"})
        if len(sent["new_password"]) < 12:
            problem = {"field": "new_password", "message": "must have at least 12 characters"}
            return httpx.Response(422, json={"detail": [problem]})
        self.passwords[name] = sent["new_password"]
        self.revoke_user(name)
        token = secrets.token_urlsafe(32)
        self.sessions[token] = name
        return httpx.Response(200, json={**account(name), "token": token, "expires_at": ENDS})


@pytest.fixture
def fake(app: dash.Dash) -> Iterator[AccountApi]:
    original = app.server.extensions[EXTENSION]
    fake = AccountApi()
    app.server.extensions[EXTENSION] = ApiClient(
        "http://api.test", transport=CheckedTransport(fake), context=request_headers
    )
    yield fake
    app.server.extensions[EXTENSION] = original


def post_change(
    app: dash.Dash, client: object, token: str | None, current: str, new: str, repeat: str | None = None
) -> object:
    """The callback request of the form's button, with the CSRF header when `token` is given."""
    output = next(key for key in app.callback_map if RESULT in key)
    state = [
        {"id": "account-current", "property": "value", "value": current},
        {"id": "account-new", "property": "value", "value": new},
        {"id": "account-repeat", "property": "value", "value": new if repeat is None else repeat},
    ]
    inputs = [{"id": "account-change", "property": "n_clicks", "value": 1}]
    body = {
        "output": output,
        "outputs": outputs_of(output),
        "inputs": inputs,
        "state": state,
        "changedPropIds": ["account-change.n_clicks"],
    }
    return client.post("/_dash-update-component", json=body, headers={CSRF_HEADER: token} if token else {})


def change(
    app: dash.Dash, client: object, token: str, current: str, new: str, repeat: str | None = None
) -> dict:
    response = post_change(app, client, token, current, new, repeat)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["response"]


def text_of(answer: dict) -> str:
    return json.dumps(answer["account-result"], ensure_ascii=False)


@pytest.mark.parametrize("name", ["olivia", "anna", "root"])
def test_every_role_reaches_its_account_from_its_name(app: dash.Dash, fake: AccountApi, name: str) -> None:
    client = app.server.test_client()
    token = sign_in(client, name)
    page = client.get("/account")
    assert page.status_code == 200
    box = user_box(client)
    assert '"href": "/account"' in box and name in box
    router = next(key for key in app.callback_map if "_pages_content.children" in key)
    routed = callback(
        client,
        token,
        router,
        [
            {"id": "_pages_location", "property": "pathname", "value": "/account"},
            {"id": "_pages_location", "property": "search", "value": ""},
        ],
        [],
    )
    assert routed.status_code == 200 and "account-current" in routed.get_data(as_text=True)


def test_an_analyst_changes_their_password_and_stays_signed_in(app: dash.Dash, fake: AccountApi) -> None:
    client = app.server.test_client()
    token = sign_in(client, "anna")
    [old] = fake.sessions
    answer = change(app, client, token, PASSWORD, NEW_PASSWORD)
    assert "Your password has been changed" in text_of(answer)
    assert [answer[f"account-{name}"] for name in ("current", "new", "repeat")] == [{"value": ""}] * 3
    [sent] = fake.sent("/auth/password")
    assert json.loads(sent.content) == {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    assert sent.headers["Authorization"] == f"Bearer {old}"
    [new] = fake.sessions
    assert new != old and fake.sessions[new] == "anna"
    assert client.get("/model").status_code == 200  # the dashboard goes on with the new session
    assert fake.calls[-1].headers["Authorization"] == f"Bearer {new}"
    assert fake.passwords == {"anna": NEW_PASSWORD}
    csrf_now = client.get_cookie(CSRF_COOKIE).value  # the new session's: the one sent before names nothing
    assert csrf_now != token
    again = change(app, client, csrf_now, NEW_PASSWORD, "lantern orbit seventy pebble")
    assert "Your password has been changed" in text_of(again)  # callbacks go on, with the new session
    assert fake.passwords == {"anna": "lantern orbit seventy pebble"}


def test_a_cookie_copied_before_the_change_is_refused_after_it(app: dash.Dash, fake: AccountApi) -> None:
    client = app.server.test_client()
    token = sign_in(client, "olivia")
    copied = client.get_cookie(SESSION_COOKIE).value
    change(app, client, token, PASSWORD, NEW_PASSWORD)
    assert client.get_cookie(SESSION_COOKIE).value != copied
    thief = app.server.test_client()
    thief.set_cookie(SESSION_COOKIE, copied)
    page = thief.get("/client/100002")
    assert page.status_code == 302 and page.headers["Location"].startswith("/login")
    assert client.get("/client/100002").status_code == 200


def test_refusals_are_told_and_change_nothing(app: dash.Dash, fake: AccountApi) -> None:
    client = app.server.test_client()
    token = sign_in(client, "olivia")
    assert post_change(app, client, None, PASSWORD, NEW_PASSWORD).status_code == 403  # no CSRF token
    differ = change(app, client, token, PASSWORD, NEW_PASSWORD, "violet kettle around ninety!")
    assert "The two new passwords differ." in text_of(differ) and fake.sent("/auth/password") == []
    assert "account-current" not in differ  # the form keeps what was typed
    assert "Enter your current password." in text_of(change(app, client, token, "", NEW_PASSWORD))
    assert "the current password is wrong" in text_of(change(app, client, token, "not it", NEW_PASSWORD))
    short = text_of(change(app, client, token, PASSWORD, "too short"))
    assert "New password: must have at least 12 characters" in short
    assert fake.passwords == {} and list(fake.sessions.values()) == ["olivia"]
    assert client.get("/account").status_code == 200


def test_the_account_page_in_french(app: dash.Dash, fake: AccountApi) -> None:
    client = app.server.test_client()
    token = sign_in(client, "olivia")
    client.set_cookie("lang", "fr")
    short = text_of(change(app, client, token, PASSWORD, "too short"))
    assert "Nouveau mot de passe : must have at least 12 characters" in short
    differ = text_of(change(app, client, token, PASSWORD, NEW_PASSWORD, "autre chose encore"))
    assert "Les deux nouveaux mots de passe diffèrent." in differ
    done = text_of(change(app, client, token, PASSWORD, NEW_PASSWORD))
    assert "Votre mot de passe a été changé." in done
