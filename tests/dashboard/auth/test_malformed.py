"""Requests a browser would never send (issue 27): the page router's inputs in another order, callback values
of the wrong type, a malformed body, a control character in the sign-in's `next`: refusals (4xx), never a
page the role may not open, never a 500."""

from __future__ import annotations

import json

import dash
import flask_login
import pytest
from werkzeug.exceptions import HTTPException

from dashboard.auth import roles
from dashboard.auth.users import SignedInUser
from dashboard.auth.views import safe_next
from tests.dashboard.auth.fake_api import (
    PASSWORD,
    FakeApi,
    account,
    arrived,
    callback,
    csrf,
    outputs_of,
    sign_in,
)

SEARCH = {"id": "_pages_location", "property": "search", "value": ""}


def _router(app: dash.Dash) -> str:
    return next(key for key in app.callback_map if roles.PAGES_ROUTER in key)


@pytest.mark.parametrize("path", ["/users", "/model", "/operations", "/drift"])
def test_the_router_with_its_inputs_swapped_gives_an_officer_no_analyst_page(
    app: dash.Dash, fake: FakeApi, path: str
) -> None:
    client = app.server.test_client()
    token = sign_in(client, "olivia")
    swapped = [
        {"id": "_pages_location", "property": "search", "value": path},  # where Dash reads the path
        {"id": "_pages_location", "property": "pathname", "value": "/client/100002"},  # what a guard reads
    ]
    response = callback(client, token, _router(app), swapped, [])
    assert response.status_code == 400
    assert "inputs" in response.get_json()["detail"]
    assert "Users" not in response.get_data(as_text=True) and "users-" not in response.get_data(as_text=True)


def test_the_page_layout_checks_the_role_of_the_page_it_renders(app: dash.Dash, fake: FakeApi) -> None:
    """Behind the request check, the layout Dash Pages renders refuses a role its page does not allow."""
    page = next(p for p in dash.page_registry.values() if p["path"] == "/users")
    with app.server.test_request_context("/_dash-update-component", method="POST"):
        flask_login.login_user(SignedInUser.of(account("olivia")))
        with pytest.raises(HTTPException) as refused:
            page["layout"]()
        assert refused.value.response.status_code == 403
        assert refused.value.response.get_json() == {"detail": "Your role does not allow this."}
        flask_login.login_user(SignedInUser.of(account("root")))
        assert page["layout"]() is not None
    [denied] = fake.sent("/auth/denied")
    assert json.loads(denied.content)["resource"] == "/users"


def _inputs_of(app: dash.Dash, output: str, value: object) -> tuple[list, list]:
    entry = app.callback_map[output]
    return tuple(
        [{"id": spec["id"], "property": spec["property"], "value": value} for spec in entry[part]]
        for part in ("inputs", "state")
    )


@pytest.mark.parametrize("value", [5, [1], {"a": 1}, True])
def test_callback_values_of_the_wrong_type_are_400s_never_500s(
    app: dash.Dash, fake: FakeApi, value: object
) -> None:
    client = app.server.test_client()
    token = sign_in(client, "root")
    refused = []
    for output, entry in app.callback_map.items():
        if "callback" not in entry:
            continue
        inputs, state = _inputs_of(app, output, value)
        response = callback(client, token, output, inputs, state)
        assert response.status_code < 500, (output, response.get_data(as_text=True)[:300])
        refused.append(response.status_code == 400)
    assert sum(refused) >= 10  # the string inputs (pathname, search boxes, names) among them


def test_the_navigation_refuses_a_number_for_its_path(app: dash.Dash, fake: FakeApi) -> None:
    client = app.server.test_client()
    token = sign_in(client, "olivia")
    nav = next(key for key in app.callback_map if "app-nav.children" in key)
    response = callback(client, token, nav, *arrived(5))
    assert response.status_code == 400
    assert response.get_json()["detail"] == (
        "This request does not fit the page (state: _pages_location.pathname): reload the page."
    )
    page, state = arrived("/")
    del state[2]["value"]  # a property not set yet: the renderer leaves its value out
    assert callback(client, token, nav, page, state).status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        [1],
        "text",
        {"output": 5},
        {"output": "x.children", "outputs": {"id": "x", "property": "children"}, "inputs": {"a": 1}},
        {"output": "x.children", "outputs": {"id": "x", "property": "children"}, "inputs": [1]},
        {"output": "x.children", "outputs": [3], "inputs": []},
        {"output": "x.children", "outputs": {"id": "x", "property": "children"}, "changedPropIds": [1]},
    ],
)
def test_a_malformed_callback_body_is_a_400(app: dash.Dash, fake: FakeApi, body: object) -> None:
    client = app.server.test_client()
    token = sign_in(client, "root")
    response = client.post("/_dash-update-component", json=body, headers={"X-CSRFToken": token})
    assert response.status_code == 400
    assert "reload the page" in response.get_json()["detail"]


def test_a_callback_body_that_is_not_json_is_a_400(app: dash.Dash, fake: FakeApi) -> None:
    client = app.server.test_client()
    token = sign_in(client, "root")
    response = client.post(
        "/_dash-update-component",
        data="{",
        headers={"X-CSRFToken": token, "Content-Type": "application/json"},
    )
    assert response.status_code == 400


def test_the_real_requests_still_pass(app: dash.Dash, fake: FakeApi) -> None:
    client = app.server.test_client()
    token = sign_in(client, "olivia")
    router = [{"id": "_pages_location", "property": "pathname", "value": "/client/100002"}, SEARCH]
    assert callback(client, token, _router(app), router, []).status_code == 200
    assert callback(client, token).status_code == 200  # the officer's decision, as in test_rights
    output = next(key for key in app.callback_map if key.startswith("..users-add-result"))
    assert outputs_of(output)[0] == {"id": "users-add-result", "property": "children"}


@pytest.mark.parametrize(
    "target",
    ["/client/1\r\nSet-Cookie: x=1", "/%0d%0a", "/\\evil.example", "/a\x00b", "/a\tb", "\r\n/"],
)
def test_a_next_with_control_characters_or_a_backslash_goes_home(
    app: dash.Dash, fake: FakeApi, target: str
) -> None:
    expected = "/%0d%0a" if target == "/%0d%0a" else "/"
    assert safe_next(target) == expected
    client = app.server.test_client()
    token = csrf(client)
    response = client.post(
        "/login", data={"username": "olivia", "password": PASSWORD, "csrf_token": token, "next": target}
    )
    assert response.status_code == 302 and response.headers["Location"] == expected
    response = client.get("/login", query_string={"next": target})  # signed in: straight there
    assert response.status_code == 302 and response.headers["Location"] == expected
    assert "\n" not in json.dumps(dict(response.headers))
