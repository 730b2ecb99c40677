"""What the Model page loads at first paint: few kilobytes (summaries and bins, not the raw SHAP sample), the
scorecard in readable units with age once, fairness groups too small to judge marked, and the record of how
the production threshold was chosen."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from fastapi.testclient import TestClient

from devtools.workload import MODEL_PAGE_BUDGET_BYTES, MODEL_PAGE_FIRST_PAINT
from scoring.serving.scorecard_table import readable_points
from scoring.serving.service import ScoringService
from scoring.serving.shap_summary import global_summary
from tests.api.conftest import API

SHARED_APP = True  # the tests only read: one app for the module (tests/api/conftest.py `client`)


def test_first_paint_payloads_fit_the_budget(client: TestClient) -> None:
    sizes = {}
    for path, params in MODEL_PAGE_FIRST_PAINT:
        response = client.get(f"{API}{path}", params=params)
        assert response.status_code == 200, path
        sizes[path] = len(response.content)
    assert sum(sizes.values()) <= MODEL_PAGE_BUDGET_BYTES, sizes
    assert sizes["/explain/summary"] <= 40_000  # bins, whatever the sample's size


def test_summary_bins_every_sampled_client(client: TestClient, service: ScoringService) -> None:
    body = client.get(f"{API}/explain/summary", params={"top": 5, "bins": 12}).json()
    clients = service.shap_sample().height
    assert body["clients"] == clients and len(body["edges"]) == 13
    assert 1 <= len(body["beeswarm"]) <= 5
    for row, curve in zip(body["beeswarm"], body["dependence"], strict=True):
        assert sum(row["counts"]) == clients and row["feature"] == curve["feature"]
        assert sum(b["clients"] for b in curve["bins"]) + curve["missing_clients"] == clients
        assert all(b["low_shap"] <= b["mean_shap"] <= b["high_shap"] for b in curve["bins"])
    shown = [e["feature"] for e in body["importance"]]
    assert len(shown) == len(set(shown)) and "APP_DAYS_BIRTH" not in shown


def test_twins_enter_once_with_their_contributions_added() -> None:
    sample = pl.DataFrame(
        {
            "APP_AGE_YEARS": [20.0, 40.0, 60.0, None],
            "APP_DAYS_BIRTH": [-7305.0, -14610.0, -21915.0, None],
            "EXT": [0.1, 0.2, 0.3, 0.4],
            "SHAP__APP_AGE_YEARS": [0.2, 0.0, -0.2, 0.1],
            "SHAP__APP_DAYS_BIRTH": [0.1, 0.0, -0.1, 0.0],
            "SHAP__EXT": [0.05, -0.05, 0.05, -0.05],
        }
    )
    importance = [
        {"feature": "APP_DAYS_BIRTH", "mean_abs_shap": 0.05, "gain": 1.0},
        {"feature": "EXT", "mean_abs_shap": 0.05, "gain": 1.0},
        {"feature": "APP_AGE_YEARS", "mean_abs_shap": 0.125, "gain": 2.0},
    ]
    found = global_summary(importance, sample, top=2, bins=4, value_bins=10)
    age, ext = found.importance
    assert (age.feature, set(age.members)) == ("APP_AGE_YEARS", {"APP_AGE_YEARS", "APP_DAYS_BIRTH"})
    assert age.mean_abs_shap == pytest.approx(np.mean([0.3, 0.0, 0.3, 0.1])) and age.gain == 3.0
    assert ext.feature == "EXT"
    curve = found.dependence[0]
    assert [(b.low, b.mean_shap) for b in curve.bins] == [(20.0, 0.3), (40.0, 0.0), (60.0, -0.3)]
    assert curve.missing_clients == 1


def test_scorecard_bins_in_years_with_age_once() -> None:
    rows = [
        {"feature": "APP_DAYS_BIRTH", "label": "Age (days, negative)", "bin": "[-inf, -14610)", "clients": 40,
         "default_rate": 0.05, "points": 20.0},
        {"feature": "APP_DAYS_BIRTH", "label": "Age (days, negative)", "bin": "[-14610, inf)", "clients": 60,
         "default_rate": 0.1, "points": 10.0},
        {"feature": "APP_DAYS_BIRTH", "label": "Age (days, negative)", "bin": "missing", "clients": 0,
         "default_rate": None, "points": 14.0},
        {"feature": "APP_AGE_YEARS", "label": "Age (years)", "bin": "[-inf, 30)", "clients": 30,
         "default_rate": 0.12, "points": 1.0},
        {"feature": "APP_AGE_YEARS", "label": "Age (years)", "bin": "[30, inf)", "clients": 70,
         "default_rate": 0.06, "points": 3.0},
        {"feature": "APP_AGE_YEARS", "label": "Age (years)", "bin": "missing", "clients": 0,
         "default_rate": None, "points": 2.0},
        {"feature": "GENDERLESS_CODE", "label": "Education", "bin": "codes 0, 2", "clients": 5,
         "default_rate": 0.1, "points": 4.0},
    ]  # fmt: skip
    table = readable_points(rows, {"GENDERLESS_CODE": ["Higher", "Secondary", "Lower"]})
    age = [r for r in table if r["feature"] == "APP_AGE_YEARS"]
    assert [(r["low"], r["high"], r["points"]) for r in age if not r["missing"]] == [
        (None, 30.0, 11.0),  # under 30 years: under 40 years in days (10 points) + under 30 (1 point)
        (30.0, pytest.approx(40.0), 13.0),
        (pytest.approx(40.0), None, 23.0),
    ]
    assert age[-1]["missing"] and age[-1]["points"] == 16.0
    assert {r["feature"] for r in table} == {"APP_AGE_YEARS", "GENDERLESS_CODE"}
    assert table[-1]["levels"] == ["Higher", "Lower"]


def test_model_route_scorecard_has_no_bin_in_days(client: TestClient) -> None:
    scorecard = client.get(f"{API}/model").json()["scorecard"] or []
    assert all(r["feature"] not in ("APP_DAYS_BIRTH", "APP_DAYS_EMPLOYED") for r in scorecard)
    for row in scorecard:
        if not (row["missing"] or row["levels"] or row["low"] is not None or row["high"] is not None):
            values = [r for r in scorecard if r["feature"] == row["feature"] and not r["missing"]]
            assert values == [row]  # unbounded: the only bin of its feature's values ("any value")


def test_fairness_rows_say_which_groups_are_judged(client: TestClient) -> None:
    body = client.get(f"{API}/analytics/performance").json()
    assert body["fairness_min_group"] == 30
    for row in body["fairness"]:
        assert row["judged"] == (row["n"] >= 30)
        assert not row["flagged"] or row["judged"]


def test_threshold_says_how_production_was_chosen(client: TestClient, service: ScoringService) -> None:
    body = client.get(f"{API}/analytics/threshold", params={"w_fn": 10, "w_fp": 1}).json()
    chosen, meta = body["chosen"], service.scorer.bundle.metadata
    assert chosen["threshold"] == body["production"]["threshold"] == service.scorer.threshold
    assert chosen["repeats"] == meta["cv_metrics"]["repeats"]
    assert chosen["predictions"] == chosen["repeats"] * body["clients"]
