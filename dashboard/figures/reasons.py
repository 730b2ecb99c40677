"""Figures of the reasons by code, pure functions of the API's payloads and a translator: the waterfall of
reason codes from the average client's score points to this client's, a code's member features (the
drill-down), and the global importance of the codes.

The API gives contributions in log-odds of the raw model; they are shown in score points, more points
meaning less risk. For one client a log-odds step is worth `points_per_log_odds` points: the move from the
average client's points to this client's over the move of the raw score, so that the codes' points add up
to the points shown (the scale's -pdo/ln 2 when the raw score is the average's)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import plotly.graph_objects as go

from dashboard.figures.style import BLUE, GREY, INK, VERMILLION, base_layout, layout_of, vline, wrap
from dashboard.i18n import ENGLISH, Translator
from dashboard.values import DEFAULT_CURRENCY, is_number, labelled_value, signed_points

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
    score by less than the shown precision of points (`digits` decimals)."""
    scale = points_per_log_odds(explanation, points)
    codes = explanation.get("codes") or []
    steps = [(c["title"], c["contribution"] * scale) for c in codes[:top]]
    rest = sum(c["contribution"] for c in codes[top:]) * scale
    if len(codes) > top and round(rest, digits) != 0:
        steps.append((t.gettext("Other reason codes ({count})").format(count=len(codes) - top), rest))
    return steps


def _bars(
    steps: Sequence[tuple[str, float]], start: float, t: Translator, digits: int
) -> tuple[dict, list[float]]:
    """The waterfall's bar trace from `start`, and every end of its steps."""
    bases, level = [], start
    for _, value in steps:
        bases.append(level)
        level += value
    values = [v for _, v in steps]
    bar = {
        "type": "bar",
        "x": values,
        "y": [wrap(label) for label, _ in steps],
        "base": bases,
        "orientation": "h",
        "marker": {
            "color": [VERMILLION if v < 0 else BLUE for v in values],
            "pattern": {"shape": ["/" if v < 0 else "" for v in values]},
            "line": {"color": INK, "width": 1},
        },
        "text": [signed_points(v, digits, t) for v in values],
        "textposition": "outside",
        "cliponaxis": False,
        "hoverinfo": "skip",
        "showlegend": False,
    }
    ends = [*bases, *(b + v for b, v in zip(bases, values, strict=True)), level]
    return bar, ends


def _frame(
    bar: dict, ends: list[float], rows: int, title: str, t: Translator, top_margin: int = 60, **layout: object
) -> go.Figure:
    """The waterfall in one go (the officer waits for it): steps from the top, an axis padded around them."""
    pad = 0.35 * (max(ends) - min(ends) or 1.0)
    frame = layout_of(
        140 + 44 * rows,
        {"l": 10, "r": 90, "t": top_margin, "b": 10},
        t,
        xaxis={"title": title, "range": [min(ends) - pad, max(ends) + pad]},
        yaxis={"autorange": "reversed"},
        **layout,
    )
    return go.Figure([bar], frame)


def code_waterfall(
    explanation: Mapping, probability: float, points: float, t: Translator = ENGLISH, digits: int = 0
) -> go.Figure:
    """From the average client's points, each reason code's points gained or lost, to this client's points;
    the two end points labelled with the calibrated risks the API gives."""
    steps = code_steps(explanation, points, t, digits)
    start = explanation["base_points"]
    bar, ends = _bars(steps, start, t, digits)
    marks = (
        (
            start,
            t.gettext("Average client: {risk}").format(risk=t.percent(explanation["base_probability"])),
            GREY,
            0,
        ),
        (points, t.gettext("This client: {risk}").format(risk=t.percent(probability)), INK, 18),
    )
    shapes = [vline(x, {"color": colour, "dash": "dot"}) for x, _label, colour, _shift in marks]
    annotations = [
        {"x": x, "y": 1.0, "yref": "paper", "yanchor": "bottom", "yshift": shift, "showarrow": False}
        | {"text": label}
        for x, label, _colour, shift in marks
    ]
    title = t.gettext("Score points (to the left: fewer points, a higher risk of default)")
    return _frame(bar, [*ends, points], len(steps), title, t, shapes=shapes, annotations=annotations)


def member_steps(
    code: Mapping,
    scale: float,
    t: Translator = ENGLISH,
    digits: int = 0,
    currency: str = DEFAULT_CURRENCY,
) -> list[tuple[str, float]]:
    """('feature: value', points) of a code's listed features, then its other features unless they move the
    score by less than the shown precision (`scale`: points per log-odds step, `points_per_log_odds`)."""
    features = code.get("features") or []
    steps = [(labelled_value(f, t, currency), f["contribution"] * scale) for f in features]
    rest = code["contribution"] * scale - sum(p for _, p in steps)
    if round(rest, digits) != 0:
        steps.append((t.gettext("Other features of this code"), rest))
    return steps


def code_members(
    code: Mapping,
    scale: float,
    t: Translator = ENGLISH,
    digits: int = 0,
    currency: str = DEFAULT_CURRENCY,
) -> go.Figure:
    """Drill-down: how a code's points split over its features (from 0 to the code's points)."""
    steps = member_steps(code, scale, t, digits, currency)
    bar, ends = _bars(steps, 0.0, t, digits)
    title = t.gettext("Points of this reason code (to the left: a higher risk of default)")
    zero = vline(0, {"color": GREY, "dash": "dot"})
    return _frame(bar, [0.0, *ends], len(steps), title, t, top_margin=20, shapes=[zero])


def code_importance(codes: Sequence[Mapping], t: Translator = ENGLISH, top: int = 15) -> go.Figure:
    """Global importance of the reason codes: each code's share of what moves the scores (mean |SHAP summed
    per code| over the training sample, as a share of the codes' total)."""
    shown = list(codes[:top])
    fig = go.Figure(
        go.Bar(
            x=[c["importance_share"] for c in shown],
            y=[wrap(c["title"]) for c in shown],
            orientation="h",
            marker={"color": BLUE, "line": {"color": INK, "width": 1}},
            text=[t.percent(c["importance_share"], 0) for c in shown],
            textposition="outside",
            cliponaxis=False,
            hoverinfo="skip",
            showlegend=False,
        )
    )
    fig.update_yaxes(autorange="reversed", automargin=True)
    title = t.gettext("Share of what moves the scores")
    fig.update_xaxes(title=title, tickformat=".0%", rangemode="tozero", automargin=True)
    return base_layout(fig, 120 + 30 * len(shown), margin={"l": 10, "r": 60, "t": 20, "b": 10}, t=t)
