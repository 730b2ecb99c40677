"""The fast path of GET /clients/{id}/score answers exactly as the FastAPI route, and only plain requests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.fast_path import StoredScoreFastPath
from api.main import create_app
from api.spool import SpoolError
from scoring.db.tables import audit_log
from scoring.serving.prediction_log import client_hash, open_log, read_predictions, read_requests
from scoring.serving.service import ScoringService
from tests.api.conftest import API, make_settings, wait_for_explanations

KEY = "fast-key"


@pytest.fixture
def answered(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """One entry per request the fast path saw: whether it answered it."""
    seen: list[bool] = []
    original = StoredScoreFastPath._answer

    def spy(self: StoredScoreFastPath, scope: dict) -> bytes | None:
        body = original(self, scope)
        seen.append(body is not None)
        return body

    monkeypatch.setattr(StoredScoreFastPath, "_answer", spy)
    return seen


@pytest.fixture
def keyed(demo_home: Path, tmp_path: Path, answered: list[bool]) -> Iterator[TestClient]:
    settings = make_settings(demo_home, tmp_path / "log.db", api_key=KEY)
    with TestClient(create_app(settings), headers={"X-API-Key": KEY}) as client:
        wait_for_explanations(client)
        answered.clear()
        yield client


def test_fast_and_routed_answers_are_identical(keyed: TestClient, answered: list[bool]) -> None:
    service: ScoringService = keyed.app.state.scoring.service
    for row in (0, len(service.store) - 1):
        path = f"{API}/clients/{int(service.store.ids[row])}/score"
        for fast, routed in (("", "?contributions=1"), ("?contributions=false", "?contributions=no")):
            a, b = keyed.get(path + fast), keyed.get(path + routed)
            assert (a.status_code, a.content) == (b.status_code, b.content) == (200, a.content)
            assert a.headers["content-type"] == b.headers["content-type"] == "application/json"
            assert a.headers["content-length"] == b.headers["content-length"]
    assert answered == [True, False] * 4


def test_fast_answers_are_logged_like_routed_ones(keyed: TestClient, answered: list[bool]) -> None:
    service: ScoringService = keyed.app.state.scoring.service
    path = f"{API}/clients/{int(service.store.ids[3])}/score"
    keyed.get(path)
    keyed.get(path + "?contributions=True")
    keyed.app.state.log_writer.flush()
    assert answered == [True, False]
    engine = open_log(keyed.app.state.settings.database_url)
    columns = ["kind", "model_version", "client_hash", "probability", "decision", "threshold"]
    logged = read_predictions(engine, with_features=True)
    assert logged.height == 2
    assert logged.select(columns).row(0) == logged.select(columns).row(1)
    assert logged.drop(["created_at", "latency_ms", *columns]).n_unique() == 1
    routes = read_requests(engine)["route"].to_list()
    assert routes == [f"{API}/clients/{{client_id}}/score"] * 2


def test_fast_answers_are_audited_like_routed_ones(keyed: TestClient, answered: list[bool]) -> None:
    service: ScoringService = keyed.app.state.scoring.service
    client_id = int(service.store.ids[5])
    for query, request_id in (("", "fast-audit"), ("?contributions=True", "routed-audit")):
        keyed.get(f"{API}/clients/{client_id}/score{query}", headers={"X-Request-ID": request_id})
    assert answered == [True, False]
    assert keyed.app.state.audit_writer.flush()
    with keyed.app.state.scoring.engine.connect() as conn:
        rows = conn.execute(select(audit_log.c.request_id, audit_log.c.action, audit_log.c.client_hash)).all()
    audited = {request_id: (action, hashed) for request_id, action, hashed in rows}
    fast, routed = audited["fast-audit"], audited["routed-audit"]
    assert fast == routed and fast[1] == client_hash(client_id, keyed.app.state.scoring.salt)


@pytest.mark.parametrize(
    ("path", "headers", "status"),
    [
        ("/clients/1/score", {}, 404),  # unknown client
        ("/clients/0{id}/score", {}, 422),  # leading zero: the route refuses it (one way to write an ID)
        ("/clients/99999999999/score", {}, 422),  # beyond MAX_ID
        ("/clients/{id}/score?contributions=maybe", {}, 422),
        ("/clients/{id}/score?contributions=true&x=1", {}, 422),  # unknown query parameter
        ("/clients/{id}/score", {"X-API-Key": "wrong"}, 401),
    ],
)
def test_anything_else_goes_to_the_route(
    keyed: TestClient, answered: list[bool], path: str, headers: dict, status: int
) -> None:
    service: ScoringService = keyed.app.state.scoring.service
    client_id = int(service.store.ids[0])
    response = keyed.get(API + path.replace("{id}", str(client_id)), headers=headers)
    assert response.status_code == status
    assert answered == [False]


def test_fast_answers_carry_the_headers_of_routed_ones(keyed: TestClient, answered: list[bool]) -> None:
    service: ScoringService = keyed.app.state.scoring.service
    path = f"{API}/clients/{int(service.store.ids[2])}/score"
    fast, routed = keyed.get(path), keyed.get(path + "?contributions=1")
    assert answered == [True, False]
    assert set(fast.headers) == set(routed.headers)
    for name in ("x-content-type-options", "referrer-policy", "x-frame-options", "content-security-policy"):
        assert fast.headers[name] == routed.headers[name]
    ids = {fast.headers["x-request-id"], routed.headers["x-request-id"]}
    assert len(ids) == 2 and all(len(i) == 32 and int(i, 16) >= 0 for i in ids)
    assert keyed.get(path, headers={"X-Request-ID": "mine-1"}).headers["x-request-id"] == "mine-1"


def test_a_fast_answer_is_audited_on_disk_before_it_leaves(keyed: TestClient, answered: list[bool]) -> None:
    service: ScoringService = keyed.app.state.scoring.service
    writer = keyed.app.state.audit_writer
    notes: list[bytes] = []
    original = writer.note

    def watched(note: dict) -> None:
        original(note)
        notes.append(b"".join(p.read_bytes() for p in writer.spool.directory.glob("*.jsonl")))

    writer.note = watched
    answer = keyed.get(f"{API}/clients/{int(service.store.ids[1])}/score", headers={"X-Request-ID": "fast-1"})
    assert answer.status_code == 200 and answered == [True]
    assert len(notes) == 1 and b'"request_id":"fast-1"' in notes[0] and b'"status":200' in notes[0]


def test_a_fast_answer_is_withheld_when_its_audit_row_cannot_be_kept(
    keyed: TestClient, answered: list[bool]
) -> None:
    def full_disk(note: dict) -> None:
        raise SpoolError("audit spool not writable: [Errno 28] No space left on device")

    keyed.app.state.audit_writer.note = full_disk
    client_id = int(keyed.app.state.scoring.service.store.ids[4])
    refused = keyed.get(f"{API}/clients/{client_id}/score")
    assert answered == [True]
    assert refused.status_code == 503 and "audit trail cannot be written" in refused.json()["detail"]
    assert refused.headers["x-content-type-options"] == "nosniff" and refused.headers["x-request-id"]
    assert str(client_id) not in refused.text


def test_the_openapi_document_is_built_before_the_first_request(demo_home: Path, tmp_path: Path) -> None:
    """The declared query parameters and allowed methods come from it: no worker's first request with a query
    string, preflight or 405 builds it (about 0.7 s of CPU)."""
    settings = make_settings(demo_home, tmp_path / "log.db", precompute_explanations=False)
    with TestClient(create_app(settings)) as client:
        assert client.app.openapi_schema is not None
        assert client.get(f"{API}/health?x=1").status_code == 422  # read from the document built at start
