"""Views of the outcomes analysis on the Operations page: vintage curves with their table beside, and the
calibration watch (by month, by segment over the recent window, the suggested recalibration)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import dash_bootstrap_components as dbc
from dash import html

from dashboard.components.status import figure
from dashboard.components.tables import captioned_table, cell_rows
from dashboard.figures import vintages as vfig
from dashboard.i18n import ENGLISH, Translator

DASH = "\u2013"
FLAG, OK = "\u26a0 ", "\u2714 "


def vintage_cells(payload: Mapping, t: Translator = ENGLISH) -> list[list[str]]:
    """One row per vintage, one cell per grade: 'realised / mean PD (n)', a dash where the grade is empty."""
    by_cell = {(r["vintage"], r["grade"]): r for r in payload["rows"]}
    rows = []
    for vintage in payload["vintages"]:
        cells = [vintage]
        for grade in payload["grades"]:
            r = by_cell.get((vintage, grade))
            cells.append(
                DASH
                if r is None
                else f"{t.percent(r['default_rate'])} / {t.percent(r['mean_probability'])} "
                f"({t.number(r['n'])})"
            )
        rows.append(cells)
    return rows


def vintages_view(payload: Mapping, t: Translator = ENGLISH) -> html.Section:
    """The vintage curves (one line per grade) with the table of realised rate / mean PD beside."""
    _ = t.gettext
    title = html.H2(_("Vintage curves by risk grade"), className="h4")
    summary = vfig.vintage_summary(payload, t)
    if not payload.get("rows"):
        return html.Section([title, html.P(summary)], className="mt-4", id="operations-vintages")
    headers = [_("Month of origination"), *(_("Grade {grade}").format(grade=g) for g in payload["grades"])]
    table = captioned_table(
        _("Realised default rate / mean PD given (labelled clients)"),
        headers,
        cell_rows(vintage_cells(payload, t)),
        "operations-vintages-table",
    )
    return html.Section(
        [
            title,
            dbc.Row(
                [
                    dbc.Col(
                        figure("operations-vintages-graph", vfig.vintage_curves(payload, t), summary), lg=7
                    ),
                    dbc.Col(
                        html.Div(  # a scrolled region: reachable by keyboard, named for screen readers
                            table,
                            className="table-responsive",
                            tabIndex=0,
                            role="region",
                            **{"aria-label": _("Realised default rate / mean PD given (labelled clients)")},
                        ),
                        lg=5,
                    ),
                ]
            ),
        ],
        className="mt-4",
        id="operations-vintages",
    )


def _verdict(cell: Mapping, t: Translator) -> str:
    _ = t.gettext
    if not cell["judged"]:
        return _("too few to judge")
    if not cell["flagged"]:
        return OK + _("within")
    return FLAG + (_("risk understated") if cell["direction"] == "under" else _("risk overstated"))


def _headers(first: str, t: Translator) -> tuple[str, ...]:
    _ = t.gettext
    return (
        first,
        _("Clients"),
        _("Realised default rate (interval)"),
        _("Mean PD given"),
        "ECE",
        _("Verdict"),
    )


def calibration_rows(cells: Sequence[Mapping], label: str, t: Translator = ENGLISH) -> list[list[str]]:
    """Table rows of calibration cells: label, clients, realised rate (interval), mean PD, ECE, verdict."""
    return [
        [
            c[label],
            t.number(c["n"]),
            f"{t.percent(c['default_rate'])} ({t.percent(c['ci_low'])} {DASH} {t.percent(c['ci_high'])})",
            t.percent(c["mean_probability"]),
            t.number(c["ece"], 3) if c["ece"] is not None else DASH,
            _verdict(c, t),
        ]
        for c in cells
        if c["n"]
    ]


def calibration_view(payload: Mapping, t: Translator = ENGLISH) -> html.Section:
    """The calibration watch: verdict and suggestion, chart by month, tables by month and by segment."""
    _ = t.gettext
    title = html.H2(_("Calibration watched"), className="h4")
    summary = vfig.calibration_summary(payload, t)
    if not payload.get("window"):
        return html.Section([title, html.P(summary)], className="mt-4", id="operations-calibration")
    verdict = dbc.Alert(
        summary, color="warning" if payload["flagged"] else "success", id="operations-calibration-verdict"
    )
    note = _(
        "Intervals of months and segments at {alpha} / {tested} (Bonferroni); a cell needs {minimum} clients."
    ).format(alpha=t.number(payload["alpha"], 2), tested=payload["tested"], minimum=payload["min_clients"])
    parts = [
        title,
        verdict,
        figure("operations-calibration-graph", vfig.calibration_periods(payload, t), note),
        captioned_table(
            _("Calibration by month of the score"),
            _headers(_("Month scored"), t),
            cell_rows(calibration_rows(payload["periods"], "period", t)),
            "operations-calibration-periods",
        ),
    ]
    if payload["segments"]:
        parts.append(
            captioned_table(
                _("Calibration by segment, recent window ({days} days)").format(days=payload["window_days"]),
                _headers(_("Segment"), t),
                cell_rows(calibration_rows(payload["segments"], "name", t)),
                "operations-calibration-segments",
            )
        )
    if payload["unavailable"]:
        parts.append(
            html.P(
                _("Not in the prediction log, not watched: {segments}.").format(
                    segments=", ".join(payload["unavailable"])
                ),
                className="text-muted",
            )
        )
    return html.Section(parts, className="mt-4", id="operations-calibration")
