"""The Audit page without a browser, its API faked: for administrators only (page, callbacks, export route),
the filters sent to the API, a page of rows in words, paging, the chain's check told in words in both
languages, the CSV export served through the dashboard."""

from __future__ import annotations

import json
from collections.abc import Iterator
from types import ModuleType
from urllib.parse import parse_qs

import dash
import httpx
import pytest

from dashboard.api_client import EXTENSION, ApiClient
from dashboard.auth import request_headers
from dashboard.i18n import ENGLISH, translator
from scoring.vocabulary import AuditAction
from tests.dashboard.auth.fake_api import FakeApi, arrived, callback, sign_in
from tests.support.checked_api import CheckedTransport

HASH = "ab12cd34ef" + "0" * 54
INTACT = {
    "ok": True,
    "rows": 1234,
    "first_id": 1,
    "last_id": 1234,
    "head_hash": "f" * 64,
    "problem": None,
    "problem_kind": None,
    "problem_row": None,
    "anchors": 3,
    "last_anchored": 1230,
    "anchor_problem": None,
}


ROUTE = "/api/v1/clients/{client_id}/score"


def audit_row(number: int) -> dict:
    return {
        "id": number,
        "created_at": "2026-11-27T04:52:13Z",
        "actor": "olivia",
        "actor_id": 2,
        "role": "officer",
        "action": "score",
        "client_hash": HASH,
        "target": None,
        "detail": {
            "method": "GET",
            "route": "/api/v1/clients/{client_id}/score",
            "status": 200,
            "note": "n-1",
        },
        "source": "192.0.2.10",
        "request_id": "r-1",
    }


class AuditApi(FakeApi):
    """The fake API with the audit routes: 120 rows (numbers 1-120), pages of `limit` before `before`."""

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/api/v1")
        if path == "/audit":
            self.calls.append(request)
            query = request.url.params
            before = int(query.get("before", 121))
            numbers = list(range(before - 1, 0, -1))[: int(query["limit"])]
            more = numbers[-1] > 1 if numbers else False
            rows = [audit_row(n) for n in numbers]
            return httpx.Response(200, json={"rows": rows, "next_before": numbers[-1] if more else None})
        if path == "/audit/verify":
            self.calls.append(request)
            return httpx.Response(200, json=INTACT)
        if path == "/audit/export":
            self.calls.append(request)
            headers = {"Content-Disposition": 'attachment; filename="audit-20261127T045213Z.csv"'}
            return httpx.Response(200, text="id,action\r\n7,score\r\n", headers=headers)
        return super().__call__(request)


@pytest.fixture
def fake(app: dash.Dash) -> Iterator[AuditApi]:
    original = app.server.extensions[EXTENSION]
    fake = AuditApi()
    app.server.extensions[EXTENSION] = ApiClient(
        "http://api.test", transport=CheckedTransport(fake), context=request_headers
    )
    yield fake
    app.server.extensions[EXTENSION] = original


@pytest.fixture
def audit(app: dash.Dash) -> ModuleType:
    """The page's module (importable once the app exists: it registers a page)."""
    from dashboard.pages import audit

    return audit


def output_key(app: dash.Dash, part: str) -> str:
    return next(key for key in app.callback_map if part in key)


def show(client: object, token: str, app: dash.Dash, trigger: str, cursor: dict, **form: str) -> dict:
    """The rows callback as the renderer calls it after a click on `trigger` (show, older or newer)."""
    inputs = [
        {"id": f"audit-{name}", "property": "n_clicks", "value": 1 if name == trigger else None}
        for name in ("show", "older", "newer")
    ]
    state = [
        {"id": f"audit-{name}", "property": "value", "value": form.get(name)}
        for name in ("from", "to", "action", "user")
    ]
    state.append({"id": "audit-cursor", "property": "data", "value": cursor})
    body = {
        "output": output_key(app, "audit-table.children"),
        "outputs": [
            {"id": f"audit-{name}", "property": prop}
            for name, prop in (
                ("table", "children"),
                ("cursor", "data"),
                ("newer", "disabled"),
                ("older", "disabled"),
                ("page", "children"),
                ("export", "href"),
            )
        ],
        "inputs": inputs,
        "state": state,
        "changedPropIds": [f"audit-{trigger}.n_clicks"],
    }
    answer = client.post("/_dash-update-component", json=body, headers={"X-CSRFToken": token})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_json()["response"]


