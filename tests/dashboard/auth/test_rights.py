"""The guard of pages and callbacks without a browser: roles, rights of every page and callback (called
directly on /_dash-update-component), CSRF, the navigation of each role."""

from __future__ import annotations

import json
import re

import dash
import flask_login

from dashboard.auth import roles
from dashboard.auth.guard import CSRF_COOKIE
from dashboard.auth.users import SignedInUser
from dashboard.i18n import ENGLISH
from scoring.vocabulary import Role
from tests.dashboard.auth.fake_api import (
    FakeApi,
    account,
    arrived,
    callback,
    csrf,
    frame,
    part,
    sign_in,
    user_box,
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


def test_every_page_has_rights(app: dash.Dash) -> None:
    assert len(dash.page_registry) > 10  # the app's pages are registered (whatever ran before this test)
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
    assert fake.sessions[denied.headers["Authorization"].removeprefix("Bearer ")] == "anna"
    assert "X-Scoring-User" not in denied.headers


def test_officer_records_a_decision_through_the_callback(app: dash.Dash, fake: FakeApi) -> None:
    client = app.server.test_client()
    token = sign_in(client, "olivia")
    response = callback(client, token)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "Decision recorded (an override)" in response.get_data(as_text=True)
    [sent] = fake.sent("/clients/100002/decisions")
    assert fake.sessions[sent.headers["Authorization"].removeprefix("Bearer ")] == "olivia"
    assert sent.headers["X-Scoring-Client-Address"] == "127.0.0.1"


def test_navigation_shows_the_user_and_the_pages_of_the_role(app: dash.Dash, fake: FakeApi) -> None:
    client = app.server.test_client()
    assert user_box(client) == "[]"  # nobody signed in: the frame names nobody
    token = sign_in(client, "olivia")
    box = user_box(client)
    assert "olivia" in box and '"Credit officer"' in box and token in box and "/logout" in box
    drawn = part(frame(client), "app-nav")  # the links of the role from the first paint
    assert "What-if" in drawn and "Model" not in drawn and "Users" not in drawn
    nav = next(key for key in app.callback_map if "app-nav.children" in key)
    links = callback(client, token, nav, *arrived("/"))
    text = json.dumps(links.get_json())
    assert "What-if" in text and "Model" not in text and "Users" not in text


def test_navigation_keeps_the_client_in_view(app: dash.Dash, fake: FakeApi) -> None:
    """Every link carries the client: the client pages in their path, the others in the query, so that a page
    loaded afresh (a new tab, a reload) still knows it and What-if opens on it."""
    client = app.server.test_client()
    token = sign_in(client, "root")
    nav = next(key for key in app.callback_map if "app-nav.children" in key)

    def links(pathname: str, search: str, remembered: str | None) -> tuple[dict[str, bool], str | None]:
        answer = callback(client, token, nav, *arrived(pathname, search, remembered)).get_json()["response"]
        items = answer["app-nav"]["children"]
        hrefs = {
            i["props"]["children"]["props"]["href"]: i["props"]["children"]["props"]["active"] for i in items
        }
        return hrefs, answer["app-client"]["data"]

    hrefs, kept = links("/client/100002", "", None)
    assert kept == "100002" and hrefs["/client/100002"] is True
    assert hrefs["/what-if/100002"] is False and hrefs["/model?client=100002"] is False
    assert hrefs["/new-application?client=100002"] is False and "/users?client=100002" in hrefs
    hrefs, kept = links("/model", "?client=100002", None)  # the Model page loaded afresh: no memory
    assert kept == "100002" and hrefs["/what-if/100002"] is False and hrefs["/model?client=100002"] is True
    hrefs, kept = links("/drift", "?client=abc", "7")  # not an ID: the one remembered
    assert kept == "7" and hrefs["/drift?client=7"] is True
    hrefs, kept = links("/what-if", "", None)
    assert kept is None and hrefs["/what-if"] is True and hrefs["/"] is False


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


def test_a_refusal_is_a_page_of_the_dashboard(app: dash.Dash, fake: FakeApi) -> None:
    """Styled as the app, with the navigation of the user's role and the way to sign out."""
    client = app.server.test_client()
    token = sign_in(client, "anna")
    for path in ("/users", "/letters/100002?lang=en&format=pdf"):
        response = client.get(path)
        page = response.get_data(as_text=True)
        assert response.status_code == 403 and ">Not allowed</h1>" in page
        assert '<link rel="stylesheet" href="/vendor/bootstrap.min.css">' in page
        assert '<link rel="stylesheet" href="/assets/style.css">' in page
        links = re.findall(r'<a class="nav-link" href="([^"]+)">', page)
        pages = ["/", "/similar", "/what-if", "/new-application", "/model", "/drift", "/operations"]
        assert links == [*pages, "/strategy"]
        assert "anna (Risk analyst)" in page and f'name="csrf_token" value="{token}"' in page


def test_letter_links_only_for_the_roles_that_issue_letters(app: dash.Dash, fake: FakeApi) -> None:
    from dashboard.components.recourse import letter_links

    assert [r for r in sorted(roles.ROLES) if roles.can_issue_letters(r)] == ["admin", "officer", "senior"]
    for name, shown in (("olivia", True), ("anna", False), ("root", True)):
        with app.server.test_request_context("/client/100002"):
            flask_login.login_user(SignedInUser.of(account(name)))
            assert (letter_links(100002, ENGLISH) is not None) is shown, name
    with app.server.test_request_context("/client/100002"):
        app.server.config["SCORING_AUTH"] = False  # sign-in off: the route is open, so are the links
        try:
            assert letter_links(100002, ENGLISH) is not None
        finally:
            app.server.config["SCORING_AUTH"] = True


def test_the_letter_block_follows_the_officers_latest_decision(app: dash.Dash, fake: FakeApi) -> None:
    from dashboard.components.officer import letter_state

    referred = {"client_id": 100002, "decision": "refer"}
    refused = {"decision": "refuse", "status": "final", "created_at": "2026-12-07T10:15:00Z"}
    with app.server.test_request_context("/client/100002"):
        flask_login.login_user(SignedInUser.of(account("olivia")))
        block = str(letter_state(referred, [refused], ENGLISH))
        assert "/letters/" in block and "100002" in block and "client-officer-letter" in block
        assert "who decided on Dec 7, 2026, 10:15 UTC: Credit refused." in block  # not "the letter follows"
        assert letter_state(referred, [], ENGLISH) is None  # no decision yet: as laid out
        passed_on = {"decision": "refer", "status": "final", "created_at": refused["created_at"]}
        assert letter_state(referred, [passed_on], ENGLISH) is None  # passed to a senior: no letter yet
        awaiting = {"decision": "accept", "status": "awaiting-approval", "created_at": refused["created_at"]}
        rejected = awaiting | {"status": "rejected"}
        model_refused = {"client_id": 100002, "decision": "refuse"}
        for model in (referred, model_refused):  # the API refuses these letters: no links to them
            waiting = str(letter_state(model, [awaiting], ENGLISH))
            assert "awaits a senior's approval" in waiting and "/letters/" not in waiting
            assert "/letters/" not in str(letter_state(model, [rejected], ENGLISH))
        overridden = {"decision": "accept", "status": "final", "created_at": refused["created_at"]}
        block = str(letter_state(model_refused, [overridden], ENGLISH))
        assert "Decided by an officer on Dec 7, 2026, 10:15 UTC: Credit granted." in block
        assert "/letters/" in block and "client-letter-pdf-en" in block
        terms = {
            "amount": 662_000,
            "term_months": 36,
            "annual_rate": 0.071,
            "apr": 0.0787,
            "instalment": 20_480,
        }
        countered = overridden | {"decision": "accept-counter-offer", "offer": terms}
        block = str(letter_state(model_refused, [countered], ENGLISH))
        assert "Credit granted: €662,000 over 36 months" in block
        assert "€20,480 a month. The letter states this decision." in block  # one full stop
        approved = str(letter_state(model_refused, [overridden | {"reviewed_by": "sam"}], ENGLISH))
        assert "Credit granted. The letter states this decision. Approved by sam." in approved


def test_admin_reaches_the_users_page(app: dash.Dash, fake: FakeApi) -> None:
    client = app.server.test_client()
    sign_in(client, "root")
    assert client.get("/users").status_code == 200
    client = app.server.test_client()
    sign_in(client, "anna")
    assert client.get("/users").status_code == 403
    assert client.get("/model").status_code == 200
