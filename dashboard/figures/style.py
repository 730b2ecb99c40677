"""The dashboard's look, shared by every figure: the Okabe-Ito colour-blind-safe palette (meaning never rests
on colour alone: text labels, marker symbols, dash styles and bar patterns carry it too) and the layout."""

from __future__ import annotations

import textwrap

import plotly.graph_objects as go

from dashboard.i18n import ENGLISH, Translator

BLUE = "#0072B2"
VERMILLION = "#D55E00"
ORANGE = "#E69F00"
SKY = "#56B4E9"
GREEN = "#009E73"
PURPLE = "#CC79A7"
INK = "#212529"
GREY = "#6C757D"
GRID = "#E9ECEF"
ACCEPT_ZONE = "#DCEBF5"
REFUSE_ZONE = "#F9E0D0"
SEQUENTIAL = "Cividis"
ERROR_STYLES = ((ORANGE, "/"), (VERMILLION, "x"), (PURPLE, "."), (GREEN, "\\"), (SKY, "+"))
LABEL_WIDTH = 42


def base_layout(
    fig: go.Figure, height: int, margin: dict | None = None, t: Translator = ENGLISH, **layout: object
) -> go.Figure:
    """The shared look: white background, light grid, readable dark text, compact margins (no template:
    applying one costs more than the rest of the figure); numbers with the locale's separators."""
    fig.update_layout(
        separators=t.separators,
        template="none",
        height=height,
        margin={"l": 10, "r": 10, "t": 30, "b": 10, **(margin or {})},
        font={"size": 13, "color": INK, "family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"},
        paper_bgcolor="white",
        plot_bgcolor="white",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        **layout,
    )
    fig.update_xaxes(gridcolor=GRID, linecolor=GREY, zerolinecolor=GREY, automargin=True)
    fig.update_yaxes(gridcolor=GRID, linecolor=GREY, zerolinecolor=GREY, automargin=True)
    return fig


# Plotly writes month names in English; other languages get numeric dates (day/month) at every zoom level.
NUMERIC_DATES = [
    {"dtickrange": [None, 60_000], "value": "%H:%M:%S"},
    {"dtickrange": [60_000, 86_400_000], "value": "%d/%m %H:%M"},
    {"dtickrange": [86_400_000, "M1"], "value": "%d/%m"},
    {"dtickrange": ["M1", "M12"], "value": "%m/%Y"},
    {"dtickrange": ["M12", None], "value": "%Y"},
]


def date_axis(fig: go.Figure, t: Translator = ENGLISH) -> go.Figure:
    """The x axis as dates in the page's language (Plotly's own English format for English)."""
    if t.language != "en":
        fig.update_xaxes(tickformatstops=NUMERIC_DATES, hoverformat="%d/%m/%Y %H:%M")
    return fig


def wrap(label: str, width: int = LABEL_WIDTH) -> str:
    return "<br>".join(textwrap.wrap(label, width)) or label
