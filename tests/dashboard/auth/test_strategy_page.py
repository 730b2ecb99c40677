"""The Strategy page without a browser, its API faked (every answer checked by the API's response models):
for analysts and administrators only; a simulation shown as rates, rules, swap set and chart; a refused file
shown with each problem's line, never a stack trace; the review offered only to an administrator who did
not propose the version."""

from __future__ import annotations

import json
from collections.abc import Iterator

import dash
import httpx
import pytest

from dashboard.api_client import EXTENSION
from tests.dashboard.auth.conftest import faked
from tests.dashboard.auth.fake_api import FakeApi, callback, sign_in

DEMO = "name: demo\ncutoffs: {accept_below: 0.07, refuse_from: 0.12}\n"
PROBLEMS = [
    "line 14: rules[1].when: attribute access is not allowed: os. (at character 1)",
    "line 17: rules[2].when: unknown name AGE: not a column of the application nor a feature",
]
GROUP = {"count": 1734, "expected_bad_rate": 0.0643, "observed_bad_rate": 0.0588, "outcomes_known": 1734}
NONE = {"count": 0, "expected_bad_rate": None, "observed_bad_rate": None, "outcomes_known": 0}


def curve(role: str, label: str, cutoff: float, approval: float, bad: float) -> dict:
    return {
        "role": role,
        "label": label,
        "accept_below": cutoff,
        "approval_rate": [0.0, 0.5, approval, 1.0],
        "bad_rate": [None, 0.01, bad, 0.0776],
        "point": {"approval_rate": approval, "bad_rate": bad},
    }


SIMULATION = {
    "strategy": "demo",
    "sha256": "1" * 64,
    "population": "out-of-fold clients of bundle 20261206T082317Z-19dcac5d",
    "bundle_version": "20261206T082317Z-19dcac5d",
    "n": 30000,
    "approval_rate": 0.691,
    "refer_rate": 0.1213,
    "refusal_rate": 0.1877,
    "counts": {"accept": 20730, "refer": 3639, "refuse": 5631},
    "expected_bad_rate": 0.0266,
    "observed_bad_rate": 0.0261,
    "outcomes_known": 20729,
    "expected_loss": 151124092.0,
    "expected_loss_per_accepted": 7290.1,
    "accepted_without_amount": 0,
    "lgd": 0.45,
    "profit": 240944523.0,
    "profit_per_1000": 8031484.0,
    "realised_profit_per_1000": 8239519.0,
    "above_price_cap": 945,
    "scores_per_day": None,
    "refer_per_day": None,
    "traffic_days": 7,
    "rules": [
        {
            "code": "BUREAU_CURRENT_OVERDUE",
            "title": "Payment currently overdue",
            "action": "refuse",
            "when": "BUREAU_ACTIVE_CREDIT_DAY_OVERDUE_MAX > 0",
            "fires": 490,
            "fire_rate": 0.0163,
            "changes": 483,
        }
    ],
    "current": {
        "strategy": "the bundle's threshold 0.0830 (no active strategy)",
        "name": None,
        "version": None,
        "threshold": 0.083,
        "approval_rate": 0.7488,
        "refer_rate": 0.0,
        "refusal_rate": 0.2512,
        "expected_bad_rate": 0.0295,
        "observed_bad_rate": 0.0286,
        "expected_loss": 163456789.0,
        "profit": 228765432.0,
    },
    "swap_in": NONE,
    "swap_out": GROUP,
    "transitions": {
        "accept": {"accept": 20730, "refer": 1000, "refuse": 734},
        "refer": {"accept": 0, "refer": 0, "refuse": 0},
        "refuse": {"accept": 0, "refer": 2639, "refuse": 4897},
    },
    "chart": {
        "bad_rate": "observed",
        "population": "out-of-fold clients of bundle 20261206T082317Z-19dcac5d",
        "curves": [
            curve("current", "the bundle's threshold 0.0830 (no active strategy)", 0.083, 0.7488, 0.0286),
            curve("simulated", "demo", 0.07, 0.691, 0.0261),
        ],
    },
}


def version(number: int, proposer: str, status: str = "proposed") -> dict:
    return {
        "version": number,
        "name": "demo",
        "sha256": "1" * 64,
        "author": proposer,
        "created_at": "2026-12-06T08:29:00Z",
        "proposed_by": proposer,
        "proposed_at": "2026-12-06T08:29:00Z",
        "approved_by": None,
        "approved_at": None,
        "active": status == "active",
        "activated_at": None,
        "status": status,
        "rejected_by": None,
        "rejected_at": None,
        "yaml": DEMO,
    }


class StrategyApi(FakeApi):
    """The fake API with the strategy routes: one version proposed by anna; a file with `os.` refused."""

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/api/v1")
        if not path.startswith("/strategies"):
            return super().__call__(request)
        self.calls.append(request)
        if path == "/strategies" and request.method == "GET":
            return httpx.Response(200, json=[version(1, "anna")])
        if path == "/strategies/active":
            return httpx.Response(200, json={"active": None, "example": DEMO})
        sent = json.loads(request.content or b"{}")
        if "os." in sent.get("yaml", ""):
            detail = [{"field": "yaml", "message": p, "type": "value_error"} for p in PROBLEMS]
            return httpx.Response(422, json={"detail": detail})
        if path == "/strategies/simulate":
            return httpx.Response(200, json=SIMULATION)
        if path == "/strategies":
            return httpx.Response(201, json=version(2, "anna"))
        return httpx.Response(200, json=version(int(path.split("/")[2]), "anna", "active"))


@pytest.fixture
def fake(app: dash.Dash) -> Iterator[StrategyApi]:
    fake = StrategyApi()
    original = faked(app, fake)
    yield fake
    app.server.extensions[EXTENSION] = original


