"""A fake scoring API for the dashboard's sign-in tests, and the requests a browser would send (sign-in form,
Dash callbacks with their CSRF header)."""

from __future__ import annotations

import json

import httpx

from dashboard.auth.guard import CSRF_COOKIE, CSRF_HEADER

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
            user_id = int(path.split("/")[2])  # /users/<id> or /users/<id>/password
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
