"""Figures of the reasons by code, pure functions of the API's payloads and a translator: the waterfall of
reason codes from the average client to this client, a code's member features (the drill-down), and the
global importance of the codes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import plotly.graph_objects as go

from dashboard.figures.style import BLUE, GREY, INK, VERMILLION, base_layout, wrap
from dashboard.i18n import ENGLISH, Translator
from dashboard.text import value_text

TOP_CODES = 8


def code_steps(
    explanation: Mapping, t: Translator = ENGLISH, top: int = TOP_CODES
) -> list[tuple[str, float]]:
    """(title, contribution) of the `top` strongest codes, then the other codes as one step (exact)."""
    codes = explanation.get("codes") or []
    steps = [(c["title"], c["contribution"]) for c in codes[:top]]
    rest = sum(c["contribution"] for c in codes[top:])
    if len(codes) > top:
        steps.append((t.gettext("Other reason codes ({count})").format(count=len(codes) - top), rest))
    return steps


def _bars(steps: Sequence[tuple[str, float]], start: float, t: Translator) -> tuple[go.Figure, list[float]]:
    bases, level = [], start
    for _, value in steps:
        bases.append(level)
        level += value
    values = [v for _, v in steps]
    raises, lowers = t.gettext("\u25b2 raises"), t.gettext("\u25bc lowers")
    fig = go.Figure(
        go.Bar(
            x=values,
            y=[wrap(label) for label, _ in steps],
            base=bases,
            orientation="h",
            marker={
                "color": [VERMILLION if v > 0 else BLUE for v in values],
                "pattern": {"shape": ["/" if v > 0 else "" for v in values]},
                "line": {"color": INK, "width": 1},
            },
            text=[f"{raises if v > 0 else lowers} {t.number(v, 2)}" for v in values],
            textposition="outside",
            cliponaxis=False,
            hoverinfo="skip",
            showlegend=False,
        )
    )
    ends = [*bases, *(b + v for b, v in zip(bases, values, strict=True)), level]
    return fig, ends


def _frame(fig: go.Figure, ends: list[float], rows: int, t: Translator, top_margin: int = 60) -> go.Figure:
    pad = 0.35 * (max(ends) - min(ends) or 1.0)
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(
        title=t.gettext("Score in log-odds (right = higher risk of default)"),
        range=[min(ends) - pad, max(ends) + pad],
        automargin=True,
    )
    return base_layout(fig, 140 + 44 * rows, margin={"l": 10, "r": 90, "t": top_margin, "b": 10}, t=t)


def code_waterfall(explanation: Mapping, probability: float, t: Translator = ENGLISH) -> go.Figure:
    """From the average client's score, each reason code's push up or down, to this client's score: bars in
    log-odds of the raw model, the two end points labelled with the calibrated risks the API gives."""
    steps = code_steps(explanation, t)
    start, end = explanation["base_value"], explanation["raw_score"]
    fig, ends = _bars(steps, start, t)
    marks = (
        (
            start,
            t.gettext("Average client: {risk}").format(risk=t.percent(explanation["base_probability"])),
            GREY,
            0,
        ),
        (end, t.gettext("This client: {risk}").format(risk=t.percent(probability)), INK, 18),
    )
    for x, label, colour, shift in marks:
        fig.add_vline(x=x, line={"color": colour, "dash": "dot"})
        fig.add_annotation(
            x=x, y=1.0, yref="paper", yanchor="bottom", yshift=shift, showarrow=False, text=label
        )
    return _frame(fig, ends, len(steps), t)


def member_steps(code: Mapping, t: Translator = ENGLISH) -> list[tuple[str, float]]:
    """(feature = value, contribution) of a code's listed features, then its other features (exact)."""
    features = code.get("features") or []
    steps = [(f"{f['label']} = {value_text(f.get('value'), t)}", f["contribution"]) for f in features]
    rest = code["contribution"] - sum(c for _, c in steps)
    if abs(rest) > 1e-9:
        steps.append((t.gettext("Other features of this code"), rest))
    return steps


def code_members(code: Mapping, t: Translator = ENGLISH) -> go.Figure:
    """Drill-down: how a code's contribution splits over its features (from 0 to the code's total)."""
    steps = member_steps(code, t)
    fig, ends = _bars(steps, 0.0, t)
    fig.add_vline(x=0, line={"color": GREY, "dash": "dot"})
    return _frame(fig, [0.0, *ends], len(steps), t, top_margin=20)


def code_importance(codes: Sequence[Mapping], t: Translator = ENGLISH, top: int = 15) -> go.Figure:
    """Global importance of the reason codes: mean |SHAP summed per code| over the training sample."""
    shown = list(codes[:top])
    fig = go.Figure(
        go.Bar(
            x=[c["importance"] for c in shown],
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
    fig.update_xaxes(title=t.gettext("Mean |SHAP| of the code (log-odds)"), automargin=True)
    return base_layout(fig, 120 + 30 * len(shown), margin={"l": 10, "r": 60, "t": 20, "b": 10}, t=t)
