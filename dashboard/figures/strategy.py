"""The Strategy page's chart: approval rate against the bad rate of the accepted over the accept cut-off, one
curve per strategy (the one in force and the simulated one, each with its rules applied), each strategy's
own cut-off marked (the API's `chart` points of a simulation)."""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard.figures.style import BLUE, GREY, base_layout
from dashboard.i18n import ENGLISH, Translator

STYLES = {"current": (GREY, "dash", "circle"), "simulated": (BLUE, "solid", "diamond")}


def curve_name(curve: dict, in_force: str, t: Translator = ENGLISH) -> str:
    """The legend's words of a curve: the strategy in force (named `in_force`), or the one simulated."""
    if curve["role"] == "current":
        return t.gettext("In force: {name}").format(name=in_force)
    return t.gettext("Simulated: {name}").format(name=curve["label"])


def strategy_chart(chart: dict, in_force: str, t: Translator = ENGLISH) -> go.Figure:
    """Both strategies' curves and their cut-offs (a dashed grey curve with a circle for the strategy in
    force, named `in_force`, a solid blue one with a diamond for the simulated one: told apart without
    colour too)."""
    fig = go.Figure()
    for curve in chart["curves"]:
        colour, dash, symbol = STYLES[curve["role"]]
        name = curve_name(curve, in_force, t)
        fig.add_scatter(
            x=curve["approval_rate"],
            y=curve["bad_rate"],
            mode="lines",
            name=name,
            line={"color": colour, "dash": dash},
            hovertemplate="%{x:.1%} / %{y:.2%}<extra></extra>",
        )
        point = curve["point"]
        marker = t.gettext("{name} (accept below {cutoff})").format(
            name=name, cutoff=t.percent(curve["accept_below"], 1)
        )
        fig.add_scatter(
            x=[point["approval_rate"]],
            y=[point["bad_rate"]],
            mode="markers",
            name=marker,
            marker={"color": colour, "size": 13, "symbol": symbol, "line": {"color": "white", "width": 1}},
            hovertemplate="%{x:.1%} / %{y:.2%}<extra></extra>",
        )
    kind = (
        t.gettext("observed bad rate of the accepted")
        if chart["bad_rate"] == "observed"
        else t.gettext("expected bad rate of the accepted (mean PD)")
    )
    base_layout(fig, 420, {"t": 60}, t)
    fig.update_xaxes(title=t.gettext("approval rate"), tickformat=".0%", rangemode="tozero")
    fig.update_yaxes(title=kind, tickformat=".1%", rangemode="tozero")
    return fig
