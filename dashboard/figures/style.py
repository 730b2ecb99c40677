"""The dashboard's look, shared by every figure: the Okabe-Ito colour-blind-safe palette (meaning never rests
on colour alone: text labels, marker symbols, dash styles and bar patterns carry it too) and the layout."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

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
REFER_ZONE = "#FBF0C9"
SEQUENTIAL = "Cividis"
ERROR_STYLES = ((ORANGE, "/"), (VERMILLION, "x"), (PURPLE, "."), (GREEN, "\\"), (SKY, "+"))
LABEL_WIDTH = 42
DAY = timedelta(days=1)
SHORT_SPAN_TICK_MS = 3 * 3600 * 1000  # a tick every 3 hours on a one-day axis
MIN_RATE_TOP = 0.05  # a rate axis shows at least 0-5 %


FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
AXIS = {"gridcolor": GRID, "linecolor": GREY, "zerolinecolor": GREY, "automargin": True}


def _look(height: int, margin: dict | None, t: Translator) -> dict:
    return {
        "separators": t.separators,
        "template": "none",
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 30, "b": 10, **(margin or {})},
        "font": {"size": 13, "color": INK, "family": FONT_FAMILY},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
    }


def base_layout(
    fig: go.Figure, height: int, margin: dict | None = None, t: Translator = ENGLISH, **layout: object
) -> go.Figure:
    """The shared look: white background, light grid, readable dark text, compact margins (no template:
    applying one costs more than the rest of the figure); numbers with the locale's separators."""
    fig.update_layout(**_look(height, margin, t), **layout)
    fig.update_xaxes(**AXIS)
    fig.update_yaxes(**AXIS)
    return fig


def layout_of(height: int, margin: dict | None = None, t: Translator = ENGLISH, **layout: object) -> dict:
    """`base_layout`'s look as one layout for a figure built in one go (`go.Figure(data, layout)`: ten times
    faster than updating it step by step); each axis given (`xaxis`, `yaxis2`, …) gets the shared look."""
    axes = {k: {**AXIS, **v} for k, v in layout.items() if k.startswith(("xaxis", "yaxis"))}
    return {**_look(height, margin, t), **layout, **axes}


# Plotly writes month names in English; other languages get numeric dates (day/month) at every zoom level.
NUMERIC_DATES = [
    {"dtickrange": [None, 60_000], "value": "%H:%M:%S"},
    {"dtickrange": [60_000, 86_400_000], "value": "%d/%m %H:%M"},
    {"dtickrange": [86_400_000, "M1"], "value": "%d/%m"},
    {"dtickrange": ["M1", "M12"], "value": "%m/%Y"},
    {"dtickrange": ["M12", None], "value": "%Y"},
]


def date_axis(fig: go.Figure, t: Translator = ENGLISH, when: Sequence[object] = ()) -> go.Figure:
    """The x axis as dates in the page's language (Plotly's own English format for English). Dates `when`
    closer together than a day (one run alone) get a day around them, ticked by the hour: Plotly would
    otherwise zoom on a millisecond and repeat one label along the axis."""
    if t.language != "en":
        fig.update_xaxes(tickformatstops=NUMERIC_DATES, hoverformat="%d/%m/%Y %H:%M")
    window = day_around(when)
    if window is not None:
        fig.update_xaxes(type="date", range=window, dtick=SHORT_SPAN_TICK_MS)
    return fig


def _moment(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def day_around(when: Sequence[object]) -> list[str] | None:
    """A day centred on dates that span less than a day, as Plotly's date strings (None: they span more,
    or none is a date); the dates' own clock time, as Plotly shows it."""
    moments = [m.replace(tzinfo=None) for m in map(_moment, when) if m is not None]
    if not moments or max(moments) - min(moments) >= DAY:
        return None
    middle = min(moments) + (max(moments) - min(moments)) / 2
    return [(middle - DAY / 2).isoformat(sep=" "), (middle + DAY / 2).isoformat(sep=" ")]


def rate_range(values: Iterable[object]) -> list[float]:
    """A rate axis from 0 to a little above the largest known rate, never beyond 100 % (0-100 % when no rate
    is known: Plotly would draw an empty axis from 0 to 400 %)."""
    known = [float(v) for v in values if isinstance(v, int | float) and v == v]
    if not known:
        return [0.0, 1.0]
    return [0.0, min(1.0, max(max(known) * 1.15, MIN_RATE_TOP))]


def wrap(label: str, width: int = LABEL_WIDTH) -> str:
    return "<br>".join(textwrap.wrap(label, width)) or label
