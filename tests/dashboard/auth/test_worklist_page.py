"""The Worklist page without a browser, its API faked (every answer checked by the API's response models):
for officers, seniors and administrators (not analysts); the queue oldest first with age, risk, amount, the
rule or band and who has taken it; "Take"; the approvals for seniors only; the client page's "awaiting
approval"; the Operations page's queue size and time to decision."""

from __future__ import annotations

import json
from collections.abc import Iterator

import dash
import httpx
import pytest

from api.schemas.access import DecisionOut, OversightOut
from dashboard.api_client import EXTENSION
from dashboard.auth.guard import CSRF_HEADER
from dashboard.i18n import ENGLISH, translator
from tests.dashboard.auth.conftest import faked
from tests.dashboard.auth.fake_api import FakeApi, callback, outputs_of, recorded, sign_in
from tests.support.payloads import checked

NOTE = "Payslips of the last three months show a higher income."


TITLES = {"AGE_AT_TERM_END": "Term ends past the policy age limit"}


def case(client_id: int, hours: float, rules: list[str] | None, band: bool | None, taken: str | None) -> dict:
    return {
        "client_id": client_id,
        "referred_at": "2026-12-06T08:00:00Z",
        "age_hours": hours,
        "probability": 0.0931,
        "model_version": "20261206T082317Z-19dcac5d",
        "amount": 781920.0,
        "rules": rules,
        "rule_titles": None if rules is None else [TITLES[r] for r in rules],
        "band": band,
        "taken_by": taken,
        "taken_at": "2026-12-06T09:00:00Z" if taken else None,
        "decision_id": None,
        "decision_status": None,
        "decision": None,
        "decided_by": None,
    }


def awaiting(status: str = "awaiting-approval") -> dict:
    sent = {"decision": "accept", "reason_category": "verified-income", "justification": NOTE}
    return {**recorded("olivia", sent), "status": status, "client_id": 100002, "amount": 781920.0}


def worklist(role: str) -> dict:
    return {
        "cases": [case(100002, 50.0, ["AGE_AT_TERM_END"], None, "olivia"), case(100003, 3.5, [], True, None)],
        "awaiting_approval": [awaiting()],
        "can_review": role in ("senior", "admin"),
        "limits": {"pd_limit": 0.12, "amount_limit": 1000000.0, "approvers": ["admin", "senior"]},
    }


class WorklistApi(FakeApi):
    """The fake API with the worklist and approval routes: client 100002 is held by olivia."""

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/api/v1")
        if not path.startswith(("/worklist", "/decisions/")):
            return super().__call__(request)
        self.calls.append(request)
        name = self._session(request)
        role = {"olivia": "officer", "sam": "senior", "root": "admin"}.get(name or "", "analyst")
        if path == "/worklist":
            return httpx.Response(200, json=worklist(role))
        if path.endswith("/take"):
            client_id = int(path.split("/")[2])
            if client_id == 100002 and name != "olivia" and request.url.params.get("take_over") != "true":
                detail = (
                    "the case is taken by olivia since 2026-12-06T09:00:00+00:00: a senior may take it over"
                )
                return httpx.Response(409, json={"detail": detail})
            taken = {"client_id": client_id, "taken_by": name, "taken_at": "2026-12-06T10:00:00Z"}
            return httpx.Response(200, json={**taken, "taken_over_from": None})
        verb = path.rsplit("/", 1)[1]
        reviewed = {**awaiting("final" if verb == "approve" else "rejected"), "reviewed_by": name}
        reviewed = {k: v for k, v in reviewed.items() if k not in ("client_id", "amount")}
        return httpx.Response(
            200, json={**reviewed, "reviewed_at": "2026-12-06T11:00:00Z", "review_note": NOTE}
        )


@pytest.fixture
def fake(app: dash.Dash) -> Iterator[WorklistApi]:
    fake = WorklistApi()
    original = faked(app, fake)
    yield fake
    app.server.extensions[EXTENSION] = original


def output_key(app: dash.Dash, part: str) -> str:
    return next(key for key in app.callback_map if part in key)


