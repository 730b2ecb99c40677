"""The vintage curves and the calibration watch through the API: analysts (and admins) only, each client once
with the score the decision rested on, the response models of the Operations page."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from scoring.monitoring.labels import load_labels
from tests.api.conftest import API, make_settings, signed_in

SCORED = 30
ROUTES = (f"{API}/monitoring/vintages", f"{API}/monitoring/calibration")

pytestmark = pytest.mark.usefixtures("fast_hashes")


@pytest.fixture
def app_client(demo_home: Path, tmp_path: Path) -> Iterator[TestClient]:
    settings = make_settings(demo_home, tmp_path / "db.sqlite", user_cache_seconds=0, log_retention_days=0)
    with TestClient(create_app(settings), client=("127.0.0.1", 50000)) as client:
        yield client


@pytest.fixture
def people(app_client: TestClient) -> dict[str, dict[str, str]]:
    accounts = {"olivia": "officer", "anna": "analyst", "root": "admin"}
    headers = signed_in(app_client, accounts)
    return {role: headers[name] for name, role in accounts.items()}


def _labelled(app_client: TestClient, headers: dict[str, str], tmp_path: Path) -> list[int]:
    """Score SCORED stored clients (the first twice), then load an outcome for each (every third defaults)."""
    service = app_client.app.state.scoring.service
    ids = [int(i) for i in service.store.ids[:SCORED]]
    for client_id in [ids[0], *ids]:
        assert app_client.get(f"{API}/clients/{client_id}/score", headers=headers).status_code == 200
    csv = tmp_path / "labels.csv"
    csv.write_text(
        "SK_ID_CURR,TARGET,DATE_KNOWN\n"
        + "".join(f"{i},{int(k % 3 == 0)},2099-01-01\n" for k, i in enumerate(ids))
    )
    state = app_client.app.state.scoring
    state.writer.flush()
    load_labels(csv, state.engine, state.salt, now=datetime(2100, 1, 1, tzinfo=UTC))
    return ids


def test_routes_are_for_analysts_and_admins(app_client: TestClient, people: dict) -> None:
    for route in ROUTES:
        assert app_client.get(route).status_code == 401
        assert app_client.get(route, headers=people["officer"]).status_code == 403
        for role in ("analyst", "admin"):
            assert app_client.get(route, headers=people[role]).status_code == 200
    empty = app_client.get(ROUTES[0], headers=people["analyst"]).json()
    assert empty["rows"] == [] and empty["labelled"] == 0
    calm = app_client.get(ROUTES[1], headers=people["analyst"]).json()
    assert calm["window"] is None and calm["flagged"] is False and calm["recalibration"] is None


def test_vintages_and_calibration_count_each_labelled_client_once(
    app_client: TestClient, people: dict, tmp_path: Path
) -> None:
    headers = people["analyst"]
    _labelled(app_client, headers, tmp_path)
    body = app_client.get(ROUTES[0], headers=headers).json()
    assert body["labelled"] == SCORED and sum(r["n"] for r in body["rows"]) == SCORED
    assert sum(r["defaults"] for r in body["rows"]) == len(range(0, SCORED, 3))
    assert body["confidence"] == 0.95 and set(body["grades"]) == {r["grade"] for r in body["rows"]}
    assert all(r["ci_low"] <= r["default_rate"] <= r["ci_high"] for r in body["rows"])
    watch = app_client.get(ROUTES[1], headers=headers).json()
    assert watch["labelled"] == SCORED and watch["window"]["n"] == SCORED
    assert not watch["window"]["judged"]  # 30 clients: too few to judge (min_clients 200), never flagged
    assert watch["flagged"] is False and watch["min_clients"] == 200
    bad = app_client.get(ROUTES[0], params={"since": "soon"}, headers=headers)
    assert bad.status_code == 422
