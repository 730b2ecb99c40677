"""The Model page against a fake API (answers checked by the API's response models): each metric once and from
the performance document, the production threshold explained beside the lowest-cost one, the scorecard in
years, groups too small to judge, and the SHAP figures drawn from bins."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from dash import no_update

from api.schemas.analytics import PerformanceOut, ThresholdOut
from api.schemas.model import GlobalSummaryOut, ModelOut
from tests.dashboard.test_model_quality import MODEL
from tests.support.components import texts
from tests.support.payloads import checked

SERVED = checked(
    ModelOut,
    {
        **MODEL,
        "threshold": 0.0826,
        "cv_metrics": {"auc": 0.7712, "ece": 0.0031, "cost_per_1000": 410.7, "approval_rate": 0.7481},
    },
)
BIN = {"low": 0.0, "high": 1.0, "clients": 5, "mean_shap": 0.1, "low_shap": 0.0, "high_shap": 0.2}
SUMMARY = checked(
    GlobalSummaryOut,
    {
        "model_version": SERVED["version"],
        "base_value": -2.4,
        "clients": 10,
        "importance": [
            {
                "feature": "APP_AGE_YEARS",
                "label": "Age (years)",
                "mean_abs_shap": 0.2,
                "gain": None,
                "members": ["APP_AGE_YEARS", "APP_DAYS_BIRTH"],
            }
        ],
        "edges": [-1.0, 0.0, 1.0],
        "beeswarm": [
            {
                "feature": "APP_AGE_YEARS",
                "label": "Age (years)",
                "counts": [4, 6],
                "value_rank": [0.8, 0.2],
                "missing": [0, 0],
            }
        ],
        "dependence": [
            {
                "feature": "APP_AGE_YEARS",
                "label": "Age (years)",
                "unit": "years",
                "bins": [
                    {**BIN, "low": 20.0, "high": 40.0},
                    {**BIN, "low": 40.0, "high": 70.0, "clients": 5},
                ],
                "missing_clients": 0,
                "missing_mean_shap": None,
            }
        ],
    },
)
FAIRNESS = [
    {"attribute": "CODE_GENDER", "group": "F", "n": 600, "default_rate": 0.07, "approval_rate": 0.75,
     "tpr": 0.7, "fpr": 0.2, "approval_ratio": 1.0, "flagged": False, "judged": True},
    {"attribute": "CODE_GENDER", "group": "missing", "n": 1, "default_rate": 0.0, "approval_rate": 0.0,
     "tpr": None, "fpr": 1.0, "approval_ratio": 0.0, "flagged": False, "judged": False},
]  # fmt: skip
PERFORMANCE = checked(
    PerformanceOut,
    {
        "model_version": SERVED["version"],
        "created_at": SERVED["created_at"],
        "threshold": 0.0826,
        "clients": 1000,
        "default_rate": 0.04,
        "confusion": {"tp": 30, "fn": 10, "fp": 60, "tn": 900},
        "roc": {"auc": 0.7716, "fpr": [0.0, 1.0], "tpr": [0.0, 1.0]},
        "calibration": {
            "predicted": [0.02, 0.1],
            "observed": [0.021, 0.098],
            "clients": [500, 500],
            "brier": 0.0653,
            "log_loss": 0.239,
            "ece": 0.0028,
            "mean_pd": 0.0788,
            "observed_rate": 0.0772,
        },
        "fairness": FAIRNESS,
        "fairness_min_group": 30,
    },
)
POINT = {"approval_rate": 0.8, "recall": 0.6}
THRESHOLD = checked(
    ThresholdOut,
    {
        "w_fn": 10.0,
        "w_fp": 1.0,
        "clients": 1000,
        "best": {**POINT, "threshold": 0.0782, "cost_per_1000": 409.9},
        "production": {**POINT, "threshold": 0.0826, "cost_per_1000": 411.2},
        "accept_all_cost_per_1000": 800.0,
        "curve": {
            "threshold": [0.05, 0.0782, 0.1],
            "approval_rate": [0.6, 0.8, 0.9],
            "cost_per_1000": [450.0, 409.9, 420.0],
        },
        "chosen": {"threshold": 0.0826, "w_fn": 10.0, "w_fp": 1.0, "repeats": 3, "predictions": 3000},
    },
)
ROUTES = {
    "/api/v1/model": SERVED,
    "/api/v1/explain/summary": SUMMARY,
    "/api/v1/analytics/performance": PERFORMANCE,
    "/api/v1/analytics/threshold": THRESHOLD,
}


@pytest.fixture
def page(answer: Callable) -> str:
    """The words of the Model page's first paint: the load callback's views and the cost section."""
    from dashboard.pages import model

    answer(lambda request: httpx.Response(200, json=ROUTES[request.url.path]))
    summary, explain, card, options, feature, curves, dependence, shown, *rest = model.load(None)
    w_fn, w_fp, profit, cost, cost_hidden, _, drawn, hidden, _ = rest
    assert hidden is True and cost_hidden is True and feature == shown == "APP_AGE_YEARS"
    assert "model-dependence-graph" in str(dependence)
    assert (w_fn, w_fp) == (10.0, 1.0) and drawn == [10.0, 1.0]  # drawn by the one round trip:
    assert model.update_cost(10.0, 1.0, None, profit, drawn)[0] is no_update  # not asked for again
    assert model.choose_dependence(feature, shown, curves)[0] is no_update
    points = model.show_points(1)  # on demand
    return " ".join(texts(view) for view in (summary, explain, cost, card, points))


def test_each_metric_once_from_the_performance_document(page: str) -> None:
    assert page.count("Expected calibration error") == 1 and "0.0028" in page
    assert (
        "0.0031" not in page and "410.7" not in page and "0.7712" not in page
    )  # the bundle's pooled figures
    assert page.count("Cost per 1,000 applicants") == 1  # the threshold table's row: lowest cost, production
    assert "409.9" in page and "411.2" in page
    assert "AUC 0.772" in page
    assert page.count("Approval rate") == 3  # the card's; at each threshold; per fairness group (a column)
    assert "mean ± standard deviation across the repeats" in page  # the candidates: another population


def test_production_threshold_explained_beside_the_lowest_cost(page: str) -> None:
    assert "Lowest cost at these weights" in page and "8.26%" in page and "7.82%" in page
    assert "Same weights, two populations" in page and "3,000 out-of-fold predictions" in page
    assert "3 repeats" in page and "1.3 per 1,000 applicants below" in page


def test_scorecard_in_years_and_tiny_groups_not_judged(page: str) -> None:
    assert "under 63.1 years" in page and "-inf" not in page
    assert "too few to judge" in page and "\u2714 ok" in page  # F is judged, the missing row is not


def test_api_down_shows_the_page_error_and_nothing_else(answer: Callable) -> None:
    from dashboard.pages import model

    answer(lambda request: httpx.Response(503, json={"detail": "The model is loading."}))
    outputs = model.load(None)
    assert outputs[-2] is False and outputs[-1]  # the page's error box, with its text
    assert all(o in (None, [], True, "") for o in outputs[:-2])


def test_a_failed_threshold_call_shows_in_the_cost_section_alone(answer: Callable) -> None:
    """The threshold is asked for beside the other first-paint calls; its failure leaves the page drawn."""
    from dashboard.pages import model

    def route(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/analytics/threshold"):
            return httpx.Response(503, json={"detail": "The model is loading."})
        return httpx.Response(200, json=ROUTES[request.url.path])

    answer(route)
    summary, explain, card, *_, cost, cost_hidden, cost_error, _drawn, hidden, _text = model.load(None)
    assert hidden is True and summary and explain and card  # the page itself is drawn
    assert cost is None and cost_hidden is False and "loading" in cost_error


def test_cost_weights_beyond_the_apis_bound_ask_for_nothing_and_say_the_limit(answer: Callable) -> None:
    from dashboard.pages import model

    answer(lambda request: pytest.fail(f"no call expected: {request.url}"))
    for w_fn, w_fp in ((1_000_000.0, 1.0), (10.0, 1001.0), (0.0, 1.0)):
        assert model.threshold_at(model.api(), w_fn, w_fp) is None
    view, hidden, _text = model.cost_section(None, None)
    assert "at most 1,000" in str(view) and hidden is True


def test_the_model_facts_say_what_decides(answer: Callable) -> None:
    """The threshold alone, or the strategy in force (as `GET /model` gives it): then the page's threshold,
    costs and profit are said to be the model's own."""
    from dashboard.pages import model

    strategy = {"name": "demo", "version": 2, "accept_below": 0.05, "refuse_from": 0.08}
    served = checked(ModelOut, {**SERVED, "strategy": strategy})
    for document, expected in ((SERVED, "threshold alone"), (served, "strategy demo (version 2)")):
        answer(
            lambda request, document=document: httpx.Response(
                200, json={**ROUTES, "/api/v1/model": document}[request.url.path]
            )
        )
        words = texts(model.load(None)[0])
        assert expected in words
    assert "accepted below 5.00%, refused from 8.00%" in words and "the model's own" in words
