"""Figures of the monitoring loop (drift trend, estimated performance, outcomes by cohort) and their text
summaries: pure functions of the API's JSON payloads, in the look of `dashboard.figures` (Okabe-Ito colours,
dash styles and markers so that colour never carries meaning alone)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import plotly.graph_objects as go

from dashboard import text
from dashboard.figures.style import BLUE, GREEN, ORANGE, VERMILLION, base_layout

PSI_BANDS = ((0.10, "moderate shift (0.10)"), (0.25, "significant shift (0.25)"))


def _line(
    x: Sequence[object], y: Sequence[object], name: str, dash: str, symbol: str, colour: str, axis: str = "y"
) -> go.Scatter:
    return go.Scatter(
        x=list(x),
        y=list(y),
        name=name,
        mode="lines+markers",
        line={"dash": dash, "color": colour, "width": 2},
        marker={"symbol": symbol, "size": 9},
        yaxis=axis,
        connectgaps=True,
    )


def drift_trend(points: Sequence[Mapping]) -> go.Figure:
    """Per run: PSI of the score (left, with the 0.10 and 0.25 bands) and drifted shares (right axis)."""
    when = [p["created_at"] for p in points]
    fig = go.Figure(
        [
            _line(when, [p.get("psi_score") for p in points], "PSI of the score", "solid", "circle", BLUE),
            _line(
                when,
                [p.get("psi_drifted_share") for p in points],
                "Features drifted by PSI (share)",
                "dash",
                "square",
                ORANGE,
                "y2",
            ),
            _line(
                when,
                [p.get("share_drifted") for p in points],
                "Features drifted by Evidently's tests (share)",
                "dot",
                "triangle-up",
                GREEN,
                "y2",
            ),
        ]
    )
    for level, label in PSI_BANDS:
        fig.add_hline(y=level, line={"color": VERMILLION, "dash": "dot", "width": 1}, annotation_text=label)
    fig.update_layout(
        yaxis={"title": "PSI of the score", "rangemode": "tozero"},
        yaxis2={
            "title": "Share of features",
            "overlaying": "y",
            "side": "right",
            "tickformat": ".0%",
            "range": [0, 1],
        },
    )
    return base_layout(fig, 340, margin={"t": 60})


def drift_trend_summary(points: Sequence[Mapping]) -> str:
    if not points:
        return "No drift run yet."
    last = points[-1]
    psi = last.get("psi_score")
    share = last.get("psi_drifted_share")
    when = (last.get("created_at") or "")[:16].replace("T", " ")
    return (
        f"{len(points)} drift run(s). In the latest ({when}), "
        f"the PSI of the score is {text.value_text(psi)} ({last.get('psi_score_band') or 'unknown'}) and "
        f"{text.percent(share, 0)} of the monitored features drifted by PSI."
    )


def estimated_performance(points: Sequence[Mapping]) -> go.Figure:
    """Expected AUC (CBPE) of each run against the reference's realised AUC, and the expected default rate."""
    when = [p["created_at"] for p in points]
    fig = go.Figure(
        [
            _line(
                when,
                [p.get("estimated_auc") for p in points],
                "Estimated AUC (no labels)",
                "solid",
                "circle",
                BLUE,
            ),
            _line(
                when,
                [p.get("reference_auc") for p in points],
                "Reference AUC (training, out of fold)",
                "dash",
                "square",
                GREEN,
            ),
            _line(
                when,
                [p.get("estimated_default_rate") for p in points],
                "Estimated default rate",
                "dot",
                "diamond",
                VERMILLION,
                "y2",
            ),
        ]
    )
    fig.update_layout(
        yaxis={"title": "AUC"},
        yaxis2={
            "title": "Default rate",
            "overlaying": "y",
            "side": "right",
            "tickformat": ".0%",
            "rangemode": "tozero",
        },
    )
    return base_layout(fig, 340, margin={"t": 60})


def estimated_summary(points: Sequence[Mapping]) -> str:
    measured = [p for p in points if text.is_number(p.get("estimated_auc"))]
    if not measured:
        return "No estimate yet: run a drift check on the prediction log."
    last = measured[-1]
    return (
        f"Latest estimate: AUC {last['estimated_auc']:.3f} against "
        f"{text.value_text(last.get('reference_auc'))} on the training data; expected default rate "
        f"{text.percent(last.get('estimated_default_rate'))}."
    )


def cohorts(rows: Sequence[Mapping]) -> go.Figure:
    """Per month of the score: realised default rate against the mean probability of default, and AUC."""
    months = [r["cohort"] for r in rows]
    fig = go.Figure(
        [
            go.Bar(
                x=months,
                y=[r.get("default_rate") for r in rows],
                name="Realised default rate",
                marker={"color": VERMILLION, "pattern": {"shape": "/"}},
            ),
            go.Bar(
                x=months,
                y=[r.get("mean_probability") for r in rows],
                name="Mean probability of default given",
                marker={"color": BLUE},
            ),
            _line(months, [r.get("auc") for r in rows], "Realised AUC", "dash", "diamond", GREEN, "y2"),
        ]
    )
    fig.update_layout(
        barmode="group",
        yaxis={"title": "Default rate", "tickformat": ".0%", "rangemode": "tozero"},
        yaxis2={"title": "AUC", "overlaying": "y", "side": "right", "range": [0.5, 1]},
    )
    fig.update_xaxes(type="category")
    return base_layout(fig, 340, margin={"t": 60})


def cohorts_summary(payload: Mapping) -> str:
    if not payload.get("labelled"):
        return "No outcome known yet for the clients scored in this period (load them with `scoring labels`)."
    return (
        f"{payload['labelled']:,} of {payload['applicants']:,} applicants have a known outcome: realised "
        f"default rate {text.percent(payload.get('default_rate'))} against a mean probability of default "
        f"of {text.percent(payload.get('mean_probability'))}; realised AUC "
        f"{text.value_text(payload.get('auc'))}."
    )
