"""The monitoring views (PSI, estimate, trend, cohorts, history) and the callbacks that fetch them through a
fake API."""

from __future__ import annotations

import json

import httpx
import pytest

from api.schemas.model import DriftReportOut
from api.schemas.monitoring import OutcomesOut, RetrainDecisionOut, TrendPointOut
from dashboard.components.monitoring import estimate_view, history_view, outcomes_view, psi_view
from dashboard.figures import monitoring as mfig
from dashboard.figures import style
from dashboard.i18n import translator
from tests.support.checked_api import Answer
from tests.support.payloads import checked

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
POINTS = checked(
    list[TrendPointOut],
    [
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
            "current_rows": 1200,
            "estimated_cost_per_1000": 540.0,
            "segments_drifted": None,
            "drift_detected": False,
            "alert_kinds": [],
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
            "current_rows": 1350,
            "estimated_cost_per_1000": 612.0,
            "segments_drifted": ["NAME_INCOME_TYPE=Pensioner"],
            "drift_detected": True,
            "alert_kinds": ["performance_drop", "prediction_drift"],
        },
    ],
)
OUTCOMES = checked(
    OutcomesOut,
    {
        "since": None,
        "until": None,
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
    },
)
HISTORY = checked(
    list[RetrainDecisionOut],
    [
        {
            "decided_at": "2026-02-01T03:00:00+00:00",
            "outcome": "promoted",
            "champion": "v1",
            "challenger": "v2",
            "reasons": ["every check passed"],
            "window": {"start": "2025-12-01", "end": "2026-01-31", "rows": 4000},
            "training": None,
            "checks": [],
            "registry": None,
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
            "window": None,
            "training": None,
            "metrics": None,
            "checks": [],
            "registry": None,
        },
    ],
)


REPORT = {
    "name": "b",
    "created_at": "2026-01-02T06:00:00",
    "reference": "train",
    "current": "log",
    "summary_url": "/api/v1/reports/drift/b/summary",
    "html_url": "/api/v1/reports/drift/b/html",
}


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
    assert "operations-cohorts-graph" in str(outcomes_view(OUTCOMES))
    unknown = [
        {
            **OUTCOMES["cohorts"][0],
            "labelled": 0,
            "labelled_share": 0.0,
            "defaults": 0,
            "default_rate": None,
            "auc": None,
        }
    ]
    waiting = outcomes_view({**OUTCOMES, "labelled": 0, "cohorts": unknown * 2})
    assert "operations-cohorts-graph" not in str(waiting) and "2025-01" in _text(waiting)  # no empty chart
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


def test_one_drift_run_is_a_point_on_a_day_of_dates() -> None:
    """Not an axis from 03:23:37.999 to 03:23:38.001 with one label repeated along it."""
    one = [{**POINTS[-1], "created_at": "2026-12-06T03:23:38+00:00"}]
    for t in (translator("en"), translator("fr")):
        for fig in (mfig.drift_trend(one, t), mfig.estimated_performance(one, t)):
            axis = fig.layout.xaxis
            assert axis.type == "date" and list(axis.range) == ["2026-12-05 15:23:38", "2026-12-06 15:23:38"]
            assert axis.dtick == 3 * 3600 * 1000  # eight distinct ticks, whatever the language's format
    assert style.day_around(["2026-12-06T03:00:00", "2026-12-06T05:00:00"]) == [
        "2026-12-05 16:00:00",
        "2026-12-06 16:00:00",
    ]
    assert mfig.drift_trend(POINTS).layout.xaxis.range is None  # two days apart: Plotly's own axis
    assert style.day_around([]) is None and style.day_around(["not a date"]) is None


def test_psi_band_names_sit_on_either_side_of_their_lines() -> None:
    """0.10 and 0.25 are close on a tall PSI axis: the names go below and above their lines, never overlap."""
    tall = mfig.drift_trend([{**POINTS[-1], "psi_score": 3.7}])
    names = {a.text: a for a in tall.layout.annotations}
    moderate, significant = names["moderate shift (0.10)"], names["significant shift (0.25)"]
    assert (moderate.y, moderate.yanchor) == (0.1, "top") and (significant.y, significant.yanchor) == (
        0.25,
        "bottom",
    )


def test_rate_axes_stay_within_100_percent() -> None:
    """An empty rate axis was drawn from 0 to 400 %; a rate axis now ends a little above the largest rate."""
    unknown = [
        {**c, "default_rate": None, "mean_probability": None, "auc": None} for c in OUTCOMES["cohorts"]
    ]
    assert list(mfig.cohorts(unknown).layout.yaxis.range) == [0.0, 1.0]
    assert list(mfig.cohorts(OUTCOMES["cohorts"]).layout.yaxis.range) == pytest.approx([0.0, 0.0917 * 1.15])
    assert style.rate_range([0.01]) == [0.0, 0.05] and style.rate_range([0.95, None]) == [0.0, 1.0]
    estimated = mfig.estimated_performance([{**p, "estimated_default_rate": None} for p in POINTS])
    assert list(estimated.layout.yaxis2.range) == [0.0, 1.0]


@pytest.fixture
def fake_api(answer: Answer) -> None:
    routes = {
        "/api/v1/reports/drift-trend": POINTS,
        "/api/v1/monitoring/outcomes": OUTCOMES,
        "/api/v1/model/history": HISTORY,
        "/api/v1/reports/drift": checked(list[DriftReportOut], [REPORT]),
    }
    answer(lambda request: httpx.Response(200, json=routes[request.url.path]))


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
