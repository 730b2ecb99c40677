"""Figures built from API payloads: what they plot, and the cues that do not rely on colour."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from api.schemas.model import BucketOut
from dashboard.figures import client as client_figures
from dashboard.figures import model as model_figures
from dashboard.figures import operations as operations_figures
from dashboard.figures import similar as similar_figures
from dashboard.figures import style as style_figures
from dashboard.i18n import translator
from tests.support.components import components, texts
from tests.support.payloads import checked


def annotations(fig: go.Figure) -> list[str]:
    return [a.text for a in fig.layout.annotations]


def names(scale: dict) -> set[str]:
    """The zone names and the cut-offs' labels of a bullet bar's payload."""
    return {z["name"] for z in scale["zones"]} | {c["label"] for c in scale["cuts"]}


def test_risk_bar_marks_threshold_and_names_the_zones() -> None:
    scale = client_figures.risk_scale(0.12, 0.08)
    assert scale["bar"] == {
        "value": 0.12,
        "text": "12.0%",
        "colour": style_figures.VERMILLION,
        "label": "Risk: ",
    }
    assert {"Accept zone", "Refuse zone", "Threshold 8.0%"} <= names(scale)
    assert [c["x"] for c in scale["cuts"]] == [0.08]
    assert scale["top"] >= 0.12 * 1.25 and scale["ticks"][-1][0] <= scale["top"]
    french = client_figures.risk_scale(0.12, 0.08, translator("fr"))
    assert {"Zone d’acceptation", "Zone de refus", "Seuil 8,0\u202f%"} <= names(french)
    assert french["title"] == "Probabilité de défaut" and (0.1, "10\u202f%") in french["ticks"]
    assert french["bar"]["label"].startswith("Risque") and french["bar"]["text"] == "12,0\u202f%"
    assert client_figures.risk_scale(0.02, 0.08)["bar"]["colour"] == style_figures.BLUE


def test_risk_bar_is_drawn_in_html_with_its_words() -> None:
    """The chart the officer waits for needs no Plotly: zones, cut-off, the client's bar and its value
    (named for screen readers) are text in the page, the bar as long as the risk on the axis."""
    bar = client_figures.risk_bar("client-risk-graph", 0.12, 0.08)
    assert bar.id == "client-risk-graph"
    words = texts(bar)
    for expected in (
        "Accept zone",
        "Refuse zone",
        "Threshold 8.0%",
        "Risk: ",
        "12.0%",
        "Probability of default",
    ):
        assert expected in words
    drawn = next(c for c in components(bar) if getattr(c, "className", "") == "bullet-bar")
    top = client_figures.risk_scale(0.12, 0.08)["top"]
    assert drawn.style["width"] == f"{100 * 0.12 / top:.2f}%"
    assert drawn.style["background"] == style_figures.VERMILLION


def test_risk_bar_under_a_strategy_shows_its_three_zones_and_cut_offs() -> None:
    """With an active strategy its cut-offs decide: accept, refer and refuse zones, both limits marked, the
    bar coloured by the zone the risk is in (the model's threshold is not drawn)."""
    strategy = {"name": "demo", "version": 1, "accept_below": 0.055, "refuse_from": 0.08}
    referred = client_figures.risk_scale(0.071, 0.083, strategy=strategy)
    assert {"Accept zone", "Refer zone", "Refuse zone", "Accept below 5.5%", "Refuse from 8.0%"} <= names(
        referred
    )
    assert not any("Threshold" in n for n in names(referred))
    assert [c["x"] for c in referred["cuts"]] == [0.055, 0.08]
    assert referred["bar"]["colour"] == style_figures.ORANGE
    assert client_figures.risk_scale(0.03, 0.083, strategy=strategy)["bar"]["colour"] == style_figures.BLUE
    refused = client_figures.risk_scale(0.081, 0.083, strategy=strategy)
    assert refused["bar"]["colour"] == style_figures.VERMILLION
    drawn = client_figures.risk_bar("g", 0.071, 0.083, strategy=strategy)
    cuts = [c for c in components(drawn) if "bullet-cut " in (getattr(c, "className", "") or "")]
    assert len({c.className for c in cuts}) == 2  # two cut-offs' labels on two lines: they never overlap
    labels = [
        c.className for c in components(drawn) if "bullet-cut-label" in (getattr(c, "className", "") or "")
    ]
    assert labels == ["bullet-cut-label before", "bullet-cut-label"]  # the accept label ends at its line
    assert [c["before"] for c in referred["cuts"]] == [True, False]
    narrow = client_figures.risk_scale(0.6, 0.083, strategy=strategy)  # the accept zone too narrow for it
    assert [c["before"] for c in narrow["cuts"]] == [False, False]


def test_zone_names_stay_within_their_zone() -> None:
    """A narrow accept zone (a high risk stretches the axis) gets its name above the chart, on its colour."""
    french = translator("fr")
    wide = {z["name"]: z for z in client_figures.risk_scale(0.12, 0.08, french)["zones"]}
    assert wide["Zone d’acceptation"]["inside"] and wide["Zone d’acceptation"]["high"] == 0.08
    narrow = {z["name"]: z for z in client_figures.risk_scale(0.612, 0.083, french)["zones"]}
    assert not narrow["Zone d’acceptation"]["inside"]
    assert narrow["Zone de refus"]["inside"]  # the refuse zone is wide: its name inside
    drawn = client_figures.risk_bar("g", 0.612, 0.083, french)
    above = next(c for c in components(drawn) if "bullet-above" in (getattr(c, "className", "") or ""))
    assert above.children == "Zone d’acceptation" and above.style["background"] == style_figures.ACCEPT_ZONE


def test_distribution_compares_shares_and_marks_the_client() -> None:
    data = {
        "label": "Credit amount",
        "edges": [0.0, 10.0, 20.0, 30.0],
        "levels": None,
        "repaid": [50, 30, 20],
        "defaulted": [1, 2, 7],
        "client_value": 25.0,
    }
    fig = similar_figures.distribution(data)
    repaid, defaulted = fig.data
    assert repaid.y == (0.5, 0.3, 0.2) and defaulted.y == (0.1, 0.2, 0.7)
    assert repaid.x == (5.0, 15.0, 25.0)
    assert defaulted.marker.pattern.shape == "/"
    assert "This client: 25" in annotations(fig)
    categorical = similar_figures.distribution(
        {**data, "edges": None, "levels": ["a", "b", "c"], "client_value": "c"}
    )
    assert categorical.data[0].x == ("a", "b", "c")
    assert any(s.x0 == 2 for s in categorical.layout.shapes)
    unknown = similar_figures.distribution({**data, "client_value": None})
    assert annotations(unknown) == []


def test_scatter_uses_symbols_for_outcomes_and_a_star_for_the_client() -> None:
    data = {
        "x_label": "X",
        "y_label": "Y",
        "client_ids": [1, 2, 3],
        "x_values": [1.0, 2.0, 3.0],
        "y_values": [3.0, 2.0, 1.0],
        "probability": [0.1, 0.5, 0.9],
        "outcome": [0, 1, 1],
        "client": {"client_id": 9, "x": 2.5, "y": 2.5, "probability": 0.3},
    }
    fig = similar_figures.scatter(data)
    repaid, defaulted, client = fig.data
    assert repaid.marker.symbol == "circle" and len(repaid.x) == 1
    assert defaulted.marker.symbol == "x" and list(defaulted.marker.color) == [0.5, 0.9]
    assert client.marker.symbol == "star" and client.x == (2.5,)
    assert len(similar_figures.scatter({**data, "client": None}).data) == 2


def test_comparison_writes_the_decisions_on_the_bars() -> None:
    fig = client_figures.comparison(
        {"probability": 0.05, "decision": "accept"}, {"probability": 0.2, "decision": "refuse"}, 0.1
    )
    assert fig.data[0].x == (0.05, 0.2)
    assert "Credit granted" in fig.data[0].text[0] and "Credit refused" in fig.data[0].text[1]


def test_cost_curve_marks_the_best_and_production_thresholds() -> None:
    data = {
        "curve": {
            "threshold": [1.0, 0.5, 0.1, 0.0],
            "cost_per_1000": [80, 60, 40, 920],
            "approval_rate": [1, 0.9, 0.7, 0],
        },
        "best": {"threshold": 0.1, "cost_per_1000": 40},
        "production": {"threshold": 0.12, "cost_per_1000": 42},
    }
    fig = model_figures.cost_curve(data)
    names = [t.name for t in fig.data]
    assert names[2].startswith("Lowest cost: 10.0%") and names[3].startswith("Production: 12.0%")
    assert fig.data[1].yaxis == "y2"
    best, production = fig.data[2].textposition, fig.data[3].textposition
    assert best.split()[0] != production.split()[0]  # close thresholds: one name above, one below
    low, _high = fig.layout.yaxis.range
    assert low < 40 - 0.1 * (920 - 40)  # room under the lowest cost for its name


@pytest.mark.parametrize(("best", "production"), [(0.1, 0.1), (0.1, 0.11), (0.11, 0.1), (0.02, 0.3)])
def test_cost_curve_names_never_overlap(best: float, production: float) -> None:
    """Side by side only when the markers are far enough apart for both names; else above and below."""
    span = 0.5
    above_best, above_production = (
        p.startswith("top") for p in model_figures.label_positions(best, production, span)
    )
    apart = abs(best - production) >= model_figures.CLOSE_THRESHOLDS * span
    assert apart or above_best != above_production


def test_confusion_matrix_names_each_cell() -> None:
    fig = model_figures.confusion_matrix({"tp": 4, "fp": 3, "fn": 2, "tn": 1})
    assert [list(row) for row in fig.data[0].z] == [[1, 3], [2, 4]]
    assert fig.data[0].text[1][1] == "4<br>defaulters refused"


def test_model_figures() -> None:
    roc = model_figures.roc({"auc": 0.7, "fpr": [0, 0.5, 1], "tpr": [0, 0.8, 1]})
    assert roc.data[1].name == "Model (AUC 0.700)"
    calibration = model_figures.calibration(
        {"predicted": [0.1, 0.3], "observed": [0.12, 0.25], "clients": [5, 5]}
    )
    assert calibration.data[1].x == (0.1, 0.3)
    importance = model_figures.importance(
        [{"label": f"f{i}", "mean_abs_shap": 1.0 / (i + 1)} for i in range(20)], top=5
    )
    assert len(importance.data[0].y) == 5


def test_beeswarm_from_bins_sizes_by_clients_and_separates_missing_values() -> None:
    summary = {
        "clients": 10,
        "edges": [-1.0, 0.0, 1.0],
        "beeswarm": [
            {"feature": "a", "label": "A", "counts": [4, 2], "value_rank": [0.2, 0.9], "missing": [1, 0]},
            {"feature": "b", "label": "B", "counts": [0, 6], "value_rank": [None, 0.5], "missing": [0, 0]},
        ],
    }
    fig = model_figures.beeswarm(summary)
    known, missing = fig.data
    assert list(known.x) == [-0.5, 0.5, 0.5] and list(known.marker.color) == [0.2, 0.9, 0.5]
    assert list(known.customdata) == [3, 2, 6] and known.marker.size[2] > known.marker.size[1]
    assert missing.x == (-0.5,) and missing.customdata == (1,)
    assert list(fig.layout.yaxis.ticktext) == ["A", "B"]


def test_dependence_from_bins_draws_the_mean_inside_its_band() -> None:
    curve = {
        "label": "A",
        "bins": [
            {"low": 1.0, "high": 3.0, "clients": 5, "mean_shap": 0.1, "low_shap": 0.0, "high_shap": 0.2},
            {"low": 3.0, "high": 5.0, "clients": 5, "mean_shap": 0.3, "low_shap": 0.2, "high_shap": 0.5},
        ],
    }
    band, mean = model_figures.dependence(curve).data
    assert mean.x == (2.0, 4.0) and mean.y == (0.1, 0.3)
    assert band.y == (0.2, 0.5, 0.2, 0.0)


@pytest.fixture
def buckets() -> list[dict]:
    """Two hourly buckets of `GET /monitoring/summary`."""
    return checked(
        list[BucketOut],
        [
            {
                "start": "2026-01-01T00:00:00Z",
                "requests": 10,
                "errors": {"404": 2},
                "latency_ms_p50": 1.0,
                "latency_ms_p95": 2.0,
                "latency_ms_p99": 3.0,
                "scores": 4,
                "refusal_rate": 0.5,
                "mean_probability": 0.1,
                "probability_p10": 0.02,
                "probability_p50": 0.08,
                "probability_p90": 0.21,
            },
            {
                "start": "2026-01-01T01:00:00Z",
                "requests": 5,
                "errors": {"500": 1},
                "latency_ms_p50": 1.0,
                "latency_ms_p95": 2.0,
                "latency_ms_p99": 3.0,
                "scores": 0,
                "refusal_rate": None,
                "mean_probability": None,
                "probability_p10": None,
                "probability_p50": None,
                "probability_p90": None,
            },
        ],
    )


def test_operations_figures(buckets: list[dict]) -> None:
    traffic = operations_figures.traffic(buckets)
    assert [t.name for t in traffic.data] == ["Answered (2xx/3xx)", "HTTP 404", "HTTP 500"]
    assert traffic.data[0].y == (8, 4)
    assert traffic.data[1].marker.pattern.shape != traffic.data[2].marker.pattern.shape
    latency = operations_figures.latency(buckets)
    assert {t.line.dash for t in latency.data} == {"solid", "dash", "dot"}
    decisions = operations_figures.decisions(buckets)
    assert decisions.data[0].y == (0.5, None)
    assert [t.name for t in decisions.data][2:] == [
        "Risk of default, 90th percentile",
        "Risk of default, median",
        "Risk of default, 10th percentile",
    ]


def test_operations_figures_span_the_period_asked(buckets: list[dict]) -> None:
    window = ("2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z")
    traffic = operations_figures.traffic(buckets, window, "1h")
    assert list(traffic.layout.xaxis.range) == list(window)
    assert traffic.data[0].width == pytest.approx(0.9 * 3_600_000)
    assert list(operations_figures.latency(buckets, window).layout.xaxis.range) == list(window)
    assert operations_figures.bucket_ms("5m") == 300_000 and operations_figures.bucket_ms("bad") == 0