def test_the_actions_shown_are_the_librarys(audit: ModuleType) -> None:
    # every action of the library in words; an action it dropped keeps its words for the rows that hold it
    assert {a.value for a in AuditAction} <= set(audit.ACTIONS)
    assert audit.action_label("score", translator("fr")) == "Score d'un client"
    assert audit.action_label("newer-action", translator("fr")) == "newer-action"


def test_filters_become_the_apis_with_the_end_day_included(audit: ModuleType) -> None:
    query = audit.query_of("2026-11-01", "2026-11-30", "sign-in", "  olivia ")
    assert query == {"since": "2026-11-01", "until": "2026-12-01", "action": "sign-in", "user": "olivia"}
    assert audit.query_of(None, "", "", "  ") == {}
    with pytest.raises(ValueError, match="until"):
        audit.query_of(None, "30/11/2026", None, None)
    with pytest.raises(ValueError, match="until"):  # its next day, the API's bound, is no date
        audit.query_of(None, "9999-12-31", None, None)
    assert audit.export_href(query) == (
        "/audit-export?since=2026-11-01&until=2026-12-01&action=sign-in&user=olivia"
    )


def test_the_chains_check_in_words(audit: ModuleType) -> None:
    fr = translator("fr")
    intact = audit.verification_text(INTACT, fr)
    assert intact.color == "success"
    assert intact.children == (
        "Le journal d'audit est intact : 1\u202f234 lignes vérifiées (lignes 1 à 1234). "
        "3 ancres signées de sa fin concordent (la plus récente désigne la ligne 1230)."
    )
    unanchored = audit.verification_text({**INTACT, "anchors": 0, "last_anchored": None}, ENGLISH)
    assert "No signed anchor of its end yet" in unanchored.children
    deleted = {**INTACT, "ok": False, "problem_kind": "deleted", "problem_row": 57, "problem": "rows 57-60 …"}
    told = audit.verification_text(deleted, fr)
    assert told.color == "danger"
    assert told.children == (
        "Le journal d'audit a été altéré : des lignes ont été supprimées, à partir de la ligne 57."
    )
    edited = audit.verification_text({**deleted, "problem_kind": "edited", "problem_row": 12}, ENGLISH)
    assert edited.children == "The audit trail was tampered with: row 12 was edited."
    cut = {**INTACT, "ok": False, "anchor_problem": "row 1234 missing: the chain ends at row 1233"}
    assert "(row 1234 missing: the chain ends at row 1233)" in audit.verification_text(cut).children


def test_a_page_of_rows_in_words_without_the_client_id(audit: ModuleType) -> None:
    table = audit.audit_table([audit_row(7)], translator("fr"))
    cells = [td.children for td in table.children[2].children[0].children]
    assert cells[:5] == ["7", "27 nov. 2026, 04:52", "Score d'un client", "olivia", "192.0.2.10"]
    assert cells[5].children == "ab12cd34ef…" and cells[5].title == HASH
    assert cells[6].children == "GET /clients/{client_id}/score \u2192 200"  # the note id left out
    long = audit.detail_summary("v1", {"provider": "x" * 200})
    assert len(long.children) == audit.DETAIL_SHOWN and long.children.endswith("…")
    assert long.title == "v1; identity provider: " + "x" * 200  # the whole line on hover
    empty = audit.audit_table([], ENGLISH)
    assert empty.children == "No audit row matches these filters."


