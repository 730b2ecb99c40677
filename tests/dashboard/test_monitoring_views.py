"""The monitoring views (PSI, estimate, trend, cohorts, history) and the callbacks that fetch them through a
fake API."""

from __future__ import annotations

import json
from collections.abc import Iterator

import dash
import httpx
import pytest

from dashboard.api_client import EXTENSION, ApiClient
from dashboard.app import create_app
from dashboard.components.monitoring import estimate_view, history_view, outcomes_view, psi_view
from dashboard.figures import monitoring as mfig
from dashboard.settings import DashboardSettings

PSI = {
    "score": {"psi": 0.31, "band": "significant", "critical": 0.009, "drifted": True},
    "features": [
        {
            "feature": "A",
            "label": "External score",
            "psi": 0.42,
            "band": "significant",
            "critical": 0.01,
            "drifted": True,
        },
        {
            "feature": "B",
            "label": "Income",
            "psi": 0.02,
            "band": "stable",
            "critical": 0.01,
            "drifted": False,
        },
    ],
    "drifted_count": 1,
    "features_checked": 2,
    "drifted_share": 0.5,
}
ESTIMATE = {
    "estimated": {"auc": 0.74, "auc_interval": [0.72, 0.76], "default_rate": 0.11, "cost_per_1000": 612.0},
    "reference": {"auc": 0.79, "default_rate": 0.08, "cost_per_1000": 500.0},
    "auc_drop": 0.05,
    "auc_drop_threshold": 0.03,
    "performance_drop": True,
    "calibration": "bundle (calibrated)",
}
POINTS = [
    {
        "name": "a",
        "created_at": "2026-01-01T06:00:00+00:00",
        "current_source": "log",
        "psi_score": 0.05,
        "psi_drifted_share": 0.1,
        "share_drifted": 0.0,
        "estimated_auc": 0.78,
        "reference_auc": 0.79,
        "estimated_default_rate": 0.08,
        "psi_score_band": "stable",
    },
    {
        "name": "b",
        "created_at": "2026-01-02T06:00:00+00:00",
        "current_source": "log",
        "psi_score": 0.31,
        "psi_drifted_share": 0.5,
        "share_drifted": 0.4,
        "estimated_auc": 0.74,
        "reference_auc": 0.79,
        "estimated_default_rate": 0.11,
        "psi_score_band": "significant",
    },
]
OUTCOMES = {
    "applicants": 300,
    "labelled": 200,
    "default_rate": 0.09,
    "mean_probability": 0.085,
    "auc": 0.77,
    "cohorts": [
        {
            "cohort": "2025-01",
            "applicants": 150,
            "labelled": 120,
            "labelled_share": 0.8,
            "defaults": 11,
            "default_rate": 0.0917,
            "mean_probability": 0.08,
            "auc": 0.76,
        },
        {
            "cohort": "2025-02",
            "applicants": 150,
            "labelled": 80,
            "labelled_share": 0.53,
            "defaults": 7,
            "default_rate": 0.0875,
            "mean_probability": 0.09,
            "auc": None,
        },
    ],
}
HISTORY = [
    {
        "decided_at": "2026-02-01T03:00:00+00:00",
        "outcome": "promoted",
        "champion": "v1",
        "challenger": "v2",
        "reasons": ["every check passed"],
        "checks": [],
        "metrics": {
            "champion": {"auc": 0.75, "cost_per_1000": 600.0, "ece": 0.02},
            "challenger": {"auc": 0.78, "cost_per_1000": 560.0, "ece": 0.015},
        },
    },
    {
        "decided_at": "2026-01-01T03:00:00+00:00",
        "outcome": "skipped",
        "champion": "v1",
        "challenger": None,
        "reasons": ["out-of-time window too small"],
        "checks": [],
    },
]


def _text(component: object) -> str:
    return json.dumps(component.to_plotly_json(), default=lambda o: o.to_plotly_json())


def test_psi_and_estimate_views_say_what_moved() -> None:
    psi = _text(psi_view(PSI))
    assert "0.310 (significant shift; critical value 0.009)" in psi
    assert "External score" in psi and "0.420" in psi
    assert "1 of 2 (50%)" in psi
    assert "no PSI" in _text(psi_view(None))
    estimate = _text(estimate_view(ESTIMATE))
    assert "0.740 (5-95 %: 0.720 to 0.760) against 0.790" in estimate and "drop of 0.050" in estimate
    assert "11.0% against 8.0%" in estimate and "612.0 against 500.0" in estimate


def test_cohorts_and_history_views() -> None:
    outcomes = _text(outcomes_view(OUTCOMES))
    assert "2025-02" in outcomes and "80 (53%)" in outcomes and "9.2%" in outcomes
    assert "load them with" in _text(outcomes_view({"cohorts": [], "labelled": 0, "applicants": 0}))
    history = _text(history_view(HISTORY))
    assert "promoted" in history and "0.750 \\u2192 0.780" in history and "600.0 \\u2192 560.0" in history
    assert "window too small" in history
    assert "No retrain yet" in _text(history_view([]))


def test_figures_have_one_trace_per_series() -> None:
    trend = mfig.drift_trend(POINTS)
    assert [t.name for t in trend.data] == [
        "PSI of the score",
        "Features drifted by PSI (share)",
        "Features drifted by Evidently's tests (share)",
    ]
    assert list(trend.data[0].y) == [0.05, 0.31]
    assert "PSI of the score is 0.31 (significant shift)" in mfig.drift_trend_summary(POINTS)
    assert list(mfig.estimated_performance(POINTS).data[0].y) == [0.78, 0.74]
    cohorts = mfig.cohorts(OUTCOMES["cohorts"])
    assert list(cohorts.data[0].y) == [0.0917, 0.0875] and list(cohorts.data[2].y) == [0.76, None]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> dash.Dash:
    css = tmp_path_factory.mktemp("css") / "bootstrap.min.css"
    css.write_text("body{margin:0}")
    return create_app(DashboardSettings(_env_file=None, api_url="http://api.test", bootstrap_css=css))


@pytest.fixture
def fake_api(app: dash.Dash) -> Iterator[None]:
    routes = {
        "/api/v1/reports/drift-trend": POINTS,
        "/api/v1/monitoring/outcomes": OUTCOMES,
        "/api/v1/model/history": HISTORY,
        "/api/v1/reports/drift": [{"name": "b", "created_at": "2026-01-02T06:00:00", "html_url": "/x"}],
    }
    original = app.server.extensions[EXTENSION]

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=routes[request.url.path])

    app.server.extensions[EXTENSION] = ApiClient("http://api.test", transport=httpx.MockTransport(handler))
    with app.server.app_context():
        yield
    app.server.extensions[EXTENSION] = original


def test_callbacks_fetch_from_the_api(fake_api: None) -> None:
    from dashboard.pages.drift import list_reports
    from dashboard.pages.model import show_history
    from dashboard.pages.operations import show_monitoring

    options, value, empty, trend, hidden, _ = list_reports(None)
    assert value == "b" and empty is None and hidden is True and "drift-trend-graph" in _text(trend)
    monitoring, hidden, _ = show_monitoring(None, None)
    assert hidden is True and "operations-cohorts" in _text(monitoring)
    assert "operations-estimate-graph" in _text(monitoring)
    history, hidden, _ = show_history(None)
    assert hidden is True and "model-history" in _text(history)
