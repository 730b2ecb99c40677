"""The app and its pages without a browser: layouts, callbacks against a fake API, page helpers."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import dash
import dash_bootstrap_components as dbc
import httpx
import plotly
import pytest
from dash import html, no_update

from dashboard.app import client_in_path
from dashboard.i18n import ENGLISH
from dashboard.settings import DashboardSettings
from tests.support.components import components, texts
from tests.support.payloads import FACTS, FIELDS, OFFER, RECOURSE, SCORE


def client_body(path: str) -> dict:
    """The fake API's answer to the client page's calls: score, recourse, offer, else the client's facts."""
    answers = {"/score": SCORE, "/recourse": RECOURSE, "/offer": OFFER}
    return next((body for end, body in answers.items() if path.endswith(end)), FACTS)


def test_client_in_path() -> None:
    assert client_in_path("/client/100002") == "100002"
    assert client_in_path("/what-if/5/") == "5"
    assert client_in_path("/model") is None
    assert client_in_path("/client/abc") is None


def test_app_serves_bootstrap_locally_and_declares_its_language(app: dash.Dash) -> None:
    client = app.server.test_client()
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert 'href="/vendor/bootstrap.min.css"' in page
    assert "https://" not in page.split("<body>")[0]
    assert client.get("/vendor/bootstrap.min.css").get_data(as_text=True) == "body{margin:0}"


def test_every_page_has_one_title_heading(app: dash.Dash) -> None:
    for page in dash.page_registry.values():
        layout = page["layout"]()
        headings = [c for c in components(layout) if isinstance(c, html.H1)]
        assert len(headings) == 1, page["module"]
        assert page["title"] if isinstance(page["title"], str) else page["title"]()


def test_client_page_shows_decision_facts_and_reasons(answer: Callable) -> None:
    from dashboard.pages import client

    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        return httpx.Response(200, json=client_body(path))

    answer(handler)
    content, hidden, message = client.client_view("100002")
    words = texts(html.Div(content))
    assert hidden and message == ""
    assert "Credit refused" in words
    assert "Score: 537 points; applications below 600 points are refused." in words
    assert "Principal reasons for the refusal:" in words
    assert "Instalments on your previous credits were paid late." in words
    assert "(100% of what pushed towards refusal)" in words and "Late payments: 3" in words
    assert "Pay every instalment on time from now on." in words
    assert "Lower the amount to \u20ac80,000 at the same rate and term" in words
    assert "Defaulted" in words
    links = [c.href for c in components(html.Div(content)) if isinstance(c, html.A)]
    assert "/letters/100002?lang=fr&format=pdf" in links and "/letters/100002?lang=en&format=html" in links


@pytest.mark.parametrize(("role", "shown"), [("officer", False), ("senior", False), ("analyst", True)])
def test_who_decides_does_not_see_the_clients_realised_outcome(
    answer: Callable, monkeypatch: pytest.MonkeyPatch, role: str, shown: bool
) -> None:
    from dashboard.auth import users
    from dashboard.pages import client

    answer(_client_api)
    monkeypatch.setattr(users, "role", lambda: role)
    content, _, _ = client.client_view("100002")
    words = texts(html.Div(content))
    assert ("Known outcome" in words) is shown and ("Defaulted" in words) is shown
    assert "Credit refused" in words and "Key facts of the application" in words


def _client_api(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json=client_body(request.url.path))


@pytest.mark.parametrize("language", ["en", "fr"])
def test_client_page_speaks_of_points_never_of_log_odds(
    app: dash.Dash, answer: Callable, language: str
) -> None:
    from dashboard.pages import client

    answer(_client_api)
    with app.server.test_request_context("/", headers={"Cookie": f"lang={language}"}):
        content, _, _ = client.client_view("100002")
    rendered = json.dumps(html.Div(content), cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False).lower()
    assert "late instalments on previous credits" in rendered  # the charts and their captions are in it
    assert "log-odds" not in rendered and "log odds" not in rendered
    if language == "en":
        words = texts(html.Div(content))
        assert "What raises the risk most: Late instalments on previous credits (-69 points)." in words
        assert "Starting from the average client (600 points, a risk of 8.0%)" in words
        assert "Late payments: 3" in words and "\u20ac100,000" in words