def shown(app: dash.Dash, client: object, token: str) -> dict:
    clicked = [
        {"id": "worklist-refresh", "property": "n_clicks", "value": 1},
        {"id": "worklist-changed", "property": "data", "value": None},
    ]
    answer = callback(client, token, output_key(app, "worklist-cases.children"), clicked, [])
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_json()["response"]


def test_the_page_is_the_officers_seniors_and_administrators(app: dash.Dash, fake: WorklistApi) -> None:
    client = app.server.test_client()
    sign_in(client, "anna")
    assert client.get("/worklist").status_code == 403
    for name in ("olivia", "sam", "root"):
        client = app.server.test_client()
        token = sign_in(client, name)
        assert client.get("/worklist").status_code == 200
        router = [
            {"id": "_pages_location", "property": "pathname", "value": "/worklist"},
            {"id": "_pages_location", "property": "search", "value": ""},
        ]
        page = callback(client, token, output_key(app, "_pages_content.children"), router, [])
        assert page.status_code == 200 and "worklist-cases" in page.get_data(as_text=True)


def test_the_queue_oldest_first_with_its_columns(app: dash.Dash, fake: WorklistApi) -> None:
    client = app.server.test_client()
    response = shown(app, client, sign_in(client, "olivia"))
    table = json.dumps(response["worklist-cases"]["children"])
    assert table.index("100002") < table.index("100003")
    for text in (
        "2 days",
        "3 h",
        "9.3%",
        "781,920",
        "Term ends past the policy age limit",
        "refer band",
        "olivia, Dec 6, 2026, 09:00 UTC",
    ):
        assert text in table, text
    assert [o["value"] for o in response["worklist-case"]["options"]] == ["100002", "100003"]
    assert response["worklist-review"]["hidden"] is True  # an officer does not review
    senior = app.server.test_client()
    response = shown(app, senior, sign_in(senior, "sam"))
    assert response["worklist-review"]["hidden"] is False
    listed = json.dumps(response["worklist-awaiting"]["children"])
    assert "Grants above the authority limits" in listed and "12.0%" in listed and "1,000,000" in listed
    assert [o["value"] for o in response["worklist-review-decision"]["options"]] == ["7"]


def take(app: dash.Dash, client: object, token: str, client_id: str, take_over: bool = False) -> str:
    inputs = [{"id": "worklist-take", "property": "n_clicks", "value": 1}]
    state = [
        {"id": "worklist-case", "property": "value", "value": client_id},
        {"id": "worklist-take-over", "property": "value", "value": take_over},
    ]
    answer = callback(client, token, output_key(app, "worklist-take-result.children"), inputs, state)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return json.dumps(answer.get_json()["response"])


def test_take_assigns_or_names_the_holder(app: dash.Dash, fake: WorklistApi) -> None:
    client = app.server.test_client()
    token = sign_in(client, "root")
    assert "Client 100003 is yours" in take(app, client, token, "100003") and "/client/100003" in take(
        app, client, token, "100003"
    )
    assert "taken by olivia" in take(app, client, token, "100002")
    assert "is yours" in take(app, client, token, "100002", take_over=True)
    (sent, *_) = [r for r in fake.calls if r.url.params.get("take_over") == "true"]
    assert sent.url.path == "/api/v1/worklist/100002/take"


def review(app: dash.Dash, client: object, token: str, button: str) -> object:
    """Press Approve or Reject (the button pressed is the one Dash's renderer names as changed)."""
    output = output_key(app, "worklist-review-result.children")
    body = {
        "output": output,
        "outputs": outputs_of(output),
        "inputs": [
            {"id": "worklist-approve", "property": "n_clicks", "value": 1 if button == "approve" else None},
            {"id": "worklist-reject", "property": "n_clicks", "value": 1 if button == "reject" else None},
        ],
        "state": [
            {"id": "worklist-review-decision", "property": "value", "value": "7"},
            {"id": "worklist-review-note", "property": "value", "value": NOTE},
            {"id": "worklist-awaiting-clients", "property": "data", "value": {"7": 100002}},
        ],
        "changedPropIds": [f"worklist-{button}.n_clicks"],
    }
    return client.post("/_dash-update-component", json=body, headers={CSRF_HEADER: token})


