"""Operations: what the scoring service did over a chosen period, from the API's monitoring summary."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, html

from dashboard import operations_text
from dashboard.api_client import ApiError, api
from dashboard.callbacks import callback
from dashboard.components import oversight
from dashboard.components.layout import header
from dashboard.components.monitoring import operations_estimate_view, outcomes_view
from dashboard.components.status import HIDDEN, error_box, figure, loading, shown
from dashboard.components.vintages import calibration_view, vintages_view
from dashboard.figures import operations as operations_figures
from dashboard.i18n import Translator, current
from dashboard.periods import DEFAULT_PERIOD, PERIODS, window

PREFIX = "operations"


def title() -> str:
    return current().gettext("Operations: credit scoring")


def layout(**_query: str) -> html.Div:
    _ = current().gettext
    options = [{"label": _(label), "value": key} for key, (label, _span, _bucket) in PERIODS.items()]
    return html.Div(
        [
            header(
                _("Operations"), _("What the scoring service did: traffic, errors, latency and decisions.")
            ),
            dbc.Row(
                [
                    dbc.Col(
                        [
                            dbc.Label(_("Period"), html_for="operations-period"),
                            dbc.Select(id="operations-period", options=options, value=DEFAULT_PERIOD),
                        ],
                        md=4,
                    ),
                    dbc.Col(
                        dbc.Button(
                            _("Refresh"), id="operations-refresh", color="secondary", className="mt-4"
                        ),
                        md=2,
                    ),
                ],
                className="mb-3",
            ),
            error_box(PREFIX),
            loading(html.Div(id="operations-content"), PREFIX),
            error_box("operations-monitoring"),
            loading(html.Div(id="operations-monitoring"), "operations-monitoring"),
            error_box("operations-outcomes"),
            loading(html.Div(id="operations-outcomes"), "operations-outcomes"),
            oversight.section(current()),
        ]
    )


def content(payload: Mapping, t: Translator) -> html.Div:
    _ = t.gettext
    buckets = payload["buckets"]
    if not buckets:
        return dbc.Alert(
            _("The service logged no request in this period."), color="info", id="operations-empty"
        )
    cards = [
        dbc.Col(
            dbc.Card(
                dbc.CardBody([html.P(label, className="mb-1 kpi-label"), html.P(value, className="kpi")])
            )
        )
        for label, value in operations_text.totals(buckets, t)
    ]
    window = (payload["since"], payload["until"])
    charts = (
        (
            _("Requests and errors"),
            "operations-traffic-graph",
            operations_figures.traffic(buckets, window, payload["bucket"], t),
            operations_text.traffic_summary(buckets, t),
        ),
        (
            _("Latency"),
            "operations-latency-graph",
            operations_figures.latency(buckets, window, t),
            operations_text.latency_summary(buckets, t),
        ),
        (
            _("Decisions and scores"),
            "operations-decisions-graph",
            operations_figures.decisions(buckets, window, t),
            operations_text.decisions_summary(buckets, t),
        ),
    )
    sections = [
        html.Section([html.H2(name, className="h4"), figure(graph_id, fig, summary)], className="mt-4")
        for name, graph_id, fig, summary in charts
    ]
    return html.Div(
        [
            html.P(operations_text.period_text(payload, t)),
            dbc.Row(cards, className="g-2", id="operations-totals"),
            *sections,
        ]
    )


@callback(
    Output("operations-content", "children"),
    Output("operations-error", "hidden"),
    Output("operations-error-text", "children"),
    Input("operations-period", "value"),
    Input("operations-refresh", "n_clicks"),
    Input("operations-retry", "n_clicks"),
)
def show(period: str, _refresh: int | None, _retry: int | None) -> tuple:
    since, until, bucket = window(period, datetime.now(UTC))
    try:
        payload = api().monitoring(since, until, bucket)
    except ApiError as error:
        return None, *shown(error)
    return content(payload, current()), *HIDDEN


@callback(
    Output("operations-monitoring", "children"),
    Output("operations-monitoring-error", "hidden"),
    Output("operations-monitoring-error-text", "children"),
    Input("operations-refresh", "n_clicks"),
    Input("operations-monitoring-retry", "n_clicks"),
)
def show_monitoring(_refresh: int | None, _retry: int | None) -> tuple:
    """The label-free estimate over the drift runs on the log, and the outcomes known by monthly cohort."""
    try:
        points, outcomes = api().both(lambda c: c.drift_trend(), lambda c: c.outcomes())
    except ApiError as error:
        return None, *shown(error)
    t = current()
    return html.Div([operations_estimate_view(points, t), outcomes_view(outcomes, t)]), *HIDDEN


@callback(
    Output("operations-outcomes", "children"),
    Output("operations-outcomes-error", "hidden"),
    Output("operations-outcomes-error-text", "children"),
    Input("operations-refresh", "n_clicks"),
    Input("operations-outcomes-retry", "n_clicks"),
)
def show_outcomes(_refresh: int | None, _retry: int | None) -> tuple:
    """The vintage curves by risk grade and the calibration watch, from the labelled clients."""
    try:
        vintages, calibration = api().both(lambda c: c.vintages(), lambda c: c.calibration())
    except ApiError as error:
        return None, *shown(error)
    t = current()
    return html.Div([vintages_view(vintages, t), calibration_view(calibration, t)]), *HIDDEN


dash.register_page(__name__, path="/operations", title=title, order=6, layout=layout)