def test_officer_form_speaks_only_once_the_officer_acts() -> None:
    from dashboard.components import officer

    words = {
        "decisions": [{"value": "accept", "label": "Accept"}, {"value": "refuse", "label": "Refuse"}],
        "override_reasons": [{"value": "data-error", "label": "Data error"}],
        "min_justification": 20,
    }
    [select] = [
        c
        for c in components(html.Div(officer.form(words)))
        if getattr(c, "id", "") == "client-officer-reason"
    ]
    assert [o["value"] for o in select.options] == ["data-error"]  # no blank option above the reasons
    assert select.placeholder == "Choose a reason (for an override)"
    model = {"client_id": 100002, "decision": "refuse"}
    assert officer.record(None, None, None, None, model) == (no_update, no_update)


def test_what_if_shows_every_score_with_one_precision_of_points() -> None:
    from dashboard.pages import what_if

    before = {
        "probability": 0.0829,
        "decision": "accept",
        "threshold": 0.083,
        "points": 561.25,
        "threshold_points": 561.24,
    }
    after = {**SCORE, "probability": 0.07, "decision": "accept", "points": 580.0, "threshold_points": 561.24}
    offer = {"max_amount": 300000.0, "annuity_at_max": 15000.0, "capped": False}
    view = what_if.result_view(
        before, {"score": after, "changed": ["AMT_CREDIT"], "counter_offer": offer}, ENGLISH
    )
    words = texts(view)
    assert "Score: 561.25 points; applications below 561.24 points are refused." in words
    assert "Score: 580.00 points; applications below 561.24 points are refused." in words
    assert "8.29%, 0.01 percentage points below the refusal threshold of 8.30%" in words
    assert "\u20ac300,000, with an instalment of about \u20ac15,000 a month" in words
    assert "What raises the risk most: Late instalments on previous credits (-21.74 points)." in words


def test_client_page_friendly_messages(answer: Callable) -> None:
    from dashboard.pages import client

    answer(lambda r: httpx.Response(404, json={"detail": "client not found"}))
    content, hidden, _ = client.client_view("5")
    assert hidden and "No client with ID 5" in texts(content)
    content, hidden, _ = client.client_view("12ab")
    assert hidden and "is not a client ID" in texts(content)

    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    answer(down)
    content, hidden, message = client.client_view("5")
    assert content is None and not hidden and "cannot be reached" in message


def test_opening_a_client_brings_its_decision_in_the_page_and_the_offer_after_it(answer: Callable) -> None:
    """One round trip to the decision (the page's layout, Dash Pages' own callback, carries it), asking the
    API for the facts and the score (and a refusal's recourse) only; the offer follows once it is shown."""
    from dashboard.pages import client

    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return httpx.Response(200, json=client_body(request.url.path))

    answer(handler)
    found = {getattr(c, "id", None): c for c in components(client.layout("100002"))}
    assert {"client-heading", "client-risk-graph", "client-waterfall-graph", "client-reasons"} <= set(found)
    assert found["client-error"].hidden and found["client-shown"].data == {"client_id": 100002}
    assert "client-offer" not in found and found["client-offer-slot"].children is None
    assert found["client-drill"].children is None and found["client-drill-code"].value == "LATE_INSTALMENTS"
    client_path = "/api/v1/clients/100002"
    assert sorted(seen) == [client_path, f"{client_path}/recourse", f"{client_path}/score"]
    seen.clear()
    assert client.show_offer({"client_id": 100002}).id == "client-offer"
    assert seen == [f"{client_path}/offer"]


