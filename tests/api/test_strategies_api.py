"""Decision strategies through the API: a simulation that matches the CLI's for the same file, a file refused
with its line, and the four-eyes flow (an analyst proposes, another administrator approves; the proposer
never), audited with both names; officers refused everywhere."""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from api.main import create_app
from scoring.cli import app as cli
from scoring.db.audit import Actor
from scoring.db.tables import audit_log
from tests.api.conftest import API, make_settings, signed_in

CLI = Actor("cli:test", source="cli")
DEMO = resources.files("scoring.strategy").joinpath("examples/demo.yaml").read_text("utf-8")
LOOSER = (
    DEMO.replace("name: demo", "name: demo-looser")
    .replace("accept_below: 0.055", "accept_below: 0.07")
    .replace("refuse_from: 0.08", "refuse_from: 0.1")
)
UNSAFE = DEMO.replace("AMT_INCOME_TOTAL < 40000", "os.system('rm') < 40000").replace("APP_AGE_YEARS", "AGE")


def line_of(text: str, fragment: str) -> int:
    """The 1-based line of `fragment` in `text`."""
    return text[: text.index(fragment)].count("\n") + 1


ROUTES = [
    ("GET", "/strategies", None),
    ("GET", "/strategies/active", None),
    ("POST", "/strategies/simulate", {"yaml": DEMO}),
    ("POST", "/strategies", {"yaml": DEMO}),
    ("POST", "/strategies/1/approve", None),
    ("POST", "/strategies/1/reject", None),
]

pytestmark = pytest.mark.usefixtures("fast_hashes")


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "db.sqlite"


@pytest.fixture
def app_client(demo_home: Path, database: Path) -> Iterator[TestClient]:
    settings = make_settings(demo_home, database, precompute_explanations=False)
    with TestClient(create_app(settings)) as client:
        yield client


def engine_of(client: TestClient) -> Engine:
    return client.app.state.scoring.engine


@pytest.fixture
def people(app_client: TestClient) -> dict[str, dict[str, str]]:
    """Session headers of an officer, an analyst and two administrators."""
    accounts = {"officer": "olivia", "analyst": "anna", "admin": "root", "admin2": "ada"}
    headers = signed_in(app_client, {name: key.rstrip("2") for key, name in accounts.items()})
    return {key: headers[name] for key, name in accounts.items()}


