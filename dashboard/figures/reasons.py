"""Figures of the reasons by code, pure functions of the API's payloads and a translator: the waterfall of
reason codes from the average client's score points to this client's and a code's member features (the
drill-down), both drawn in plain HTML (`figures.html_charts`: the officer waits for them), and the global
importance of the codes (Plotly).

The API gives contributions in log-odds of the raw model; they are shown in score points, more points
meaning less risk. For one client a log-odds step is worth `points_per_log_odds` points: the move from the
average client's points to this client's over the move of the raw score, so that the codes' points add up
to the points shown (the scale's -pdo/ln 2 when the raw score is the average's)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import plotly.graph_objects as go
from dash import html

from dashboard.figures.html_charts import number_ticks, waterfall
from dashboard.figures.margins import FIXED, side, under
from dashboard.figures.style import BLUE, INK, layout_of, wrap
from dashboard.i18n import ENGLISH, Translator
from dashboard.values import (
    DEFAULT_CURRENCY,
    as_shown,
    is_number,
    labelled_value,
    rounded_to_total,
    signed_points,
)

TOP_CODES = 8
SAME_SCORE = 1e-9


def points_per_log_odds(explanation: Mapping, points: object) -> float:
    """Score points of one log-odds step of the raw model for this client (negative: risk costs points)."""
    moved = explanation["raw_score"] - explanation["base_value"]
    if abs(moved) < SAME_SCORE or not is_number(points):
        return -explanation["points_per_log_odds"]
    return (points - explanation["base_points"]) / moved


def code_steps(
    explanation: Mapping, points: float, t: Translator = ENGLISH, digits: int = 0, top: int = TOP_CODES
) -> list[tuple[str, float]]:
    """(title, points) of the `top` strongest codes, then the other codes as one step unless they move the
    score by less than the shown precision of points (`digits` decimals); the points rounded to that
    precision so that they add up to the move between the average client's points and the client's, as
    shown (`rounded_to_total`)."""
    scale = points_per_log_odds(explanation, points)
    codes = explanation.get("codes") or []
    steps = [(c["title"], c["contribution"] * scale) for c in codes[:top]]
    rest = sum(c["contribution"] for c in codes[top:]) * scale
    if len(codes) > top and round(rest, digits) != 0:
        steps.append((t.gettext("Other reason codes ({count})").format(count=len(codes) - top), rest))
    moved = as_shown(points, digits) - as_shown(explanation["base_points"], digits)
    shown = rounded_to_total([value for _, value in steps], moved, digits)
    return [(title, value) for (title, _), value in zip(steps, shown, strict=True)]


def code_points(explanation: Mapping, points: float, digits: int = 0) -> dict[str, float]:
    """Each code's points as the page shows them: the waterfall's own steps (`code_steps`) for its codes,
    each other code's points rounded alone."""
    scale = points_per_log_odds(explanation, points)
    codes = explanation.get("codes") or []
    shown = {c["code"]: as_shown(c["contribution"] * scale, digits) for c in codes}
    steps = code_steps(explanation, points, digits=digits)
    shown.update((c["code"], value) for c, (_, value) in zip(codes[:TOP_CODES], steps, strict=False))
    return shown


def waterfall_rows(
    steps: Sequence[tuple[str, float]], start: float, t: Translator, digits: int
) -> tuple[list[dict], list[float]]:
    """The waterfall's steps from `start` (label, where it starts, its points and their text), and every
    end of them."""
    rows, level = [], start
    for label, value in steps:
        rows.append({"label": label, "start": level, "value": value, "text": signed_points(value, digits, t)})
        level += value
    return rows, [start, *(r["start"] + r["value"] for r in rows)]


def padded(ends: Sequence[float]) -> tuple[float, float]:
    """An axis around the steps' ends, with room on each side for the values written beside the bars."""
    pad = 0.35 * (max(ends) - min(ends) or 1.0)
    return min(ends) - pad, max(ends) + pad


def _data(rows: list[dict], ends: Sequence[float], title: str, t: Translator, marks: list[dict]) -> dict:
    low, high = padded(ends)
    return {"rows": rows, "range": [low, high], "ticks": number_ticks(low, high, t), "title": title} | {
        "marks": marks
    }


