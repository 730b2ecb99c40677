"""Operations: what the scoring service did over a chosen period, from the API's monitoring summary."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, html

from dashboard import text
from dashboard.api_client import ApiError, api
from dashboard.components import oversight
from dashboard.components.layout import header
from dashboard.components.monitoring import operations_estimate_view, outcomes_view
from dashboard.components.status import HIDDEN, error_box, figure, loading, shown
from dashboard.figures import operations as operations_figures

PREFIX = "operations"
PERIODS = {
    "1h": ("The last hour", timedelta(hours=1), "5m"),
    "24h": ("The last 24 hours", timedelta(days=1), "1h"),
    "7d": ("The last 7 days", timedelta(days=7), "6h"),
    "30d": ("The last 30 days", timedelta(days=30), "1d"),
}
DEFAULT_PERIOD = "24h"


def layout(**_query: str) -> html.Div:
    options = [{"label": label, "value": key} for key, (label, _, _) in PERIODS.items()]
    return html.Div(
        [
            header("Operations", "What the scoring service did: traffic, errors, latency and decisions."),
            dbc.Row(
                [
                    dbc.Col(
                        [
                            dbc.Label("Period", html_for="operations-period"),
                            dbc.Select(id="operations-period", options=options, value=DEFAULT_PERIOD),
                        ],
                        md=4,
                    ),
                    dbc.Col(
                        dbc.Button("Refresh", id="operations-refresh", color="secondary", className="mt-4"),
                        md=2,
                    ),
                ],
                className="mb-3",
            ),
            error_box(PREFIX),
            loading(html.Div(id="operations-content"), PREFIX),
            error_box("operations-monitoring"),
            loading(html.Div(id="operations-monitoring"), "operations-monitoring"),
            oversight.section(),
        ]
    )


def window(period: str, now: datetime) -> tuple[str, str, str]:
    """ISO since/until and the bucket length of a period ending now."""
    _, span, bucket = PERIODS.get(period, PERIODS[DEFAULT_PERIOD])
    return (now - span).isoformat(), now.isoformat(), bucket


def totals(buckets: Sequence[Mapping]) -> list[tuple[str, str]]:
    """Headline figures of the period."""
    requests = sum(b["requests"] for b in buckets)
    errors = sum(sum((b.get("errors") or {}).values()) for b in buckets)
    scores = sum(b["scores"] for b in buckets)
    refused = sum((b.get("refusal_rate") or 0) * b["scores"] for b in buckets)
    p95 = [b["latency_ms_p95"] for b in buckets if text.is_number(b.get("latency_ms_p95"))]
    return [
        ("Requests", f"{requests:,}"),
        ("Errors", f"{errors:,} ({text.percent(errors / requests) if requests else 'none'})"),
        ("Scores given", f"{scores:,}"),
        ("Refusal rate", text.percent(refused / scores) if scores else "no score"),
        ("Slowest 95th percentile", f"{max(p95):,.0f} ms" if p95 else "not measured"),
    ]


def _moment(iso: str) -> str:
    return iso[:16].replace("T", " ")


def content(payload: Mapping) -> html.Div:
    buckets = payload["buckets"]
    if not buckets:
        return dbc.Alert("The service logged no request in this period.", color="info", id="operations-empty")
    cards = [
        dbc.Col(
            dbc.Card(
                dbc.CardBody([html.P(label, className="mb-1 kpi-label"), html.P(value, className="kpi")])
            )
        )
        for label, value in totals(buckets)
    ]
    window = (payload["since"], payload["until"])
    charts = (
        (
            "Requests and errors",
            "operations-traffic-graph",
            operations_figures.traffic(buckets, window, payload["bucket"]),
            text.traffic_summary(buckets),
        ),
        (
            "Latency",
            "operations-latency-graph",
            operations_figures.latency(buckets, window),
            text.latency_summary(buckets),
        ),
        (
            "Decisions and scores",
            "operations-decisions-graph",
            operations_figures.decisions(buckets, window),
            text.decisions_summary(buckets),
        ),
    )
    sections = [
        html.Section([html.H2(title, className="h4"), figure(graph_id, fig, summary)], className="mt-4")
        for title, graph_id, fig, summary in charts
    ]
    return html.Div(
        [
            html.P(
                f"From {_moment(payload['since'])} to {_moment(payload['until'])} UTC, in periods of "
                f"{payload['bucket']}."
            ),
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
    return content(payload), *HIDDEN


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
    return html.Div([operations_estimate_view(points), outcomes_view(outcomes)]), *HIDDEN


dash.register_page(__name__, path="/operations", title="Operations: credit scoring", order=6, layout=layout)
