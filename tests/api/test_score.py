"""Posted applications: scores, explanations, batches, counter-offers, and each class of bad input."""

from __future__ import annotations

import json
import math

import polars as pl
import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings
from scoring.data.schema import APPLICATION_TEST, SECONDARY_TABLES, TABLES
from scoring.serving.service import ScoringService
from tests.api.conftest import API, APPLICATION, make_settings

SHARED_APP = True  # the tests only read: one app for the module (tests/api/conftest.py `client`)


def test_score_of_a_posted_application(client: TestClient) -> None:
    body = client.post(f"{API}/score", json=APPLICATION).json()
    assert 0 <= body["probability"] <= 1 and body["client_id"] is None
    explanation = body["explanation"]
    raw = explanation["base_value"] + sum(explanation["contributions"].values())
    assert math.isclose(raw, explanation["raw_score"], abs_tol=1e-6)
    # contributions are raw log-odds; the waterfall's end points carry the calibrated probabilities
    assert explanation["scale"] == "raw log-odds"
    assert math.isclose(explanation["probability"], body["probability"], rel_tol=1e-9)
    assert 0 < explanation["base_probability"] < 1
    assert explanation["raising"] or explanation["lowering"]


def test_identical_input_identical_output(client: TestClient) -> None:
    first = client.post(f"{API}/score", json=APPLICATION).json()
    second = client.post(f"{API}/score", json=dict(reversed(APPLICATION.items()))).json()
    assert first == second


def test_the_applicants_sex_is_accepted_and_never_scored(client: TestClient) -> None:
    """CODE_GENDER is a protected attribute: accepted (the Kaggle schema has it), never a model input."""
    without = {k: v for k, v in APPLICATION.items() if k != "CODE_GENDER"}
    sexes = ({}, {"CODE_GENDER": "F"}, {"CODE_GENDER": "M"})
    bodies = [client.post(f"{API}/score", json={**without, **sex}).json() for sex in sexes]
    assert bodies[0] == bodies[1] == bodies[2]
    assert not [name for name in bodies[0]["explanation"]["contributions"] if "GENDER" in name]
    schema = client.get("/openapi.json").json()["components"]["schemas"]["ScoreRequest"]["properties"]
    assert "never used by the model" in schema["CODE_GENDER"]["description"]


def test_changing_the_application_changes_the_score(client: TestClient) -> None:
    low = client.post(f"{API}/score", json={**APPLICATION, "EXT_SOURCE_2": 0.9, "EXT_SOURCE_3": 0.9}).json()
    high = client.post(
        f"{API}/score", json={**APPLICATION, "EXT_SOURCE_2": 0.02, "EXT_SOURCE_3": 0.02}
    ).json()
    assert high["probability"] > low["probability"]


def _raw_rows(home, client_id: int) -> tuple[dict, dict]:  # noqa: ANN001
    """A stored client's application and history, as a lender would post them (JSON-ready, no nulls)."""
    interim = home / "data" / "interim"
    frame = pl.read_parquet(interim / "application_train.parquet").filter(pl.col("SK_ID_CURR") == client_id)
    row = frame.row(0, named=True)
    if row.pop("DAYS_EMPLOYED_ANOM"):
        row["DAYS_EMPLOYED"] = 365243
    application = {k: v for k, v in row.items() if v is not None and k in APPLICATION_TEST.column_names}
    history = {}
    prev = pl.read_parquet(interim / "previous_application.parquet").filter(pl.col("SK_ID_CURR") == client_id)
    bureaus = pl.read_parquet(interim / "bureau.parquet").filter(pl.col("SK_ID_CURR") == client_id)
    for table in SECONDARY_TABLES:
        frame = pl.read_parquet(interim / f"{table}.parquet")
        if "SK_ID_CURR" in frame.columns:
            frame = frame.filter(pl.col("SK_ID_CURR") == client_id)
        else:  # bureau_balance: the months of the client's bureau credits
            frame = frame.filter(pl.col("SK_ID_BUREAU").is_in(bureaus["SK_ID_BUREAU"].implode()))
        rows = [
            {k: v for k, v in r.items() if v is not None and k in TABLES[table].column_names}
            for r in frame.to_dicts()
        ]
        if rows:
            history[table] = rows
    assert history.get("previous_application") or prev.is_empty()
    return application, history


def test_posted_history_reproduces_the_stored_score(
    client: TestClient,
    service: ScoringService,
    demo_home,
    settings: Settings,  # noqa: ANN001
) -> None:
    prev = pl.read_parquet(demo_home / "data" / "interim" / "previous_application.parquet")
    train_ids = set(service.store.ids[service.store.train_rows].tolist())
    client_id = next(i for i in prev["SK_ID_CURR"].unique().sort().to_list() if i in train_ids)
    application, history = _raw_rows(demo_home, client_id)
    assert history, "the chosen client must have history rows"
    posted = client.post(f"{API}/score", json={**application, "history": history}).json()
    stored = client.get(f"{API}/clients/{client_id}/score").json()
    assert posted["client_id"] == client_id
    assert math.isclose(posted["probability"], stored["probability"], rel_tol=1e-6)
    without = client.post(f"{API}/score", json=application).json()
    assert not math.isclose(without["probability"], stored["probability"], rel_tol=1e-6)