def test_what_follows_the_decision_is_asked_for_once_it_is_painted(app: dash.Dash) -> None:
    """The offer, the drill-down's chart and the officer's form and history wait for `client-painted`, which
    a clientside callback sets from `client-shown` after the decision's frame (a promise resolved after the
    next animation frame): none of them is asked for while the browser draws the decision. The decision
    block's own callback only answers the retry button."""
    dependencies = app.server.test_client().get("/_dash-dependencies").get_json()
    by_output = {output: d for d in dependencies for output in d["output"].strip(".").split("...")}
    painted = by_output["client-painted.data"]
    assert painted["clientside_function"] and [i["id"] for i in painted["inputs"]] == ["client-shown"]
    for output in (
        "client-offer-slot.children",
        "client-drill.children",
        "client-officer-form.children",
        "client-officer-history.children",
    ):
        assert by_output[output]["prevent_initial_call"], output
        assert "client-painted" in [i["id"] for i in by_output[output]["inputs"]], output
    retry = next(d for d in dependencies if d["output"].startswith("..client-content.children"))
    assert retry["prevent_initial_call"] and [i["id"] for i in retry["inputs"]] == ["client-retry"]


def test_the_picker_says_a_client_is_opening_until_its_page_arrives(app: dash.Dash) -> None:
    """The page's layout brings the decision, so the search box's message says the client is opening (in
    the page's language) until the new page, with its own empty message, replaces it."""
    from dashboard.components import picker

    with app.server.test_request_context("/", headers={"Cookie": "lang=fr"}):
        found = {getattr(c, "id", None): c for c in components(picker.picker("client"))}
    message = found["client-search-message"].to_plotly_json()["props"]
    assert message["data-opening"] == "Ouverture du client…" and message["className"] == picker.PROBLEM
    script = picker.OPEN_CLIENT
    assert "dataset.opening" in script and "window.location.pathname !== path" in script


def test_a_client_page_opened_while_the_api_is_down_says_so_with_a_retry(answer: Callable) -> None:
    from dashboard.pages import client

    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    answer(down)
    found = {getattr(c, "id", None): c for c in components(client.layout("5"))}
    assert found["client-error"].hidden is False and "cannot be reached" in texts(found["client-error-text"])
    assert "client-heading" not in found
    answer(lambda r: httpx.Response(200, json=client_body(r.url.path)))
    content, hidden, message = client.retry_client(1, "100002")
    assert hidden and message == "" and "Credit refused" in texts(html.Div(content))


def test_new_application_form_offers_the_levels_the_api_accepts(answer: Callable) -> None:
    from dashboard.pages import new_application

    seen: list[str] = []

    def fields(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return httpx.Response(200, json=FIELDS)

    answer(fields)
    children, hidden, message = new_application.show_form(True, None)
    selects = {c.id: c for c in components(html.Div(children)) if isinstance(c, dbc.Select)}
    assert [o["value"] for o in selects["new-FLAG_OWN_CAR"].options] == ["", "N", "Y"]
    assert "new-CODE_GENDER" not in selects  # the applicant's sex is never asked
    assert hidden and message == ""
    new_application.show_form(True, 1)
    assert seen == ["/api/v1/applications/fields"]  # asked once: the API's schema

    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    answer(down)
    children, hidden, message = new_application.show_form(True, 1)
    assert children is None and not hidden and "cannot be reached" in message


def test_bootstrap_is_optional(tmp_path: Path) -> None:
    settings = DashboardSettings(_env_file=None, bootstrap_css=tmp_path / "absent.css")
    assert settings.bootstrap_path() is None


def test_the_drift_report_error_page_escapes_the_message(app: dash.Dash, answer: Callable) -> None:
    """Even an API that echoed a submitted name could not inject markup into the report frame's page."""
    answer(lambda r: httpx.Response(404, json={"detail": "<img src=x onerror=alert(1)>"}))
    response = app.server.test_client().get("/drift-report/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert response.headers["Content-Security-Policy"].startswith("sandbox allow-scripts;")


def test_every_dashboard_response_carries_the_security_headers(app: dash.Dash) -> None:
    for path in ("/", "/_dash-layout", "/vendor/bootstrap.min.css"):
        response = app.server.test_client().get(path)
        policy = response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'self'" in policy and "http" not in policy and "'sha256-" in policy
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"


def test_api_calls_are_logged_without_client_ids(answer: Callable, caplog: pytest.LogCaptureFixture) -> None:
    from dashboard.api_client import api

    answer(lambda r: httpx.Response(200, json=SCORE))
    with caplog.at_level("INFO"):
        api().client_score(100002)
    assert "GET /api/v1/clients/{id}/score 200" in caplog.text and "100002" not in caplog.text
