"""Figures of the outcomes analysis: vintage curves (realised default rate by month of origination, one line
per risk grade, against the mean PD given) and the calibration watch by month; with their text summaries.
Pure functions of the API's JSON payloads (`/monitoring/vintages`, `/monitoring/calibration`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import plotly.graph_objects as go

from dashboard.figures.style import (
    BLUE,
    GREEN,
    GREY,
    INK,
    ORANGE,
    PURPLE,
    SKY,
    VERMILLION,
    base_layout,
    rate_range,
)
from dashboard.i18n import ENGLISH, Translator

GRADE_COLOURS = (BLUE, GREEN, SKY, ORANGE, PURPLE, VERMILLION, GREY, INK)  # Okabe-Ito, best grade first
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "triangle-down", "cross", "x", "star")


def _band(rows: Sequence[Mapping]) -> dict:
    """Asymmetric error bars: the Wilson interval around each realised rate."""
    return {
        "type": "data",
        "symmetric": False,
        "array": [r["ci_high"] - r["default_rate"] for r in rows],
        "arrayminus": [r["default_rate"] - r["ci_low"] for r in rows],
        "thickness": 1,
        "width": 3,
    }


def vintage_curves(payload: Mapping, t: Translator = ENGLISH) -> go.Figure:
    """Per grade: realised default rate by vintage (solid, with its interval) and mean PD given (dashed)."""
    _ = t.gettext
    traces = []
    for i, grade in enumerate(payload["grades"]):
        rows = [r for r in payload["rows"] if r["grade"] == grade]
        colour, symbol = GRADE_COLOURS[i % len(GRADE_COLOURS)], SYMBOLS[i % len(SYMBOLS)]
        x = [r["vintage"] for r in rows]
        name = _("Grade {grade}").format(grade=grade)
        traces += [
            go.Scatter(
                x=x,
                y=[r["default_rate"] for r in rows],
                name=name,
                legendgroup=grade,
                mode="lines+markers",
                line={"color": colour, "width": 2},
                marker={"symbol": symbol, "size": 8},
                error_y={**_band(rows), "color": colour},
                customdata=[[r["n"], r["defaults"]] for r in rows],
                hovertemplate=_("%{x}: %{y:.1%} realised (%{customdata[1]} of %{customdata[0]})")
                + f"<extra>{name}</extra>",
            ),
            go.Scatter(
                x=x,
                y=[r["mean_probability"] for r in rows],
                name=_("Grade {grade}: mean PD given").format(grade=grade),
                legendgroup=grade,
                showlegend=False,
                mode="lines",
                line={"color": colour, "width": 1.5, "dash": "dash"},
                hovertemplate=_("%{x}: mean PD %{y:.1%}") + f"<extra>{name}</extra>",
            ),
        ]
    rates = [r[k] for r in payload["rows"] for k in ("default_rate", "mean_probability", "ci_high")]
    fig = go.Figure(traces)
    fig.update_layout(yaxis={"title": _("Default rate"), "tickformat": ".0%", "range": rate_range(rates)})
    fig.update_xaxes(type="category", title=_("Month of origination"))
    return base_layout(fig, 380, margin={"t": 60}, t=t)


def vintage_summary(payload: Mapping, t: Translator = ENGLISH) -> str:
    """The text alternative of the vintage curves."""
    _ = t.gettext
    rows = payload.get("rows") or []
    if not rows:
        return _("No outcome known yet: load them with “scoring labels” to see the vintage curves.")
    n = sum(r["n"] for r in rows)
    defaults = sum(r["defaults"] for r in rows)
    mean = sum(r["mean_probability"] * r["n"] for r in rows) / n
    beyond = [r for r in rows if not r["ci_low"] <= r["mean_probability"] <= r["ci_high"]]
    return _(
        "{n} labelled clients over {vintages} months of origination and {grades} risk grades: realised "
        "default rate {rate} against a mean PD given of {mean}. Solid lines: realised rate with its {level} "
        "interval; dashed: mean PD given. In {beyond} of {cells} cells the mean PD lies outside the interval."
    ).format(
        n=t.number(n),
        vintages=len(payload["vintages"]),
        grades=len(payload["grades"]),
        rate=t.percent(defaults / n),
        mean=t.percent(mean),
        level=t.percent(payload["confidence"], 0),
        beyond=len(beyond),
        cells=len(rows),
    )


def calibration_periods(payload: Mapping, t: Translator = ENGLISH) -> go.Figure:
    """Per month of the score: realised default rate with its interval, and the mean PD given (dashed)."""
    _ = t.gettext
    rows = [r for r in payload["periods"] if r["n"]]
    months = [r["period"] for r in rows]
    flagged = [r for r in rows if r["flagged"]]
    fig = go.Figure(
        [
            go.Scatter(
                x=months,
                y=[r["default_rate"] for r in rows],
                name=_("Realised default rate"),
                mode="lines+markers",
                line={"color": VERMILLION, "width": 2},
                marker={"symbol": "circle", "size": 8},
                error_y={**_band(rows), "color": VERMILLION},
            ),
            go.Scatter(
                x=months,
                y=[r["mean_probability"] for r in rows],
                name=_("Mean probability of default given"),
                mode="lines+markers",
                line={"color": BLUE, "width": 2, "dash": "dash"},
                marker={"symbol": "square", "size": 8},
            ),
            go.Scatter(
                x=[r["period"] for r in flagged],
                y=[r["default_rate"] for r in flagged],
                name=_("Beyond its interval"),
                mode="markers",
                marker={"symbol": "x-open", "size": 16, "color": INK, "line": {"width": 2}},
            ),
        ]
    )
    rates = [r[k] for r in rows for k in ("default_rate", "mean_probability", "ci_high")]
    fig.update_layout(yaxis={"title": _("Default rate"), "tickformat": ".0%", "range": rate_range(rates)})
    fig.update_xaxes(type="category")
    return base_layout(fig, 320, margin={"t": 60}, t=t)


def calibration_summary(payload: Mapping, t: Translator = ENGLISH) -> str:
    """The verdict of the calibration watch in one or two sentences."""
    _ = t.gettext
    window = payload.get("window")
    if not window:
        return _("No outcome known yet: load them with “scoring labels” to watch the calibration.")
    found = _(
        "Recent window ({start} to {end}): realised default rate {rate} ({low} to {high}) against a mean PD "
        "given of {mean}; ECE {ece}."
    ).format(
        start=window["start"][:10],
        end=window["end"][:10],
        rate=t.percent(window["default_rate"]),
        low=t.percent(window["ci_low"]),
        high=t.percent(window["ci_high"]),
        mean=t.percent(window["mean_probability"]),
        ece=t.number(window["ece"], 3),
    )
    shift = payload.get("recalibration")
    if not payload.get("flagged"):
        return found + " " + _("Calibration holds: the mean PD lies within the interval.")
    if not shift:
        return found + " " + _("The mean PD lies outside the interval.")
    return (
        found
        + " "
        + _(
            "The mean PD lies outside the interval: a recalibration is suggested (log-odds shift {shift}, "
            "mean PD {before} to {after}), to apply as a challenger with “scoring retrain --recalibrate”."
        ).format(
            shift=("+" if shift["logit_shift"] > 0 else "") + t.number(shift["logit_shift"], 3),
            before=t.percent(shift["mean_probability_before"]),
            after=t.percent(shift["mean_probability_after"]),
        )
    )
