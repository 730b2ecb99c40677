"""Charts drawn as plain HTML and CSS, for the figures an officer waits for (a client's risk against the
cut-offs, the waterfall by reason code, a code's features): no Plotly to load or lay out, so the decision is
on screen as soon as its answer arrives.

Builders take a compact payload (positions already in the axis's units, texts already written in the page's
language: `figures.client.risk_scale`, `figures.reasons.code_waterfall_data`) and return Dash components; the
look is the stylesheet's (`assets/style.css`: `.bullet`, `.hbars`). Every bar's label and value are text,
read in order by a screen reader; the axis ticks are hidden from it (the values say as much)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from dash import html

from dashboard.i18n import ENGLISH, Translator

NICE_STEPS = (1.0, 2.0, 2.5, 5.0, 10.0)
PERCENT_STEPS = (1.0, 2.0, 5.0, 10.0)  # 0 %, 5 %, 10 %: no 2.5 % steps (a decimal on every tick)
EDGE_PERCENT = 85.0  # a bar ending past this share of the axis gets its value written inside it
HIDDEN = {"aria-hidden": "true"}


def nice_ticks(low: float, high: float, count: int = 6, steps: Sequence[float] = NICE_STEPS) -> list[float]:
    """About `count` round ticks between `low` and `high` (steps of 1, 2, 2.5 or 5 times a power of ten, or
    of the `steps` given)."""
    span = high - low
    if not span > 0:
        return [low]
    rough = span / count
    magnitude = 10 ** math.floor(math.log10(rough))
    step = next(s * magnitude for s in steps if s * magnitude >= rough * (1 - 1e-9))
    first = math.ceil(low / step - 1e-9)
    last = math.floor(high / step + 1e-9)
    return [round(k * step, 12) for k in range(first, last + 1)]


def tick_decimals(ticks: Sequence[float], most: int = 4) -> int:
    """The fewest decimals (up to `most`) that write every tick exactly."""
    return next((d for d in range(most) if all(abs(round(x, d) - x) < 1e-9 for x in ticks)), most)


def percent_ticks(top: float, t: Translator = ENGLISH) -> list[tuple[float, str]]:
    """Ticks of a probability axis from 0 to `top`, as percentages."""
    ticks = nice_ticks(0.0, top, 10, PERCENT_STEPS)
    digits = tick_decimals([100 * x for x in ticks])
    return [(x, t.percent(x, digits)) for x in ticks]


def number_ticks(low: float, high: float, t: Translator = ENGLISH) -> list[tuple[float, str]]:
    """Ticks of a number axis (score points) between `low` and `high`."""
    ticks = nice_ticks(low, high)
    digits = tick_decimals(ticks)
    return [(x, t.number(x, digits)) for x in ticks]


def place(x: float, low: float, high: float) -> float:
    """Where `x` is along an axis from `low` to `high`, in percent of its width (kept on the axis)."""
    return max(0.0, min(100.0, 100.0 * (x - low) / (high - low or 1.0)))


def _pct(value: float) -> str:
    return f"{value:.2f}%"


def ticks_on(ticks: Sequence[tuple[float, str]], low: float, high: float) -> list[html.Span]:
    """The axis's ticks over a plot: each a grid line with its label under the plot (`.chart-tick`); their
    container hides them from screen readers."""
    return [
        html.Span(text, className="chart-tick", style={"left": _pct(place(x, low, high))})
        for x, text in ticks
    ]


def bullet(chart_id: str, scale: Mapping) -> html.Div:
    """A bullet bar (`figures.client.risk_scale`): the zones named, the client's bar with its value, the
    cut-offs marked with their labels, the axis."""
    top = scale["top"]
    zones = [
        html.Span(
            z["name"] if z["inside"] else None,
            className="bullet-zone",
            style={
                "left": _pct(place(z["low"], 0, top)),
                "width": _pct(place(z["high"], 0, top) - place(z["low"], 0, top)),
                "background": z["fill"],
            },
        )
        for z in scale["zones"]
    ]
    above = [
        html.Span(
            z["name"],
            className="bullet-above",
            style={"left": _pct(place(z["low"], 0, top)), "background": z["fill"]},
        )
        for z in scale["zones"]
        if not z["inside"]
    ]
    bar = scale["bar"]
    end = place(bar["value"], 0, top)
    value = html.Span(
        [html.Span(bar["label"], className="visually-hidden"), bar["text"]],
        className="bullet-value" + (" inside" if end > EDGE_PERCENT else ""),
    )
    cuts = [
        html.Span(
            html.Span(cut["label"], className="bullet-cut-label" + (" before" if cut.get("before") else "")),
            className=f"bullet-cut bullet-row-{row}",
            style={"left": _pct(place(cut["x"], 0, top))},
        )
        for row, cut in enumerate(scale["cuts"])
    ]
    marked = html.Span(value, className="bullet-bar", style={"width": _pct(end), "background": bar["colour"]})
    plot = [
        *zones,
        html.Div(ticks_on(scale["ticks"], 0, top), className="chart-ticks", **HIDDEN),
        marked,
        *cuts,
    ]
    return html.Div(
        [
            html.Div(above, className="bullet-names") if above else None,
            html.Div(plot, className="bullet-plot"),
            html.P(scale["title"], className="chart-axis-title"),
        ],
        id=chart_id,
        className="bullet",
    )


def _step(row: Mapping, low: float, high: float) -> html.Li:
    """A step of a waterfall: its label, then its bar with its value beside it (hatched when it loses
    points); three elements, the label a plain text (a page draws many of them)."""
    start, end = sorted((place(row["start"], low, high), place(row["start"] + row["value"], low, high)))
    kind = "hbars-minus" if row["value"] < 0 else "hbars-plus"
    bar = html.Span(
        html.Span(row["text"], className="hbars-value"),
        className=f"hbars-bar {kind}",
        style={"left": _pct(start), "width": _pct(max(end - start, 0.3))},
    )
    return html.Li([row["label"], " ", bar], className="hbars-row")


def waterfall(chart_id: str, data: Mapping) -> html.Div:
    """A horizontal waterfall (`figures.reasons.code_waterfall_data`): the steps from the top, each from
    where the previous one ended, the marked points labelled above the steps, the axis under them."""
    low, high = data["range"]
    marks = data.get("marks") or []
    labelled = [m for m in marks if m.get("label")]
    labels = [
        html.Span(
            m["label"],
            className=f"hbars-mark-label hbars-row-{row}",
            style={"left": _pct(place(m["x"], low, high))},
        )
        for row, m in enumerate(labelled)
    ]
    lines = [
        html.Span(
            className=f"hbars-mark hbars-mark-{m['kind']}", style={"left": _pct(place(m["x"], low, high))}
        )
        for m in marks
    ]
    overlay = html.Div(
        [*ticks_on(data["ticks"], low, high), *lines], className="hbars-lines chart-ticks", **HIDDEN
    )
    return html.Div(
        [
            html.Div(labels, className=f"hbars-marks hbars-marks-{len(labels)}") if labels else None,
            html.Div(
                [overlay, html.Ol([_step(r, low, high) for r in data["rows"]], className="hbars-rows")],
                className="hbars-plot",
            ),
            html.P(data["title"], className="chart-axis-title hbars-title"),
        ],
        id=chart_id,
        className="hbars",
    )
