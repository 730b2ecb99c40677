"""Figures of one client's decision (Client decision, What-if, New application): risk against the threshold,
the SHAP waterfall, before/after a what-if."""

from __future__ import annotations

from collections.abc import Mapping

import plotly.graph_objects as go

from dashboard import text
from dashboard.figures.style import (
    ACCEPT_ZONE,
    BLUE,
    GREY,
    INK,
    REFUSE_ZONE,
    VERMILLION,
    base_layout,
    wrap,
)
from dashboard.i18n import ENGLISH, Translator

WATERFALL_OTHERS = "All other features"
RAISES = "\u25b2 raises"
LOWERS = "\u25bc lowers"


def risk_bar(probability: float, threshold: float, t: Translator = ENGLISH) -> go.Figure:
    """Bullet bar: the probability of default against the threshold, with the two zones named."""
    _ = t.gettext
    top = min(1.0, max(2.5 * threshold, 1.25 * probability, 0.1))
    colour = BLUE if probability < threshold else VERMILLION
    fig = go.Figure(
        go.Bar(
            x=[probability],
            y=[_("Risk")],
            orientation="h",
            marker={"color": colour, "line": {"color": INK, "width": 1}},
            width=0.35,
            text=[t.percent(probability)],
            textposition="outside",
            hoverinfo="skip",
            showlegend=False,
        )
    )
    zones = ((0, threshold, ACCEPT_ZONE, _("Accept zone")), (threshold, top, REFUSE_ZONE, _("Refuse zone")))
    for low, high, fill, name in zones:
        fig.add_vrect(x0=low, x1=high, fillcolor=fill, line_width=0, layer="below")
        fig.add_annotation(x=(low + high) / 2, y=1.0, yref="paper", text=name, showarrow=False, yanchor="top")
    fig.add_vline(x=threshold, line={"color": INK, "width": 2, "dash": "dash"})
    fig.add_annotation(
        x=threshold,
        y=0.02,
        yref="paper",
        text=_("Threshold {threshold}").format(threshold=t.percent(threshold)),
        showarrow=False,
        yanchor="bottom",
        xanchor="left",
        xshift=4,
        bgcolor="white",
    )
    fig.update_xaxes(range=[0, top], tickformat=".0%", title=_("Probability of default"))
    fig.update_yaxes(showticklabels=False)
    return base_layout(fig, 190, t=t)


def waterfall_steps(explanation: Mapping) -> list[tuple[str, float]]:
    """(label, contribution) of the reasons, strongest first, then the rest as one step."""
    reasons = [*(explanation.get("raising") or []), *(explanation.get("lowering") or [])]
    reasons.sort(key=lambda r: abs(r["contribution"]), reverse=True)
    steps = [(f"{r['label']} = {text.value_text(r.get('value'))}", r["contribution"]) for r in reasons]
    rest = explanation["raw_score"] - explanation["base_value"] - sum(c for _, c in steps)
    return [*steps, (WATERFALL_OTHERS, rest)]


def waterfall(explanation: Mapping) -> go.Figure:
    """Local explanation: from the average score, each main feature's push up or down, to this client's.

    The bars are contributions in log-odds of the raw model; the two end points are labelled with the
    calibrated probabilities of default the API gives for them."""
    steps = waterfall_steps(explanation)
    start = explanation["base_value"]
    bases, labels = [], []
    level = start
    for label, contribution in steps:
        bases.append(level)
        labels.append(wrap(label))
        level += contribution
    values = [c for _, c in steps]
    fig = go.Figure(
        go.Bar(
            x=values,
            y=labels,
            base=bases,
            orientation="h",
            marker={
                "color": [VERMILLION if v > 0 else BLUE for v in values],
                "pattern": {"shape": ["/" if v > 0 else "" for v in values]},
                "line": {"color": INK, "width": 1},
            },
            text=[f"{RAISES if v > 0 else LOWERS} {v:+.2f}" for v in values],
            textposition="outside",
            cliponaxis=False,
            hoverinfo="skip",
            showlegend=False,
        )
    )
    marks = (
        (start, "Average client", explanation["base_probability"], GREY, 0),
        (explanation["raw_score"], "This client", explanation["probability"], INK, 18),
    )
    for x, name, risk, colour, shift in marks:
        fig.add_vline(x=x, line={"color": colour, "dash": "dot"})
        fig.add_annotation(
            x=x,
            y=1.0,
            yref="paper",
            yanchor="bottom",
            yshift=shift,
            showarrow=False,
            text=f"{name}: {text.percent(risk)}",
        )
    ends = [*bases, *(b + v for b, v in zip(bases, values, strict=True)), explanation["raw_score"]]
    pad = 0.35 * (max(ends) - min(ends) or 1.0)
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(
        title="Score in log-odds of the raw model (right = higher risk); risks at the ends are calibrated",
        range=[min(ends) - pad, max(ends) + pad],
        automargin=True,
    )
    return base_layout(fig, 140 + 48 * len(steps), margin={"l": 10, "r": 90, "t": 60, "b": 10})


def comparison(before: Mapping, after: Mapping, threshold: float) -> go.Figure:
    """Before and after a what-if: two probabilities against the threshold, decisions written on bars."""
    rows = (("Before", before), ("After", after))
    top = min(1.0, max(2.5 * threshold, 1.25 * max(before["probability"], after["probability"]), 0.1))
    fig = go.Figure(
        go.Bar(
            y=[name for name, _ in rows],
            x=[r["probability"] for _, r in rows],
            orientation="h",
            marker={
                "color": [BLUE if r["decision"] == text.ACCEPT else VERMILLION for _, r in rows],
                "pattern": {"shape": ["" if r["decision"] == text.ACCEPT else "/" for _, r in rows]},
                "line": {"color": INK, "width": 1},
            },
            text=[
                f"{text.percent(r['probability'])} {text.decision_icon(r['decision'])} "
                f"{text.decision_words(r['decision'])}"
                for _, r in rows
            ],
            textposition="outside",
            cliponaxis=False,
            hoverinfo="skip",
            showlegend=False,
        )
    )
    fig.add_vline(x=threshold, line={"color": INK, "width": 2, "dash": "dash"})
    fig.add_annotation(
        x=threshold,
        y=1,
        yref="paper",
        yanchor="bottom",
        showarrow=False,
        text=f"Threshold {text.percent(threshold)}",
    )
    fig.update_xaxes(range=[0, top], tickformat=".0%", title="Probability of default")
    fig.update_yaxes(autorange="reversed")
    return base_layout(fig, 220, margin={"l": 10, "r": 160, "t": 40, "b": 10})