def test_only_seniors_and_administrators_review(app: dash.Dash, fake: WorklistApi) -> None:
    officer = app.server.test_client()
    assert review(app, officer, sign_in(officer, "olivia"), "approve").status_code == 403
    assert fake.sent("/decisions/7/approve") == []
    senior = app.server.test_client()
    token = sign_in(senior, "sam")
    answer = review(app, senior, token, "approve")
    assert answer.status_code == 200 and "Decision approved" in json.dumps(answer.get_json()["response"])
    assert "/client/100002" in json.dumps(answer.get_json()["response"])  # where the letter now is
    (sent,) = fake.sent("/decisions/7/approve")
    assert json.loads(sent.content) == {"justification": NOTE}
    answer = review(app, senior, token, "reject")
    assert "Decision rejected" in json.dumps(answer.get_json()["response"])
    assert len(fake.sent("/decisions/7/reject")) == 1


def test_the_client_page_says_awaiting_approval() -> None:
    from dashboard.components import officer

    pending = checked(DecisionOut, {k: v for k, v in awaiting().items() if k not in ("client_id", "amount")})
    history = json.dumps(
        [c.to_plotly_json() for c in officer.history_table([pending], {}, ENGLISH)], default=str
    )
    assert "awaiting approval by a senior: no letter until it is approved" in history
    final = checked(DecisionOut, {**pending, "status": "final"})
    assert "awaiting" not in json.dumps(
        officer.history_table([final], {}, ENGLISH).to_plotly_json(), default=str
    )
    approved = checked(DecisionOut, {**final, "reviewed_by": "sam", "review_note": NOTE})
    shown = json.dumps(officer.history_table([approved], {}, ENGLISH).to_plotly_json(), default=str)
    assert f"approved by sam: {NOTE}" in shown  # the second person's review is in the history
    replaced = json.dumps(officer.history_table([final, pending], {}, ENGLISH).to_plotly_json(), default=str)
    assert (
        "replaced by a later decision" in replaced and "awaiting approval" not in replaced
    )  # never reviewed


def test_operations_shows_the_queue_and_the_time_to_decision() -> None:
    from dashboard.components import oversight

    metrics = {
        "queue_size": 2,
        "taken": 1,
        "awaiting_approval": 1,
        "oldest_hours": 50.0,
        "decided": 4,
        "time_to_decision_median_hours": 3.5,
        "time_to_decision_p90_hours": 30.25,
    }
    summary = checked(
        OversightOut,
        {
            "decisions": 0,
            "overrides": 0,
            "override_rate": None,
            "per_officer_month": [],
            "outcomes": None,
            "worklist": metrics,
        },
    )
    words = json.dumps([c.to_plotly_json() for c in oversight.view(summary)], default=str)
    assert (
        "2 referred applications waiting (1 taken, 1 awaiting approval; the oldest waiting for 2.1 d)"
        in words
    )
    assert "(4 referrals decided): median 3.5 h, 90th percentile 30.2 h" in words
    french = json.dumps(
        [c.to_plotly_json() for c in oversight.view(summary, translator("fr"))],
        default=str,
        ensure_ascii=False,
    )
    assert "médiane 3,5 h" in french


def test_a_cases_status_says_where_it_stands() -> None:
    from dashboard.pages import worklist

    fresh = {"decision_status": None}
    assert worklist._status(fresh, ENGLISH) == "waiting for an officer"
    taken = {"decision_status": None, "taken_by": "olivia"}
    assert worklist._status(taken, ENGLISH) == "being decided by olivia"  # not "waiting for an officer"
    assert worklist._status(taken, translator("fr")) == "en cours de décision par olivia"
    to_senior = {"decision_status": "final", "decision": "refer", "decided_by": "olivia"}
    assert worklist._status(to_senior, ENGLISH) == "referred to a senior officer by olivia"
