"""Human oversight on the Operations page: officers' decisions and override rate per officer and month, and
the default rate of overridden vs followed decisions once outcomes are known."""

from __future__ import annotations

from collections.abc import Mapping

import dash_bootstrap_components as dbc
from dash import Input, Output, html

from dashboard import text
from dashboard.api_client import ApiError, api
from dashboard.auth.roles import ANALYSE, protected_callback

PREFIX = "operations-oversight"


def section() -> html.Section:
    return html.Section(
        [html.H2("Officers' decisions and overrides", className="h4 mt-4"), html.Div(id=PREFIX)],
        **{"aria-label": "Officers' decisions and overrides"},
    )


def _rate(value: float | None) -> str:
    return "—" if value is None else text.percent(value)


def per_officer_table(rows: list[Mapping]) -> dbc.Table:
    head = ["Month", "Officer", "Decisions", "Overrides", "Override rate"]
    body = [
        html.Tr(
            [
                html.Td(r["month"]),
                html.Td(r["officer"]),
                html.Td(r["decisions"]),
                html.Td(r["overrides"]),
                html.Td(_rate(r["override_rate"])),
            ]
        )
        for r in rows
    ]
    return dbc.Table(
        [
            html.Caption("Decisions and overrides per officer and month (UTC)"),
            html.Thead(html.Tr([html.Th(h, scope="col") for h in head])),
            html.Tbody(body),
        ],
        id=f"{PREFIX}-table",
        size="sm",
        striped=True,
        className="caption-top",
    )


def outcomes_text(outcomes: Mapping | None) -> str:
    """The default rate of granted credit, overridden vs followed, in words."""
    if outcomes is None:
        return "Default rates appear once outcomes (repaid or defaulted) are loaded."
    parts = []
    for name, words in (("overridden", "overriding the model"), ("followed", "following the model")):
        group = outcomes[name]
        if group["granted_with_outcome"]:
            parts.append(
                f"credit granted {words}: {_rate(group['default_rate'])} defaulted "
                f"({group['defaults']} of {group['granted_with_outcome']})"
            )
        else:
            parts.append(f"credit granted {words}: no known outcome yet")
    return "Outcomes so far — " + "; ".join(parts) + "."


def view(summary: Mapping) -> list:
    if not summary["decisions"]:
        return [html.P("No officer's decision in this period.")]
    total = (
        f"{summary['decisions']} decisions, {summary['overrides']} overrides "
        f"({_rate(summary['override_rate'])} of decisions)."
    )
    return [
        html.P(total, id=f"{PREFIX}-total"),
        per_officer_table(summary["per_officer_month"]),
        html.P(outcomes_text(summary["outcomes"]), id=f"{PREFIX}-outcomes"),
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
        return view(api().oversight(since, until))
    except ApiError as error:
        return [dbc.Alert(error.message, color="warning")]
