"""What every page shows around its API calls: a loading indicator, and an error with a retry button."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.api_client import ApiError
from dashboard.i18n import current

SPINNER_COLOR = "#0b5394"


def loading(children: object, prefix: str, target: dict[str, str] | None = None) -> dcc.Loading:
    """A spinner over `children` while a callback that updates them runs (only the properties of `target`,
    component id -> property, when given: a part filled in after the first paint keeps the rest shown)."""
    targets = {"target_components": target} if target else {}
    return dcc.Loading(
        children, id=f"{prefix}-loading", type="circle", color=SPINNER_COLOR, delay_show=150, **targets
    )


def error_box(prefix: str, message: str | None = None) -> html.Div:
    """Hidden until a call fails (unless a `message` says one has failed already): the message (announced
    to screen readers) and a retry button."""
    return html.Div(
        dbc.Alert(
            [
                html.Span(message, id=f"{prefix}-error-text"),
                dbc.Button(
                    current().gettext("Retry"),
                    id=f"{prefix}-retry",
                    color="secondary",
                    size="sm",
                    className="ms-3",
                ),
            ],
            color="danger",
            className="d-flex align-items-center justify-content-between",
        ),
        id=f"{prefix}-error",
        role="alert",
        hidden=message is None,
    )


def shown(error: ApiError) -> tuple[bool, str]:
    """(hidden, text) of the error box for a failed call."""
    return False, error.message


HIDDEN = (True, "")


def figure(graph_id: str, fig: object, summary: str) -> html.Figure:
    """A chart and its text summary (the chart's text alternative), read in that order."""
    return html.Figure(
        [
            dcc.Graph(id=graph_id, figure=fig, config={"displayModeBar": False}),
            html.Figcaption(summary, className="chart-summary"),
        ],
        className="chart",
    )
