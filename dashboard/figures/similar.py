"""Figures of the Similar clients page: a feature among repaid and defaulted clients, a two-feature
scatter."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from dashboard import text
from dashboard.figures.style import BLUE, INK, ORANGE, SEQUENTIAL, VERMILLION, base_layout, wrap
from dashboard.i18n import ENGLISH, Translator


def _shares(counts: Sequence[int]) -> list[float]:
    total = sum(counts)
    return [c / total if total else 0.0 for c in counts]


def _marker_position(data: Mapping, value: object) -> float | None:
    """Where the client's value sits on the x axis (a category's index on a categorical axis)."""
    levels = data.get("levels")
    if levels:
        return levels.index(value) if value in levels else None
    return value if text.is_number(value) else None


def distribution(data: Mapping, t: Translator = ENGLISH) -> go.Figure:
    """A feature among repaid and defaulted clients (share of each group), the client's value marked."""
    _ = t.gettext
    categorical = bool(data.get("levels"))
    if categorical:
        x, width = data["levels"], None
    else:
        edges = np.asarray(data["edges"])
        x, width = ((edges[:-1] + edges[1:]) / 2).tolist(), float(edges[1] - edges[0])
    fig = go.Figure()
    groups = ((_("Repaid"), data["repaid"], BLUE, ""), (_("Defaulted"), data["defaulted"], VERMILLION, "/"))
    for name, counts, colour, pattern in groups:
        fig.add_trace(
            go.Bar(
                x=x,
                y=_shares(counts),
                width=width,
                name=f"{name} ({t.number(sum(counts))})",
                marker={"color": colour, "opacity": 0.65, "pattern": {"shape": pattern}},
                hovertemplate=f"{name}<br>%{{x}}: %{{y:.1%}}<extra></extra>",
            )
        )
    value = data.get("client_value")
    position = _marker_position(data, value)
    if position is not None:
        fig.add_vline(x=position, line={"color": INK, "width": 3, "dash": "dash"})
        fig.add_annotation(
            x=position,
            y=0.97,
            yref="paper",
            text=_("This client: {value}").format(value=text.value_text(value, t)),
            showarrow=False,
            yanchor="top",
            xanchor="left",
            xshift=4,
            bgcolor="white",
        )
    fig.update_layout(barmode="group" if categorical else "overlay", bargap=0.05)
    fig.update_yaxes(tickformat=".0%", title=_("Share of the group"))
    fig.update_xaxes(title=wrap(data["label"], 80))
    return base_layout(fig, 360, margin={"l": 10, "r": 10, "t": 60, "b": 10}, t=t)


def scatter(data: Mapping, t: Translator = ENGLISH) -> go.Figure:
    """Two features of labelled clients, coloured by risk, outcome by symbol, the client as a star."""
    _ = t.gettext
    x, y = np.asarray(data["x_values"]), np.asarray(data["y_values"])
    probability, outcome = np.asarray(data["probability"]), np.asarray(data["outcome"])
    fig = go.Figure()
    for value, name, symbol in ((0, _("Repaid"), "circle"), (1, _("Defaulted"), "x")):
        keep = outcome == value
        fig.add_trace(
            go.Scatter(
                x=x[keep],
                y=y[keep],
                mode="markers",
                name=f"{name} ({t.number(int(keep.sum()))})",
                marker={
                    "symbol": symbol,
                    "size": 7,
                    "color": probability[keep],
                    "coloraxis": "coloraxis",
                    "opacity": 0.75,
                },
                hovertemplate=f"{name}<br>%{{x}}, %{{y}}<extra></extra>",
            )
        )
    client = data.get("client")
    if client and client.get("x") is not None and client.get("y") is not None:
        fig.add_trace(
            go.Scatter(
                x=[client["x"]],
                y=[client["y"]],
                mode="markers+text",
                name=_("This client"),
                text=[_("This client")],
                textposition="top right",
                marker={"symbol": "star", "size": 22, "color": ORANGE, "line": {"color": INK, "width": 2}},
            )
        )
    fig.update_layout(
        coloraxis={
            "colorscale": SEQUENTIAL,
            "colorbar": {"title": _("Risk"), "tickformat": ".0%"},
        }
    )
    fig.update_xaxes(title=wrap(data["x_label"], 70))
    fig.update_yaxes(title=wrap(data["y_label"], 40))
    return base_layout(fig, 440, margin={"l": 10, "r": 10, "t": 60, "b": 10}, t=t)
