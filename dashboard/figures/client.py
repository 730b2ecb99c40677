"""Figures of one client's decision (Client decision, What-if, New application): risk against the threshold,
before/after a what-if (the waterfall by reason code is in `figures.reasons`)."""

from __future__ import annotations

from collections.abc import Mapping

import plotly.graph_objects as go

from dashboard import text
from dashboard.figures.style import ACCEPT_ZONE, BLUE, INK, REFUSE_ZONE, VERMILLION, base_layout
from dashboard.i18n import ENGLISH, Translator
from dashboard.values import risk_digits

NARROWEST_CHART_PX = 480  # the risk bar's plot width in the narrowest column it is shown in
CHARACTER_PX = 7.5  # the width of a character of the figures' 13 px font, generously


def zone_name(name: str, low: float, high: float, top: float, fill: str) -> dict:
    """Where a zone's name goes: inside the zone when it fits there on the narrowest chart, else above the
    chart from the zone's left edge, on the zone's colour (a narrow accept zone beside a high risk)."""
    if (high - low) / top * NARROWEST_CHART_PX >= len(name) * CHARACTER_PX:
        return {"x": (low + high) / 2, "y": 1.0, "yanchor": "top", "text": name}
    return {"x": low, "y": 1.0, "yanchor": "bottom", "xanchor": "left", "text": name, "bgcolor": fill}


def risk_bar(probability: float, threshold: float, t: Translator = ENGLISH) -> go.Figure:
    """Bullet bar: the probability of default against the threshold, with the two zones named (percentages
    with the digits that tell the risk from the threshold)."""
    _ = t.gettext
    digits = risk_digits(probability, threshold)
    top = min(1.0, max(2.5 * threshold, 1.25 * probability, 0.1))
    colour = BLUE if probability < threshold else VERMILLION
    fig = go.Figure(
        go.Bar(
            x=[probability],
            y=[_("Risk")],
            orientation="h",
            marker={"color": colour, "line": {"color": INK, "width": 1}},
            width=0.35,
            text=[t.percent(probability, digits)],
            textposition="outside",
            hoverinfo="skip",
            showlegend=False,
        )
    )
    zones = ((0, threshold, ACCEPT_ZONE, _("Accept zone")), (threshold, top, REFUSE_ZONE, _("Refuse zone")))
    for low, high, fill, name in zones:
        fig.add_vrect(x0=low, x1=high, fillcolor=fill, line_width=0, layer="below")
        fig.add_annotation(showarrow=False, yref="paper", **zone_name(name, low, high, top, fill))
    fig.add_vline(x=threshold, line={"color": INK, "width": 2, "dash": "dash"})
    fig.add_annotation(
        x=threshold,
        y=0.02,
        yref="paper",
        text=_("Threshold {threshold}").format(threshold=t.percent(threshold, digits)),
        showarrow=False,
        yanchor="bottom",
        xanchor="left",
        xshift=4,
        bgcolor="white",
    )
    fig.update_xaxes(range=[0, top], tickformat=".0%", title=_("Probability of default"))
    fig.update_yaxes(showticklabels=False)
    return base_layout(fig, 190, t=t)


def comparison(before: Mapping, after: Mapping, threshold: float, t: Translator = ENGLISH) -> go.Figure:
    """Before and after a what-if: two probabilities against the threshold, decisions written on bars."""
    _ = t.gettext
    rows = ((_("Before"), before), (_("After"), after))
    top = min(1.0, max(2.5 * threshold, 1.25 * max(before["probability"], after["probability"]), 0.1))
    fig = go.Figure(
        go.Bar(
            y=[name for name, _row in rows],
            x=[r["probability"] for _name, r in rows],
            orientation="h",
            marker={
                "color": [BLUE if r["decision"] == text.ACCEPT else VERMILLION for _name, r in rows],
                "pattern": {"shape": ["" if r["decision"] == text.ACCEPT else "/" for _name, r in rows]},
                "line": {"color": INK, "width": 1},
            },
            text=[
                f"{t.percent(r['probability'])} {text.decision_with_icon(r['decision'], t)}"
                for _name, r in rows
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
        text=_("Threshold {threshold}").format(threshold=t.percent(threshold)),
    )
    fig.update_xaxes(range=[0, top], tickformat=".0%", title=_("Probability of default"))
    fig.update_yaxes(autorange="reversed")
    return base_layout(fig, 220, margin={"l": 10, "r": 160, "t": 40, "b": 10}, t=t)
