"""The guard of pages and callbacks without a browser: roles, rights of every page and callback (called
directly on /_dash-update-component), CSRF, the navigation of each role."""

from __future__ import annotations

import json

import dash

from dashboard.auth import roles
from dashboard.auth.guard import CSRF_COOKIE
from scoring.vocabulary import Role
from tests.dashboard.auth.fake_api import (
    FakeApi,
    callback,
    csrf,
    sign_in,
)


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
