"""The audit trail through the API, for administrators only: rows filtered by time, action and user, a page
at a time, newest first, without a client ID in clear; the chain and its anchors checked as the CLI checks
them; an export in the chain's order, itself audited and anchored."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

import scoring.db.audit
import scoring.db.security
from api.main import create_app
from scoring.db.audit import Actor, AuditEvent, record, row_hash
from scoring.db.engine import write_transaction
from scoring.db.export import COLUMNS
from scoring.db.tables import audit_chain, audit_log
from scoring.vocabulary import AuditAction
from tests.api.conftest import API, make_settings, signed_in

CLI = Actor("cli:test", source="cli")
DAYS = {day: datetime(2026, 11, day, 9, 30, tzinfo=UTC) for day in (10, 11, 12)}
SEED = "cli:seed"  # the seeded rows' actor, apart from the sign-ins of the tests' users


pytestmark = pytest.mark.usefixtures("fast_hashes")  # light argon2id (tests/conftest.py)


@pytest.fixture
def app_client(demo_home: Path, tmp_path: Path) -> Iterator[TestClient]:
    settings = make_settings(demo_home, tmp_path / "db.sqlite", precompute_explanations=False)
    with TestClient(create_app(settings)) as client:
        yield client


def engine_of(client: TestClient) -> Engine:
    return client.app.state.scoring.engine


@pytest.fixture
def people(app_client: TestClient) -> dict[str, dict[str, str]]:
    accounts = {"officer": "olivia", "analyst": "anna", "admin": "root"}
    headers = signed_in(app_client, {name: role for role, name in accounts.items()})
    return {role: headers[name] for role, name in accounts.items()}


@pytest.fixture
def seeded(app_client: TestClient) -> dict[int, list[int]]:
    """Two rows a day on three days (a sign-in of user 42 and a promotion by the seed's CLI user); their
    row numbers by day."""
    rows: dict[int, list[int]] = {}
    for day, moment in DAYS.items():
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(scoring.db.audit, "utc_now", lambda moment=moment: moment)
            rows[day] = record(
                engine_of(app_client),
                AuditEvent(AuditAction.SIGN_IN, Actor("olga", 42, "officer", "192.0.2.7")),
                AuditEvent(AuditAction.MODEL_PROMOTED, Actor(SEED, source="cli"), target=f"v{day}"),
            )
    return rows


def page(client: TestClient, headers: dict, **query: object) -> dict:
    answer = client.get(f"{API}/audit", params=query, headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_rows_are_filtered_by_time_action_and_user(
    app_client: TestClient, people: dict, seeded: dict[int, list[int]]
) -> None:
    admin = people["admin"]
    promoted = page(app_client, admin, action="model-promoted")["rows"]
    assert [r["target"] for r in promoted] == ["v12", "v11", "v10"]  # newest first
    assert [r["id"] for r in page(app_client, admin, user=SEED)["rows"]] == [r["id"] for r in promoted]
    by_id = page(app_client, admin, user="42")["rows"]
    assert [r["id"] for r in by_id] == [seeded[12][0], seeded[11][0], seeded[10][0]]
    assert by_id[0]["actor"] == "olga" and by_id[0]["actor_id"] == 42 and by_id[0]["source"] == "192.0.2.7"
    eleventh = page(app_client, admin, since="2026-11-11", until="2026-11-12")["rows"]
    assert sorted(r["id"] for r in eleventh) == seeded[11]
    both = page(app_client, admin, since="2026-11-11T00:00:00+01:00", action="sign-in", user="olga")["rows"]
    assert [r["id"] for r in both] == [seeded[12][0], seeded[11][0]]
    assert page(app_client, admin, user="nobody")["rows"] == []


def test_pages_follow_each_other_without_a_gap(
    app_client: TestClient, people: dict, seeded: dict[int, list[int]]
) -> None:
    seen, before = [], None
    while True:
        query = {"limit": 4, "user": SEED} | ({"before": before} if before else {})
        answer = page(app_client, people["admin"], **query)
        assert len(answer["rows"]) <= 4
        seen += [r["id"] for r in answer["rows"]]
        before = answer["next_before"]
        if before is None:
            break
    assert seen == [seeded[12][1], seeded[11][1], seeded[10][1]]
    full = page(app_client, people["admin"], limit=2, user=SEED)
    assert len(full["rows"]) == 2 and full["next_before"] == seeded[11][1]
    last = page(app_client, people["admin"], limit=3, user=SEED)
    assert last["next_before"] is None  # exactly the rows there are: no empty page after them


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"limit": 501}, "limit"),
        ({"action": "delete-everything"}, "action"),
        ({"since": "1700000000"}, "since"),
    ],
)
def test_bad_filters_are_refused_naming_the_field(
    app_client: TestClient, people: dict, query: dict, field: str
) -> None:
    answer = app_client.get(f"{API}/audit", params=query, headers=people["admin"])
    assert answer.status_code == 422 and answer.json()["detail"][0]["field"] == field


def test_rows_never_show_a_client_id(app_client: TestClient, people: dict) -> None:
    client_id = int(app_client.app.state.scoring.service.store.ids[0])
    assert app_client.get(f"{API}/clients/{client_id}/score").status_code == 200
    app_client.app.state.audit_writer.flush()
    answer = app_client.get(f"{API}/audit", params={"action": "score"}, headers=people["admin"])
    (row,) = answer.json()["rows"]
    assert len(row["client_hash"]) == 64 and str(client_id) not in answer.text


@pytest.mark.parametrize("path", ["", "/verify", "/export"])
def test_only_administrators_see_the_trail(app_client: TestClient, people: dict, path: str) -> None:
    for role in ("officer", "analyst"):
        refused = app_client.get(f"{API}/audit{path}", headers=people[role])
        assert refused.status_code == 403, (role, refused.text)
    assert app_client.get(f"{API}/audit{path}").status_code == 401
    assert app_client.get(f"{API}/audit{path}", headers=people["admin"]).status_code == 200


def test_verify_tells_an_intact_chain_an_edited_row_and_rows_cut_at_the_end(
    app_client: TestClient, people: dict, seeded: dict[int, list[int]]
) -> None:
    admin, engine = people["admin"], engine_of(app_client)
    intact = app_client.get(f"{API}/audit/verify", headers=admin).json()
    assert intact["ok"] is True and intact["problem"] is None and intact["anchor_problem"] is None
    assert intact["rows"] == intact["last_id"] >= 6
    assert app_client.get(f"{API}/audit/export", headers=admin).status_code == 200  # anchors the head
    anchored = app_client.get(f"{API}/audit/verify", headers=admin).json()
    assert anchored["ok"] is True and anchored["anchors"] >= 1
    assert anchored["last_anchored"] == anchored["last_id"]
    with write_transaction(engine) as conn:  # the newest row deleted and the head moved back, consistently
        head = conn.execute(select(audit_chain)).mappings().one()
        last = head["last_id"]
        previous = conn.execute(select(audit_log.c.row_hash).where(audit_log.c.id == last - 1)).scalar_one()
        conn.execute(audit_log.delete().where(audit_log.c.id == last))
        conn.execute(audit_chain.update().values(last_id=last - 1, last_hash=previous))
    cut = app_client.get(f"{API}/audit/verify", headers=admin).json()
    assert cut["ok"] is False and cut["problem"] is None  # the chain alone holds...
    assert f"row {last} missing" in cut["anchor_problem"]  # ...its anchor does not
    with engine.begin() as conn:
        conn.execute(audit_log.update().where(audit_log.c.id == seeded[11][0]).values(actor="someone else"))
    edited = app_client.get(f"{API}/audit/verify", headers=admin).json()
    assert edited["ok"] is False and edited["problem_kind"] == "edited"
    assert edited["problem_row"] == seeded[11][0]


def test_export_streams_the_filtered_rows_in_chain_order_and_is_audited(
    app_client: TestClient, people: dict, seeded: dict[int, list[int]]
) -> None:
    admin = people["admin"]
    answer = app_client.get(
        f"{API}/audit/export", params={"since": "2026-11-11", "user": SEED}, headers=admin
    )
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert answer.headers["content-disposition"].startswith('attachment; filename="audit-')
    table = list(csv.DictReader(io.StringIO(answer.text)))
    assert list(table[0]) == COLUMNS
    assert [int(r["id"]) for r in table] == [seeded[11][1], seeded[12][1]]  # oldest first
    for row in table:  # every column as stored: the hashes can be checked outside the database
        stored = {name: value or None for name, value in row.items()}  # CSV writes nothing for null
        assert row_hash(row["prev_hash"], stored) == row["row_hash"]
    everything = app_client.get(f"{API}/audit/export", params={"format": "jsonl"}, headers=admin)
    assert everything.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in everything.text.splitlines()]
    assert [line["id"] for line in lines] == [str(n) for n in range(1, len(lines) + 1)]
    exported = lines[-1]  # the export's own row closes it
    assert exported["action"] == "audit-exported" and exported["actor"] == "root"
    assert json.loads(exported["detail"]) == {"format": "jsonl"}
    first = page(app_client, admin, action="audit-exported")["rows"][-1]
    assert first["detail"] == {"format": "csv", "since": "2026-11-11T00:00:00.000000Z", "user": SEED}
    anchors = app_client.app.state.settings.anchor_file().read_text().splitlines()
    assert json.loads(anchors[-1])["reason"] == "export"
    assert json.loads(anchors[-1])["last_id"] == int(exported["id"])
