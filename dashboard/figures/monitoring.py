"""Figures of the monitoring loop (drift trend, estimated performance, outcomes by cohort) and their text
summaries: pure functions of the API's JSON payloads, in the look of `dashboard.figures` (Okabe-Ito colours,
dash styles and markers so that colour never carries meaning alone)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import plotly.graph_objects as go

from dashboard import text, vocabulary
from dashboard.figures.style import BLUE, GREEN, ORANGE, VERMILLION, base_layout, date_axis, rate_range
from dashboard.i18n import ENGLISH, Translator

# The lower edges of the shifts (scoring.drift.psi), each named on its own side of its line: the two names
# never overlap, however tall the PSI axis.
PSI_BANDS = ((0.10, "moderate", "bottom right"), (0.25, "significant", "top right"))


def _line(
    x: Sequence[object], y: Sequence[object], name: str, dash: str, symbol: str, colour: str, axis: str = "y"
) -> go.Scatter:
    return go.Scatter(
        x=list(x),
        y=list(y),
        name=name,
        mode="lines+markers",
        line={"dash": dash, "color": colour, "width": 2},
        marker={"symbol": symbol, "size": 9},
        yaxis=axis,
        connectgaps=True,
    )


def drift_trend(points: Sequence[Mapping], t: Translator = ENGLISH) -> go.Figure:
    """Per run: PSI of the score (left, with the 0.10 and 0.25 bands) and drifted shares (right axis)."""
    _ = t.gettext
    when = [p["created_at"] for p in points]
    fig = go.Figure(
        [
            _line(when, [p.get("psi_score") for p in points], _("PSI of the score"), "solid", "circle", BLUE),
            _line(
                when,
                [p.get("psi_drifted_share") for p in points],
                _("Features drifted by PSI (share)"),
                "dash",
                "square",
                ORANGE,
                "y2",
            ),
            _line(
                when,
                [p.get("share_drifted") for p in points],
                _("Features drifted by Evidently's tests (share)"),
                "dot",
                "triangle-up",
                GREEN,
                "y2",
            ),
        ]
    )
    for level, band, position in PSI_BANDS:
        label = f"{vocabulary.label(vocabulary.PSI_BANDS, band, t)} ({t.number(level, 2)})"
        fig.add_hline(
            y=level,
            line={"color": VERMILLION, "dash": "dot", "width": 1},
            annotation_text=label,
            annotation_position=position,
        )
    fig.update_layout(
        yaxis={"title": _("PSI of the score"), "rangemode": "tozero"},
        yaxis2={
            "title": _("Share of features"),
            "overlaying": "y",
            "side": "right",
            "tickformat": ".0%",
            "range": [0, 1],
        },
    )
    return date_axis(base_layout(fig, 340, margin={"t": 60}, t=t), t, when)


def drift_trend_summary(points: Sequence[Mapping], t: Translator = ENGLISH) -> str:
    if not points:
        return t.gettext("No drift run yet.")
    last = points[-1]
    band = last.get("psi_score_band")
    return t.ngettext(
        "{count} drift run. In the latest ({when}), the PSI of the score is {psi} ({band}) and {share} of "
        "the monitored features drifted by PSI.",
        "{count} drift runs. In the latest ({when}), the PSI of the score is {psi} ({band}) and {share} of "
        "the monitored features drifted by PSI.",
        len(points),
    ).format(
        count=len(points),
        when=t.moment(last.get("created_at")),
        psi=text.value_text(last.get("psi_score"), t),
        band=vocabulary.label(vocabulary.PSI_BANDS, band, t) if band else t.unknown(),
        share=t.percent(last.get("psi_drifted_share"), 0),
    )


def estimated_performance(points: Sequence[Mapping], t: Translator = ENGLISH) -> go.Figure:
    """Expected AUC (CBPE) of each run against the reference's realised AUC, and the expected default rate."""
    _ = t.gettext
    when = [p["created_at"] for p in points]
    fig = go.Figure(
        [
            _line(
                when,
                [p.get("estimated_auc") for p in points],
                _("Estimated AUC (no labels)"),
                "solid",
                "circle",
                BLUE,
            ),
            _line(
                when,
                [p.get("reference_auc") for p in points],
                _("Reference AUC (training, out of fold)"),
                "dash",
                "square",
                GREEN,
            ),
            _line(
                when,
                [p.get("estimated_default_rate") for p in points],
                _("Estimated default rate"),
                "dot",
                "diamond",
                VERMILLION,
                "y2",
            ),
        ]
    )
    fig.update_layout(
        yaxis={"title": "AUC"},
        yaxis2={
            "title": _("Default rate"),
            "overlaying": "y",
            "side": "right",
            "tickformat": ".0%",
            "range": rate_range(p.get("estimated_default_rate") for p in points),
        },
    )
    return date_axis(base_layout(fig, 340, margin={"t": 60}, t=t), t, when)


def estimated_summary(points: Sequence[Mapping], t: Translator = ENGLISH) -> str:
    measured = [p for p in points if text.is_number(p.get("estimated_auc"))]
    if not measured:
        return t.gettext("No estimate yet: run a drift check on the prediction log.")
    last = measured[-1]
    return t.gettext(
        "Latest estimate: AUC {auc} against {reference} on the training data; expected default rate {rate}."
    ).format(
        auc=t.number(last["estimated_auc"], 3),
        reference=text.value_text(last.get("reference_auc"), t),
        rate=t.percent(last.get("estimated_default_rate")),
    )


def cohorts(rows: Sequence[Mapping], t: Translator = ENGLISH) -> go.Figure:
    """Per month of the score: realised default rate against the mean probability of default, and AUC."""
    _ = t.gettext
    months = [r["cohort"] for r in rows]
    rates = [r.get(key) for r in rows for key in ("default_rate", "mean_probability")]
    fig = go.Figure(
        [
            go.Bar(
                x=months,
                y=[r.get("default_rate") for r in rows],
                name=_("Realised default rate"),
                marker={"color": VERMILLION, "pattern": {"shape": "/"}},
            ),
            go.Bar(
                x=months,
                y=[r.get("mean_probability") for r in rows],
                name=_("Mean probability of default given"),
                marker={"color": BLUE},
            ),
            _line(months, [r.get("auc") for r in rows], _("Realised AUC"), "dash", "diamond", GREEN, "y2"),
        ]
    )
    fig.update_layout(
        barmode="group",
        yaxis={"title": _("Default rate"), "tickformat": ".0%", "range": rate_range(rates)},
        yaxis2={"title": "AUC", "overlaying": "y", "side": "right", "range": [0.5, 1]},
    )
    fig.update_xaxes(type="category")
    return base_layout(fig, 340, margin={"t": 60}, t=t)


def cohorts_summary(payload: Mapping, t: Translator = ENGLISH) -> str:
    if not payload.get("labelled"):
        return t.gettext(
            "No outcome known yet for the clients scored in this period (load them with “scoring labels”)."
        )
    return t.gettext(
        "{labelled} of {applicants} applicants have a known outcome: realised default rate {rate} against a "
        "mean probability of default of {mean}; realised AUC {auc}."
    ).format(
        labelled=t.number(payload["labelled"]),
        applicants=t.number(payload["applicants"]),
        rate=t.percent(payload.get("default_rate")),
        mean=t.percent(payload.get("mean_probability")),
        auc=text.value_text(payload.get("auc"), t),
    )
