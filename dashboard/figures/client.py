"""Figures of one client's decision (Client decision, What-if, New application): risk against the threshold
(plain HTML, `figures.html_charts`), before/after a what-if (the waterfall by reason code is in
`figures.reasons`)."""

from __future__ import annotations

from collections.abc import Mapping

import plotly.graph_objects as go
from dash import html

from dashboard import text
from dashboard.figures.html_charts import bullet, percent_ticks
from dashboard.figures.style import (
    ACCEPT_ZONE,
    BLUE,
    INK,
    ORANGE,
    REFER_ZONE,
    REFUSE_ZONE,
    VERMILLION,
    base_layout,
)
from dashboard.i18n import ENGLISH, Translator
from dashboard.values import risk_digits

NARROWEST_CHART_PX = 480  # the risk bar's plot width in the narrowest column it is shown in
CHARACTER_PX = 7.5  # the width of a character of the figures' 13 px font, generously
LABEL_LINE_PX = 18  # a line of the figures' 13 px font: a second row of labels above the plot
GUTTER_PX = 12  # the column's gutter left of the plot, which a label ending at a line may reach into


def fits_inside(name: str, low: float, high: float, top: float, spare: float = 0.0) -> bool:
    """Whether a zone's name fits inside the zone on the narrowest chart (else it goes above the chart,
    from the zone's left edge, on the zone's colour: a narrow accept zone beside a high risk); `spare`
    pixels beyond the zone allowed."""
    return (high - low) / top * NARROWEST_CHART_PX + spare >= len(name) * CHARACTER_PX


def risk_scale(
    probability: float, threshold: float, t: Translator = ENGLISH, strategy: Mapping | None = None
) -> dict:
    """The bullet bar's payload: the probability of default against the threshold, with the two zones named
    (percentages with the digits that tell the risk from the threshold); under an active `strategy`, against
    its cut-offs with the three zones (accept, refer, refuse). The acceptance cut-off's label ends at its
    line (`before`) when it fits in the accept zone, so that it does not cross the refusal cut-off's line."""
    _ = t.gettext
    if strategy:
        accept, refuse = strategy["accept_below"], strategy["refuse_from"]
        digits = max(risk_digits(probability, accept), risk_digits(probability, refuse))
        cuts = [
            (accept, _("Accept below {limit}").format(limit=t.percent(accept, digits))),
            (refuse, _("Refuse from {limit}").format(limit=t.percent(refuse, digits))),
        ]
        zones = [
            (0, accept, ACCEPT_ZONE, _("Accept zone")),
            (accept, refuse, REFER_ZONE, _("Refer zone")),
            (refuse, None, REFUSE_ZONE, _("Refuse zone")),
        ]
        colour = BLUE if probability < accept else VERMILLION if probability >= refuse else ORANGE
        highest = refuse
    else:
        digits = risk_digits(probability, threshold)
        cuts = [(threshold, _("Threshold {threshold}").format(threshold=t.percent(threshold, digits)))]
        zones = [
            (0, threshold, ACCEPT_ZONE, _("Accept zone")),
            (threshold, None, REFUSE_ZONE, _("Refuse zone")),
        ]
        colour = BLUE if probability < threshold else VERMILLION
        highest = threshold
    top = min(1.0, max(2.5 * highest, 1.25 * probability, 0.1))
    risk = _("{label}: {value}").format(label=_("Risk"), value="")  # read before the value
    return {
        "top": top,
        "zones": [
            {"low": low, "high": top if high is None else high, "fill": fill, "name": name}
            | {"inside": fits_inside(name, low, top if high is None else high, top)}
            for low, high, fill, name in zones
        ],
        "cuts": [
            {
                "x": cut,
                "label": label,
                "before": i == 0 and len(cuts) > 1 and fits_inside(label, 0, cut, top, GUTTER_PX),
            }
            for i, (cut, label) in enumerate(cuts)
        ],
        "bar": {
            "value": probability,
            "text": t.percent(probability, digits),
            "colour": colour,
            "label": risk,
        },
        "ticks": percent_ticks(top, t),
        "title": _("Probability of default"),
    }


def risk_bar(
    chart_id: str,
    probability: float,
    threshold: float,
    t: Translator = ENGLISH,
    strategy: Mapping | None = None,
) -> html.Div:
    """The risk against the threshold or the strategy's cut-offs (`risk_scale`), drawn in HTML (the officer
    waits for it)."""
    return bullet(chart_id, risk_scale(probability, threshold, t, strategy))


def cut_marks(threshold: float, strategy: Mapping | None, t: Translator = ENGLISH) -> list[dict]:
    """The labels of the vertical marks of what decides (their `x`, `text` and placement): the strategy's
    two cut-offs, each label starting at its mark, the acceptance limit's a line higher (close cut-offs'
    labels never overlap), else the threshold's."""
    _ = t.gettext
    if not strategy:
        label = _("Threshold {threshold}").format(threshold=t.percent(threshold))
        return [{"x": threshold, "text": label, "xanchor": "center", "yshift": 0}]
    accept, refuse = strategy["accept_below"], strategy["refuse_from"]
    accepted = _("Accept below {limit}").format(limit=t.percent(accept))
    refused = _("Refuse from {limit}").format(limit=t.percent(refuse))
    return [
        {"x": accept, "text": accepted, "xanchor": "left", "yshift": LABEL_LINE_PX},
        {"x": refuse, "text": refused, "xanchor": "left", "yshift": 0},
    ]


def comparison(
    before: Mapping,
    after: Mapping,
    threshold: float,
    t: Translator = ENGLISH,
    strategy: Mapping | None = None,
) -> go.Figure:
    """Before and after a what-if: two probabilities against the threshold, or the cut-offs of the active
    `strategy`, decisions written on bars."""
    _ = t.gettext
    rows = ((_("Before"), before), (_("After"), after))
    marks = cut_marks(threshold, strategy, t)
    highest = max(mark["x"] for mark in marks)
    top = min(1.0, max(2.5 * highest, 1.25 * max(before["probability"], after["probability"]), 0.1))
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
    for mark in marks:
        fig.add_vline(x=mark["x"], line={"color": INK, "width": 2, "dash": "dash"})
        fig.add_annotation(**mark, y=1, yref="paper", yanchor="bottom", showarrow=False)
    fig.update_xaxes(range=[0, top], tickformat=".0%", title=_("Probability of default"))
    fig.update_yaxes(autorange="reversed")
    return base_layout(fig, 220, margin={"l": 10, "r": 160, "t": 40, "b": 10}, t=t)