def code_waterfall_data(
    explanation: Mapping, probability: float, points: float, t: Translator = ENGLISH, digits: int = 0
) -> dict:
    """From the average client's points, each reason code's points gained or lost, to this client's points;
    the two end points labelled with the calibrated risks the API gives (for `html_charts.waterfall`)."""
    start = explanation["base_points"]
    rows, ends = waterfall_rows(code_steps(explanation, points, t, digits), start, t, digits)
    marks = [
        {
            "x": start,
            "kind": "average",
            "label": t.gettext("Average client: {risk}").format(
                risk=t.percent(explanation["base_probability"])
            ),
        },
        {
            "x": points,
            "kind": "client",
            "label": t.gettext("This client: {risk}").format(risk=t.percent(probability)),
        },
    ]
    title = t.gettext("Score points (to the left: fewer points, a higher risk of default)")
    return _data(rows, [*ends, points], title, t, marks)


def code_waterfall(
    chart_id: str,
    explanation: Mapping,
    probability: float,
    points: float,
    t: Translator = ENGLISH,
    digits: int = 0,
) -> html.Div:
    """The waterfall by reason code (`code_waterfall_data`), drawn in HTML (the officer waits for it)."""
    return waterfall(chart_id, code_waterfall_data(explanation, probability, points, t, digits))


def member_steps(
    code: Mapping,
    scale: float,
    t: Translator = ENGLISH,
    digits: int = 0,
    currency: str = DEFAULT_CURRENCY,
) -> list[tuple[str, float]]:
    """('feature: value', points) of a code's listed features, then its other features unless they move the
    score by less than the shown precision (`scale`: points per log-odds step, `points_per_log_odds`); the
    points rounded to add up to the code's points as shown (its `points` when given: `code_points`)."""
    features = code.get("features") or []
    steps = [(labelled_value(f, t, currency), f["contribution"] * scale) for f in features]
    total = code["contribution"] * scale
    rest = total - sum(p for _, p in steps)
    if round(rest, digits) != 0:
        steps.append((t.gettext("Other features of this code"), rest))
    shown = rounded_to_total([p for _, p in steps], code.get("points", as_shown(total, digits)), digits)
    return [(label, value) for (label, _), value in zip(steps, shown, strict=True)]


def code_members_data(
    code: Mapping,
    scale: float,
    t: Translator = ENGLISH,
    digits: int = 0,
    currency: str = DEFAULT_CURRENCY,
) -> dict:
    """Drill-down: how a code's points split over its features (from 0 to the code's points)."""
    rows, ends = waterfall_rows(member_steps(code, scale, t, digits, currency), 0.0, t, digits)
    title = t.gettext("Points of this reason code (to the left: a higher risk of default)")
    return _data(rows, [0.0, *ends], title, t, [{"x": 0.0, "kind": "zero"}])


def code_members(
    chart_id: str,
    code: Mapping,
    scale: float,
    t: Translator = ENGLISH,
    digits: int = 0,
    currency: str = DEFAULT_CURRENCY,
) -> html.Div:
    """The drill-down (`code_members_data`), drawn in HTML like the waterfall it details."""
    return waterfall(chart_id, code_members_data(code, scale, t, digits, currency))


def code_importance(codes: Sequence[Mapping], t: Translator = ENGLISH, top: int = 15) -> go.Figure:
    """Global importance of the reason codes: each code's share of what moves the scores (mean |SHAP summed
    per code| over the training sample, as a share of the codes' total)."""
    shown = list(codes[:top])
    labels = [wrap(c["title"]) for c in shown]
    bar = go.Bar(
        x=[c["importance_share"] for c in shown],
        y=labels,
        orientation="h",
        marker={"color": BLUE, "line": {"color": INK, "width": 1}},
        text=[t.percent(c["importance_share"], 0) for c in shown],
        textposition="outside",
        cliponaxis=False,
        hoverinfo="skip",
        showlegend=False,
    )
    title = t.gettext("Share of what moves the scores")
    layout = layout_of(  # margins fixed from the labels: Plotly lays the figure out once (figures.margins)
        120 + 30 * len(shown),
        {"l": side(labels), "r": 60, "t": 20, "b": under(title)},
        t,
        xaxis={**FIXED, "title": title, "tickformat": ".0%", "rangemode": "tozero"},
        yaxis={**FIXED, "autorange": "reversed"},
    )
    return go.Figure([bar], layout)
