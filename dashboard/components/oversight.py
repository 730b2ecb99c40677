"""Human oversight on the Operations page: the officer's worklist (queue size, time from referral to final
decision), officers' decisions and override rate per officer and month, and the default rate of overridden vs
followed decisions once outcomes are known."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

import dash_bootstrap_components as dbc
from dash import Input, Output, html

from dashboard.api_client import ApiError, api
from dashboard.auth.roles import ANALYSE, protected_callback
from dashboard.components.tables import captioned_table
from dashboard.i18n import ENGLISH, Translator, current
from dashboard.periods import window

PREFIX = "operations-oversight"


def section(t: Translator = ENGLISH) -> html.Section:
    heading = t.gettext("Officers' decisions and overrides")
    return html.Section(
        [html.H2(heading, className="h4 mt-4"), html.Div(id=PREFIX)], **{"aria-label": heading}
    )


def _rate(value: float | None, t: Translator) -> str:
    return "—" if value is None else t.percent(value)


def per_officer_table(rows: list[Mapping], t: Translator = ENGLISH) -> dbc.Table:
    _ = t.gettext
    head = [_("Month"), _("Officer"), _("Decisions"), _("Overrides"), _("Override rate")]
    body = [
        html.Tr(
            [
                html.Td(r["month"]),
                html.Td(r["officer"]),
                html.Td(t.number(r["decisions"])),
                html.Td(t.number(r["overrides"])),
                html.Td(_rate(r["override_rate"], t)),
            ]
        )
        for r in rows
    ]
    return captioned_table(
        _("Decisions and overrides per officer and month (UTC)"), head, body, f"{PREFIX}-table"
    )


def _group_text(group: Mapping, overridden: bool, t: Translator) -> str:
    _ = t.gettext
    if not group["granted_with_outcome"]:
        if overridden:
            return _("credit granted overriding the model: no known outcome yet")
        return _("credit granted following the model: no known outcome yet")
    if overridden:
        sentence = _("credit granted overriding the model: {rate} defaulted ({defaults} of {granted})")
    else:
        sentence = _("credit granted following the model: {rate} defaulted ({defaults} of {granted})")
    return sentence.format(
        rate=_rate(group["default_rate"], t),
        defaults=t.number(group["defaults"]),
        granted=t.number(group["granted_with_outcome"]),
    )


def outcomes_text(outcomes: Mapping | None, t: Translator = ENGLISH) -> str:
    """The default rate of granted credit, overridden vs followed, in words."""
    if outcomes is None:
        return t.gettext("Default rates appear once outcomes (repaid or defaulted) are loaded.")
    parts = "; ".join(
        _group_text(outcomes[name], name == "overridden", t) for name in ("overridden", "followed")
    )
    return t.gettext("Outcomes so far \u2014 {parts}.").format(parts=parts)


def _hours(value: float | None, t: Translator) -> str:
    if value is None:
        return "—"
    if value < 48:
        return t.gettext("{hours} h").format(hours=t.number(value, 1))
    return t.gettext("{days} d").format(days=t.number(value / 24, 1))


def worklist_text(metrics: Mapping | None, t: Translator = ENGLISH) -> str:
    """The worklist now and the time from referral to final decision in the period, in words."""
    _ = t.gettext
    if metrics is None:
        return ""
    queue = t.ngettext(
        "Worklist now: {size} referred application waiting ({taken} taken, {awaiting} awaiting approval; "
        "the oldest waiting for {oldest}).",
        "Worklist now: {size} referred applications waiting ({taken} taken, {awaiting} awaiting approval; "
        "the oldest waiting for {oldest}).",
        metrics["queue_size"],
    ).format(
        size=t.number(metrics["queue_size"]),
        taken=t.number(metrics["taken"]),
        awaiting=t.number(metrics["awaiting_approval"]),
        oldest=_hours(metrics["oldest_hours"], t),
    )
    if not metrics["decided"]:
        return queue + " " + _("No referral was finally decided in this period.")
    timing = _(
        "Time from referral to final decision over the period ({decided} referrals decided): median "
        "{median}, 90th percentile {p90}."
    ).format(
        decided=t.number(metrics["decided"]),
        median=_hours(metrics["time_to_decision_median_hours"], t),
        p90=_hours(metrics["time_to_decision_p90_hours"], t),
    )
    return f"{queue} {timing}"


def view(summary: Mapping, t: Translator = ENGLISH) -> list:
    queue = html.P(worklist_text(summary.get("worklist"), t), id=f"{PREFIX}-worklist")
    if not summary["decisions"]:
        return [queue, html.P(t.gettext("No officer's decision in this period."))]
    total = t.ngettext(
        "{decisions} decision, {overrides} overrides ({rate} of decisions).",
        "{decisions} decisions, {overrides} overrides ({rate} of decisions).",
        summary["decisions"],
    ).format(
        decisions=t.number(summary["decisions"]),
        overrides=t.number(summary["overrides"]),
        rate=_rate(summary["override_rate"], t),
    )
    return [
        queue,
        html.P(total, id=f"{PREFIX}-total"),
        per_officer_table(summary["per_officer_month"], t),
        html.P(outcomes_text(summary["outcomes"], t), id=f"{PREFIX}-outcomes"),
    ]


@protected_callback(
    ANALYSE,
    Output(PREFIX, "children"),
    Input("operations-period", "value"),
    Input("operations-refresh", "n_clicks"),
)
def show_oversight(period: str, _refresh: int | None) -> list:
    since, until, _ = window(period, datetime.now(UTC))
    try:
        return view(api().oversight(since, until), current())
    except ApiError as error:
        return [dbc.Alert(error.message, color="warning")]