def output_key(app: dash.Dash, part: str) -> str:
    return next(key for key in app.callback_map if part in key)


def simulate(app: dash.Dash, client: object, token: str, text: str) -> object:
    clicked = [{"id": "strategy-simulate", "property": "n_clicks", "value": 1}]
    editor = [{"id": "strategy-editor", "property": "value", "value": text}]
    return callback(client, token, output_key(app, "strategy-results.children"), clicked, editor)


def test_the_page_is_the_analysts_and_administrators(app: dash.Dash, fake: StrategyApi) -> None:
    client = app.server.test_client()
    sign_in(client, "olivia")
    assert client.get("/strategy").status_code == 403
    for name in ("anna", "root"):
        client = app.server.test_client()
        token = sign_in(client, name)
        assert client.get("/strategy").status_code == 200
        router = [
            {"id": "_pages_location", "property": "pathname", "value": "/strategy"},
            {"id": "_pages_location", "property": "search", "value": ""},
        ]
        page = callback(client, token, output_key(app, "_pages_content.children"), router, [])
        text = page.get_data(as_text=True)
        assert page.status_code == 200 and "strategy-editor" in text and "Decision strategy" in text


def test_an_officer_cannot_simulate(app: dash.Dash, fake: StrategyApi) -> None:
    client = app.server.test_client()
    token = sign_in(client, "olivia")
    assert simulate(app, client, token, DEMO).status_code == 403
    assert fake.sent("/strategies/simulate") == []


def test_a_simulation_shows_the_rates_rules_swap_set_and_chart(app: dash.Dash, fake: StrategyApi) -> None:
    client = app.server.test_client()
    token = sign_in(client, "anna")
    answer = simulate(app, client, token, DEMO)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    (sent,) = fake.sent("/strategies/simulate")
    assert json.loads(sent.content) == {"yaml": DEMO}
    shown = json.dumps(answer.get_json()["response"])
    amounts = ("151,124,092", "163,456,789", "240,944,523", "228,765,432")  # simulated and in force
    money = [f"\\u20ac{amount}" for amount in amounts]  # json.dumps escapes the euro sign
    for text in ("Approval rate", "69.10%", "74.88%", "12.13%", "2.61%", *money, "no traffic"):
        assert text in shown, text
    assert "Payment currently overdue" in shown and "1,734" in shown and "5.88%" in shown
    assert "In force: the model's threshold 8.30%" in shown and "Simulated: demo" in shown
    assert "demo on 30,000 applications (the out-of-fold clients of model 20261206T082317Z-19dcac5d)" in shown
    assert '"id": "strategy-chart"' in shown and "accept below 7.0%" in shown
    assert "Decisions, in force against simulated" in shown and "2,639" in shown  # refuse -> refer moves


def test_a_refused_file_is_shown_with_its_line(app: dash.Dash, fake: StrategyApi) -> None:
    client = app.server.test_client()
    token = sign_in(client, "anna")
    answer = simulate(app, client, token, "name: x\nwhen: os.system('ls')\n")
    shown = json.dumps(answer.get_json()["response"])
    assert answer.status_code == 200
    assert "The strategy file was refused:" in shown and all(p in shown for p in PROBLEMS)
    assert "Traceback" not in shown and "strategy-chart" not in shown


def test_the_review_is_for_an_administrator_who_did_not_propose(app: dash.Dash, fake: StrategyApi) -> None:
    from dashboard.components.strategy_tables import can_review

    key = output_key(app, "strategy-versions.children")
    changed = [{"id": "strategy-changed", "property": "data", "value": None}]
    seen = {}
    for name in ("anna", "root"):
        client = app.server.test_client()
        token = sign_in(client, name)
        answer = callback(client, token, key, changed, []).get_json()["response"]
        seen[name] = (answer["strategy-review"]["hidden"], answer["strategy-review-version"]["options"])
        assert "waiting for approval" in json.dumps(answer["strategy-versions"])
    assert seen["anna"] == (True, [])  # her own proposal
    assert seen["root"] == (False, [{"label": "1: demo (anna)", "value": "1"}])
    assert not can_review(version(1, "root"), ("root", "admin"))
    assert not can_review(version(1, "anna", "active"), ("root", "admin"))
    assert not can_review(version(1, "olivia"), ("anna", "analyst"))


def test_the_chart_marks_both_strategies_in_french() -> None:
    from dashboard.figures.strategy import strategy_chart
    from dashboard.i18n import translator
    from dashboard.strategy_text import in_force_name, population_text

    fr = translator("fr")
    figure = strategy_chart(SIMULATION["chart"], in_force_name(SIMULATION["current"], fr), fr)
    names = [trace.name for trace in figure.data]
    assert names[0] == "En vigueur : le seuil du modèle 8,30\u202f%" and names[2] == "Simulée : demo"
    active = {**SIMULATION["current"], "name": "demo", "version": 2}
    assert in_force_name(active, fr) == "demo (version 2)"
    told = population_text(SIMULATION, fr)
    assert told == "les clients hors échantillon du modèle 20261206T082317Z-19dcac5d"
    assert (
        population_text({"population": "data/new.parquet", "bundle_version": None}, fr) == "data/new.parquet"
    )
    assert names[3] == "Simulée : demo (acceptation sous 7,0\u202f%)"
    assert [trace.mode for trace in figure.data] == ["lines", "markers"] * 2
    assert figure.data[3].x == (0.691,) and figure.data[3].y == (0.0261,)
    assert figure.layout.xaxis.title.text == "taux d’acceptation"
    assert figure.layout.yaxis.title.text == "taux de défaut observé des acceptés"
