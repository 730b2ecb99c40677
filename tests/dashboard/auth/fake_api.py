"""A fake scoring API for the dashboard's sign-in tests, and the requests a browser would send (sign-in form,
Dash callbacks with their CSRF header)."""

from __future__ import annotations

import json
import secrets

import httpx

from dashboard.auth import SESSION_COOKIE
from dashboard.auth.guard import CSRF_COOKIE, CSRF_HEADER
from tests.support.payloads import HISTORY, SCORE, VOCABULARY

USERS = {
    "olivia": {"id": 2, "role": "officer"},
    "anna": {"id": 3, "role": "analyst"},
    "sam": {"id": 4, "role": "senior"},
    "root": {"id": 1, "role": "admin"},
}
PASSWORD = "correct horse battery"
THROTTLED = "guessed"  # a name the fake API answers 429 for (sign-ins throttled from here)
ENDS = "2026-12-31T00:00:00Z"  # the absolute end of every session the fake issues
ENDED = {"WWW-Authenticate": "SignedInUser"}
RECORD = "..client-officer-result.children...client-officer-recorded.data.."


def account(name: str) -> dict:
    return {
        "id": USERS[name]["id"],
        "username": name,
        "role": USERS[name]["role"],
        "active": True,
        "created_at": "2026-01-01T00:00:00Z",
        "last_sign_in_at": None,
        "has_password": True,
    }


def recorded(name: str, sent: dict) -> dict:
    """The API's record of a decision `name` sent on client 100002, whose model refuses (SCORE)."""
    return {
        "id": 7,
        "created_at": "2026-11-20T10:00:00Z",
        "username": name,
        **sent,
        "model_decision": SCORE["decision"],
        "override": sent["decision"] != SCORE["decision"],
        "model_version": SCORE["model_version"],
        "probability": SCORE["probability"],
        "threshold": SCORE["threshold"],
        "reasons": [
            {"direction": "raising", "feature": "A", "label": "Late payments", "value": 3},
            {"direction": "lowering", "feature": "B", "label": "External score", "value": 0.6},
        ],
        "counter_offer_amount": None,
        "offer": None,
        "status": "final",
        "reviewed_by": None,
        "reviewed_at": None,
        "review_note": None,
    }


class FakeApi:
    """The scoring API's sign-in, session, account and decision routes (client 100002's history: `HISTORY`),
    recording what the dashboard sent.

    As the API: sign-in answers a session token; every other call needs a live one (`Authorization:
    Bearer`), `X-Scoring-User` alone is a 401; sign-out, a password set and a disabled account revoke.
    """

    def __init__(self) -> None:
        self.calls: list[httpx.Request] = []
        self.sessions: dict[str, str] = {}  # live token -> user name

    def revoke_user(self, name: str) -> None:
        """End every session of `name` (what a password reset or a disabled account does)."""
        self.sessions = {token: user for token, user in self.sessions.items() if user != name}

    def _session(self, request: httpx.Request) -> str | None:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        return self.sessions.get(token) if scheme == "Bearer" else None

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(request)
        path = request.url.path.removeprefix("/api/v1")
        if path == "/auth/login":
            sent = json.loads(request.content)
            if sent["username"] == THROTTLED:
                detail = "too many failed sign-ins: try again in 60 seconds"
                return httpx.Response(429, json={"detail": detail}, headers={"Retry-After": "60"})
            if sent["username"] in USERS and sent["password"] == PASSWORD:
                token = secrets.token_urlsafe(32)
                self.sessions[token] = sent["username"]
                return httpx.Response(
                    200, json={**account(sent["username"]), "token": token, "expires_at": ENDS}
                )
            return httpx.Response(401, json={"detail": "invalid user name or password"}, headers=ENDED)
        name = self._session(request)
        if name is None and ("Authorization" in request.headers or "X-Scoring-User" in request.headers):
            return httpx.Response(401, json={"detail": "the session has ended"}, headers=ENDED)
        if path == "/auth/session":
            if name is None:
                return httpx.Response(401, json={"detail": "a signed-in user is required"}, headers=ENDED)
            return httpx.Response(200, json={**account(name), "expires_at": ENDS})
        if path == "/auth/logout":
            self.sessions.pop(request.headers["Authorization"].removeprefix("Bearer "), None)
            return httpx.Response(204)
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
            user_id = int(path.split("/")[2])  # /users/<id>, /users/<id>/password, /users/<id>/disable
            named = next(n for n, u in USERS.items() if u["id"] == user_id)
            if path.endswith(("/password", "/disable")):
                self.revoke_user(named)
            return httpx.Response(200, json=account(named))
        if path == "/auth/denied":
            return httpx.Response(204)
        if path.endswith("/decisions") and request.method == "POST":
            return httpx.Response(201, json=recorded(name, json.loads(request.content)))
        if path == "/clients/100002/decisions":
            return httpx.Response(200, json=HISTORY)
        if path == "/decisions/vocabulary":
            return httpx.Response(200, json=VOCABULARY)
        return httpx.Response(404, json={"detail": "not faked"})

    def sent(self, path: str) -> list[httpx.Request]:
        return [r for r in self.calls if r.url.path == "/api/v1" + path]


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


def session_cookie(client: object) -> str:
    return client.get_cookie(SESSION_COOKIE).value


def replayed(app: object, cookie: str) -> object:
    """A new browser holding a copied session cookie."""
    thief = app.server.test_client()
    thief.set_cookie(SESSION_COOKIE, cookie)
    return thief


def frame(client: object) -> dict:
    """The frame of a page load (Dash's layout) as this browser gets it."""
    response = client.get("/_dash-layout")
    assert response.headers["Cache-Control"] == "no-store"  # it names the person and holds their CSRF token
    return response.get_json()


def part(layout: dict, component_id: str) -> str:
    """The children of the component `component_id` of a layout, as JSON."""
    pending: list = [layout]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            if node.get("props", {}).get("id") == component_id:
                return json.dumps(node["props"]["children"])
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    raise AssertionError(f"the layout has no {component_id}")


def user_box(client: object) -> str:
    """The signed-in person's box in the frame of a page load, as JSON."""
    return part(frame(client), "app-user")


def arrived(pathname: object, search: str = "", remembered: str | None = None) -> tuple[list, list]:
    """The inputs and states of the navigation's callback as the renderer sends them once the page at
    `pathname` has arrived and been painted (Dash Pages' store of its title, passed on after the paint)."""
    page = [{"id": "app-painted", "property": "data", "value": {"title": "Credit scoring"}}]
    state = [
        {"id": "_pages_location", "property": "pathname", "value": pathname},
        {"id": "_pages_location", "property": "search", "value": search},
        {"id": "app-client", "property": "data", "value": remembered},
    ]
    return page, state


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