def simulated(client: TestClient, headers: dict, text: str) -> dict:
    answer = client.post(f"{API}/strategies/simulate", json={"yaml": text}, headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_simulate_adds_up_and_gives_the_cli_s_figures(
    app_client: TestClient,
    people: dict,
    demo_home: Path,
    database: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    result = simulated(app_client, people["analyst"], DEMO)
    assert result["approval_rate"] + result["refer_rate"] + result["refusal_rate"] == pytest.approx(1.0)
    assert sum(result["counts"].values()) == result["n"] > 0
    monkeypatch.setenv("SCORING_HOME", str(demo_home))
    monkeypatch.setenv("SCORING_DATABASE_URL", f"sqlite:///{database}")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    file = tmp_path / "demo.yaml"
    file.write_text(DEMO)
    printed = CliRunner().invoke(cli, ["strategy", "simulate", str(file), "--json"])
    assert printed.exit_code == 0, printed.output
    chart = result.pop("chart")
    assert result == json.loads(printed.output)
    current, proposed = chart["curves"]
    assert (current["role"], proposed["role"]) == ("current", "simulated")
    assert current["label"] == result["current"]["strategy"]
    assert proposed["point"]["approval_rate"] <= result["approval_rate"] + 1e-12
    assert len(proposed["approval_rate"]) == len(proposed["bad_rate"]) > 2
    again = simulated(app_client, people["admin"], DEMO)  # the population is read once
    assert again["approval_rate"] == result["approval_rate"]


def test_a_file_with_an_unsafe_name_is_a_422_naming_the_line(app_client: TestClient, people: dict) -> None:
    for path in ("/strategies/simulate", "/strategies"):
        answer = app_client.post(f"{API}{path}", json={"yaml": UNSAFE}, headers=people["analyst"])
        assert answer.status_code == 422
        first, second = answer.json()["detail"]
        assert first["field"] == second["field"] == "yaml"
        unsafe, unknown = line_of(UNSAFE, "os.system"), line_of(UNSAFE, "AGE +")
        expected = f"line {unsafe}: rules[1].when: attribute access is not allowed: os."
        assert first["message"].startswith(expected)
        assert second["message"].startswith(f"line {unknown}: rules[2].when: unknown name AGE")
        assert "Traceback" not in answer.text
    assert app_client.get(f"{API}/strategies", headers=people["analyst"]).json() == []


def actions(client: TestClient) -> list[tuple[str, str, str, dict]]:
    with engine_of(client).connect() as conn:
        rows = conn.execute(
            select(audit_log.c.action, audit_log.c.actor, audit_log.c.target, audit_log.c.detail)
            .where(audit_log.c.action.like("strategy-%"))
            .order_by(audit_log.c.id)
        ).all()
    return [(a, actor, target, json.loads(detail)) for a, actor, target, detail in rows]


def test_propose_then_four_eyes_approve(app_client: TestClient, people: dict) -> None:
    proposed = app_client.post(f"{API}/strategies", json={"yaml": DEMO}, headers=people["admin"])
    assert proposed.status_code == 201, proposed.text
    assert proposed.json()["status"] == "proposed" and proposed.json()["active"] is False
    listed = app_client.get(f"{API}/strategies", headers=people["analyst"]).json()
    assert [(s["version"], s["status"], s["proposed_by"]) for s in listed] == [(1, "proposed", "root")]
    none = app_client.get(f"{API}/strategies/active", headers=people["analyst"]).json()
    assert none == {"active": None, "example": DEMO}
    own = app_client.post(f"{API}/strategies/1/approve", headers=people["admin"])
    assert own.status_code == 403 and "four eyes" in own.json()["detail"]
    analyst = app_client.post(f"{API}/strategies/1/approve", headers=people["analyst"])
    assert analyst.status_code == 403
    approved = app_client.post(f"{API}/strategies/1/approve", headers=people["admin2"])
    assert approved.status_code == 200, approved.text
    body = approved.json()
    assert (body["status"], body["active"], body["approved_by"]) == ("active", True, "ada")
    active = app_client.get(f"{API}/strategies/active", headers=people["analyst"]).json()["active"]
    assert (active["version"], active["yaml"]) == (1, DEMO)
    assert actions(app_client) == [
        ("strategy-proposed", "root", "v1", {"author": "root", "name": "demo", "sha256": body["sha256"]}),
        (
            "strategy-activated",
            "ada",
            "v1",
            {"author": "root", "name": "demo", "proposed_by": "root", "sha256": body["sha256"]},
        ),
    ]
    again = app_client.post(f"{API}/strategies", json={"yaml": DEMO}, headers=people["analyst"])
    assert again.status_code == 409 and "already the active one" in again.json()["detail"]
    against = simulated(app_client, people["analyst"], LOOSER)
    assert against["current"]["strategy"] == "demo (version 1, active)"
    assert against["swap_in"]["count"] > 0 and against["swap_out"]["count"] == 0


def test_a_rejected_proposal_stays_stored_and_cannot_be_approved(
    app_client: TestClient, people: dict
) -> None:
    app_client.post(f"{API}/strategies", json={"yaml": LOOSER}, headers=people["analyst"])
    rejected = app_client.post(
        f"{API}/strategies/1/reject", json={"reason": "too loose"}, headers=people["admin"]
    )
    assert rejected.status_code == 200, rejected.text
    assert (rejected.json()["status"], rejected.json()["rejected_by"]) == ("rejected", "root")
    late = app_client.post(f"{API}/strategies/1/approve", headers=people["admin2"])
    assert late.status_code == 409 and "is rejected" in late.json()["detail"]
    assert app_client.post(f"{API}/strategies/9/approve", headers=people["admin"]).status_code == 404
    assert actions(app_client)[-1][:3] == ("strategy-rejected", "root", "v1")
    proposed_again = app_client.post(f"{API}/strategies", json={"yaml": LOOSER}, headers=people["analyst"])
    assert (proposed_again.json()["version"], proposed_again.json()["status"]) == (1, "proposed")


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
def test_officers_are_refused(
    app_client: TestClient, people: dict, method: str, path: str, body: dict | None
) -> None:
    answer = app_client.request(method, f"{API}{path}", json=body, headers=people["officer"])
    assert answer.status_code == 403
    assert app_client.request(method, f"{API}{path}", json=body).status_code == 401