def test_batch_equals_single_scores(client: TestClient) -> None:
    applications = [
        APPLICATION,
        {**APPLICATION, "AMT_CREDIT": 900000.0},
        {**APPLICATION, "EXT_SOURCE_2": 0.1},
    ]
    batch = client.post(f"{API}/score/batch", json={"applications": applications}).json()
    singles = [client.post(f"{API}/score", json=a).json() for a in applications]
    assert [r["probability"] for r in batch["results"]] == [s["probability"] for s in singles]
    assert all(r["explanation"] is None for r in batch["results"])
    explained = client.post(
        f"{API}/score/batch", params={"explain": True}, json={"applications": applications}
    ).json()
    assert all(r["explanation"]["raising"] is not None for r in explained["results"])


def test_batch_limit(client: TestClient) -> None:
    minimal = {
        k: APPLICATION[k] for k in ("NAME_CONTRACT_TYPE", "AMT_INCOME_TOTAL", "AMT_CREDIT", "DAYS_BIRTH")
    }
    response = client.post(f"{API}/score/batch", json={"applications": [minimal] * 1001})
    assert response.status_code == 413
    assert "1001" in response.json()["detail"] and "1000" in response.json()["detail"]
    assert client.post(f"{API}/score/batch", json={"applications": []}).status_code == 422


def test_counter_offer_of_a_posted_application(client: TestClient) -> None:
    body = client.post(f"{API}/score/max-amount", json=APPLICATION).json()
    score = client.post(f"{API}/score", json=APPLICATION).json()
    assert math.isclose(body["current_probability"], score["probability"], rel_tol=1e-6)
    assert body["bound"] in ("risk", "affordability", "product") and body["term_months"] > 0
    if body["max_amount"] is not None:
        changed = {"AMT_CREDIT": body["max_amount"], "AMT_ANNUITY": body["annuity_at_max"]}
        changed["AMT_GOODS_PRICE"] = body["goods_price_at_max"]  # the asked share of the price financed
        at_max = client.post(f"{API}/score", json={**APPLICATION, **changed}).json()
        assert at_max["decision"] == "accept"
        assert math.isclose(at_max["probability"], body["probability_at_max"], rel_tol=1e-6)
        assert body["apr_at_max"] > body["annual_rate_at_max"] and body["grade_at_max"]


BAD_INPUTS = [
    ("missing field", {k: v for k, v in APPLICATION.items() if k != "AMT_CREDIT"}, "AMT_CREDIT", "missing"),
    ("wrong type", {**APPLICATION, "AMT_INCOME_TOTAL": "a lot"}, "AMT_INCOME_TOTAL", "float_type"),
    ("number as text", {**APPLICATION, "CNT_CHILDREN": "2"}, "CNT_CHILDREN", "int_type"),
    ("tiny amount", {**APPLICATION, "AMT_ANNUITY": 1e-300}, "AMT_ANNUITY", "value_error"),
    ("out of range", {**APPLICATION, "EXT_SOURCE_2": 1.5}, "EXT_SOURCE_2", "less_than_equal"),
    ("negative amount", {**APPLICATION, "AMT_CREDIT": -5}, "AMT_CREDIT", "greater_than_equal"),
    ("unknown level", {**APPLICATION, "CODE_GENDER": "Z"}, "CODE_GENDER", "literal_error"),
    ("unknown field", {**APPLICATION, "FAVOURITE_COLOUR": "blue"}, "FAVOURITE_COLOUR", "extra_forbidden"),
    (
        "bad history row",
        {**APPLICATION, "history": {"bureau": [{"DAYS_CREDIT": 1}]}},
        "history.bureau.0.SK_ID_BUREAU",
        "missing",
    ),
]


@pytest.mark.parametrize(("case", "body", "field", "kind"), BAD_INPUTS, ids=[c[0] for c in BAD_INPUTS])
def test_bad_input_names_the_field(client: TestClient, case: str, body: dict, field: str, kind: str) -> None:
    response = client.post(f"{API}/score", json=body)
    assert response.status_code == 422, case
    problems = response.json()["detail"]
    assert any(p["field"] == field and p["type"] == kind for p in problems), problems
    assert "a lot" not in response.text and "blue" not in response.text  # values are never echoed


def test_empty_and_malformed_bodies(client: TestClient) -> None:
    empty = client.post(f"{API}/score")
    assert empty.status_code == 422 and empty.json()["detail"][0]["field"] == "body"
    malformed = client.post(
        f"{API}/score", content=b'{"AMT_CREDIT": 1,', headers={"content-type": "application/json"}
    )
    assert malformed.status_code == 422 and malformed.json()["detail"][0]["type"] == "json_invalid"
    not_object = client.post(f"{API}/score", json=[1, 2])
    assert not_object.status_code == 422


def test_body_size_limit(demo_home, tmp_path) -> None:  # noqa: ANN001
    settings = make_settings(demo_home, tmp_path / "log.db", max_body_bytes=2048)
    with TestClient(create_app(settings)) as small:
        big = {**APPLICATION, "history": {"bureau": [{"SK_ID_BUREAU": i} for i in range(200)]}}
        response = small.post(
            f"{API}/score", content=json.dumps(big), headers={"content-type": "application/json"}
        )
        assert response.status_code == 413
        assert small.post(f"{API}/score", json=APPLICATION).status_code == 200
