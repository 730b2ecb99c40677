"""Human oversight on the Operations page: officers' decisions and override rate per officer and month, and
the default rate of overridden vs followed decisions once outcomes are known."""

from __future__ import annotations

from collections.abc import Mapping

import dash_bootstrap_components as dbc
from dash import Input, Output, html

from dashboard.api_client import ApiError, api
from dashboard.auth.roles import ANALYSE, protected_callback
from dashboard.components.tables import captioned_table
from dashboard.i18n import ENGLISH, Translator, current

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


def view(summary: Mapping, t: Translator = ENGLISH) -> list:
    if not summary["decisions"]:
        return [html.P(t.gettext("No officer's decision in this period."))]
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
    from datetime import UTC, datetime

    from dashboard.pages.operations import window

    since, until, _ = window(period, datetime.now(UTC))
    try:
        return view(api().oversight(since, until), current())
    except ApiError as error:
        return [dbc.Alert(error.message, color="warning")]
