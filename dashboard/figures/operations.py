"""Figures of the Operations page: traffic and errors, latency percentiles, decisions and scores over time."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import plotly.graph_objects as go

from dashboard.figures.style import (
    BLUE,
    ERROR_STYLES,
    GREEN,
    ORANGE,
    SKY,
    VERMILLION,
    base_layout,
    date_axis,
    rate_range,
)
from dashboard.i18n import ENGLISH, N_, Translator

LATENCY = (  # (name, key, dash, symbol, colour)
    (N_("median (p50)"), "latency_ms_p50", "solid", "circle", BLUE),
    (N_("95th percentile (p95)"), "latency_ms_p95", "dash", "square", ORANGE),
    (N_("99th percentile (p99)"), "latency_ms_p99", "dot", "diamond", VERMILLION),
)
DECISIONS = (
    (N_("Refusal rate"), "refusal_rate", "solid", "square", VERMILLION),
    (N_("Mean risk of default"), "mean_probability", "dash", "circle", BLUE),
    (N_("Risk of default, 90th percentile"), "probability_p90", "dot", "triangle-up", ORANGE),
    (N_("Risk of default, median"), "probability_p50", "dashdot", "diamond", GREEN),
    (N_("Risk of default, 10th percentile"), "probability_p10", "dot", "triangle-down", SKY),
)


def bucket_ms(bucket: str) -> float:
    """Length of a monitoring bucket such as '5m', '1h' or '1d' in milliseconds (0 when unreadable)."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    number, unit = bucket[:-1], bucket[-1:]
    return 1000.0 * int(number) * units[unit] if number.isdigit() and unit in units else 0.0


def _time_axis(fig: go.Figure, window: Sequence[str] | None, t: Translator) -> go.Figure:
    """The period asked for on the x axis (one bucket alone would otherwise fill it), dates in the page's
    language."""
    if window:
        fig.update_xaxes(range=list(window), type="date")
    return date_axis(fig, t)


def traffic(
    buckets: Sequence[Mapping], window: Sequence[str] | None = None, bucket: str = "", t: Translator = ENGLISH
) -> go.Figure:
    """Requests per period: answered normally, and errors by HTTP status (colour and pattern)."""
    starts = [b["start"] for b in buckets]
    width = 0.9 * bucket_ms(bucket) or None
    codes = sorted({code for b in buckets for code in (b.get("errors") or {})})
    ok = [b["requests"] - sum((b.get("errors") or {}).values()) for b in buckets]
    answered = t.gettext("Answered (2xx/3xx)")
    fig = go.Figure(go.Bar(x=starts, y=ok, width=width, name=answered, marker={"color": BLUE}))
    for i, code in enumerate(codes):
        colour, pattern = ERROR_STYLES[i % len(ERROR_STYLES)]
        fig.add_trace(
            go.Bar(
                x=starts,
                y=[(b.get("errors") or {}).get(code, 0) for b in buckets],
                width=width,
                name=f"HTTP {code}",
                marker={"color": colour, "pattern": {"shape": pattern}},
            )
        )
    fig.update_layout(barmode="stack")
    fig.update_yaxes(title=t.gettext("Requests"))
    return _time_axis(base_layout(fig, 320, margin={"t": 50}, t=t), window, t)


def _lines(
    buckets: Sequence[Mapping],
    series: Sequence[tuple[str, str, str, str, str]],
    window: Sequence[str] | None,
    t: Translator,
) -> go.Figure:
    """One line per (name, key, dash, symbol, colour): dash style and marker tell the lines apart."""
    starts = [b["start"] for b in buckets]
    fig = go.Figure()
    for name, key, dash, symbol, colour in series:
        fig.add_trace(
            go.Scatter(
                x=starts,
                y=[b.get(key) for b in buckets],
                name=t.gettext(name),
                mode="lines+markers",
                line={"dash": dash, "color": colour, "width": 2},
                marker={"symbol": symbol, "size": 8},
            )
        )
    return _time_axis(base_layout(fig, 320, margin={"t": 50}, t=t), window, t)


def latency(
    buckets: Sequence[Mapping], window: Sequence[str] | None = None, t: Translator = ENGLISH
) -> go.Figure:
    fig = _lines(buckets, LATENCY, window, t)
    fig.update_yaxes(title=t.gettext("Latency (ms)"), rangemode="tozero")
    return fig


def decisions(
    buckets: Sequence[Mapping], window: Sequence[str] | None = None, t: Translator = ENGLISH
) -> go.Figure:
    fig = _lines(buckets, DECISIONS, window, t)
    shares = [b.get(key) for b in buckets for _name, key, *_style in DECISIONS]
    fig.update_yaxes(title=t.gettext("Share"), tickformat=".0%", range=rate_range(shares))
    return fig