def test_rows_are_asked_with_the_filters_and_paged(app: dash.Dash, fake: AuditApi, audit: ModuleType) -> None:
    client = app.server.test_client()
    token = sign_in(client, "root")
    first = show(client, token, app, "show", None, action="score", user="olivia", to="2026-11-30")
    (sent,) = fake.sent("/audit")
    assert parse_qs(sent.url.query.decode()) == {
        "until": ["2026-12-01"],
        "action": ["score"],
        "user": ["olivia"],
        "limit": [str(audit.PAGE_ROWS)],
    }
    assert sent.headers["Authorization"].startswith("Bearer ")  # the administrator's session
    assert first["audit-newer"]["disabled"] is True and first["audit-older"]["disabled"] is False
    assert first["audit-page"]["children"] == "Page 1"
    assert first["audit-export"]["href"] == "/audit-export?until=2026-12-01&action=score&user=olivia"
    cursor = first["audit-cursor"]["data"]
    assert cursor["next"] == 71  # rows 120-71 shown
    second = show(client, token, app, "older", cursor, action="score", user="olivia", to="2026-11-30")
    assert parse_qs(fake.sent("/audit")[-1].url.query.decode())["before"] == ["71"]
    assert second["audit-newer"]["disabled"] is False and second["audit-page"]["children"] == "Page 2"
    third = show(client, token, app, "older", second["audit-cursor"]["data"], action="sign-in")
    assert parse_qs(fake.sent("/audit")[-1].url.query.decode())["action"] == ["score"]  # the filters shown
    assert third["audit-older"]["disabled"] is True  # rows 20-1: the oldest
    back = show(client, token, app, "newer", third["audit-cursor"]["data"])
    assert parse_qs(fake.sent("/audit")[-1].url.query.decode())["before"] == ["71"]
    assert back["audit-page"]["children"] == "Page 2"
    wrong = show(client, token, app, "show", None, **{"from": "yesterday"})
    assert "From (UTC): not a date." in json.dumps(wrong["audit-table"])
    assert len(fake.sent("/audit")) == 4  # a wrong date is not sent


def test_verify_button_tells_the_result(app: dash.Dash, fake: AuditApi) -> None:
    client = app.server.test_client()
    token = sign_in(client, "root")
    output = output_key(app, "audit-verify-result.children")
    inputs = [{"id": "audit-verify", "property": "n_clicks", "value": 1}]
    answer = callback(client, token, output, inputs, [])
    assert answer.status_code == 200
    assert "The audit trail is intact: 1,234 rows checked" in json.dumps(answer.get_json())


def test_the_export_is_served_through_the_dashboard(app: dash.Dash, fake: AuditApi) -> None:
    client = app.server.test_client()
    sign_in(client, "root")
    response = client.get("/audit-export?since=2026-11-01&action=score&user=olivia&other=x")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="audit-20261127T045213Z.csv"'
    assert response.get_data(as_text=True) == "id,action\r\n7,score\r\n"
    (sent,) = fake.sent("/audit/export")
    assert parse_qs(sent.url.query.decode()) == {
        "since": ["2026-11-01"],
        "action": ["score"],
        "user": ["olivia"],
        "format": ["csv"],
    }
    assert "X-API-Key" not in response.headers and "api.test" not in response.get_data(as_text=True)


@pytest.mark.parametrize("name", ["olivia", "anna"])
def test_only_administrators_reach_the_page_its_callbacks_and_export(
    app: dash.Dash, fake: AuditApi, name: str
) -> None:
    client = app.server.test_client()
    token = sign_in(client, name)
    assert client.get("/audit").status_code == 403
    assert client.get("/audit-export").status_code == 403
    verify = output_key(app, "audit-verify-result.children")
    inputs = [{"id": "audit-verify", "property": "n_clicks", "value": 1}]
    assert callback(client, token, verify, inputs, []).status_code == 403
    assert fake.sent("/audit") == fake.sent("/audit/verify") == fake.sent("/audit/export") == []
    admin = app.server.test_client()
    sign_in(admin, "root")
    assert admin.get("/audit").status_code == 200


def test_the_audit_link_is_an_administrators(app: dash.Dash, fake: AuditApi) -> None:
    nav = output_key(app, "app-nav.children")
    for name, shown in (("root", True), ("anna", False)):
        client = app.server.test_client()
        token = sign_in(client, name)
        items = callback(client, token, nav, *arrived("/audit")).get_json()["response"]["app-nav"]["children"]
        links = {i["props"]["children"]["props"]["href"]: i["props"]["children"]["props"] for i in items}
        assert ("/audit" in links) is shown, name
        if shown:
            assert links["/audit"]["active"] is True and links["/audit"]["children"] == "Audit"
