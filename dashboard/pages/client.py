"""Client decision (home): pick a client, see the decision against the threshold, its reasons and facts."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, clientside_callback, dcc, html

from dashboard import text
from dashboard.api_client import ApiError, api
from dashboard.components import officer, picker
from dashboard.components.decision import decision_view
from dashboard.components.layout import header
from dashboard.components.status import HIDDEN, error_box, loading, shown

PREFIX = "client"
EXAMPLE_NAMES = {"safe": "Clearly safe", "borderline": "Borderline", "risky": "Clearly risky"}


def title(client_id: str | None = None) -> str:
    return f"Client {client_id}: credit decision" if client_id else "Client decision: credit scoring"


picker.register(PREFIX, "client")


def layout(client_id: str | None = None, **_query: str) -> html.Div:
    return html.Div(
        [
            header(
                "Client decision",
                "Look a client up, explain the decision to the customer and print the reasons.",
            ),
            dbc.Row(
                [dbc.Col(picker.picker(PREFIX, client_id), md=6), dbc.Col(examples_section(client_id), md=6)]
            ),
            error_box(PREFIX),
            dcc.Store(id="client-id", data=client_id),
            loading(html.Div(id="client-content"), PREFIX),
        ]
    )


def examples_section(client_id: str | None) -> html.Section | None:
    """Three example clients to start from, on the page before a client is chosen."""
    if client_id:
        return None
    return html.Section(
        [html.H2("Examples to start from", className="h6"), html.Div(id="client-examples")],
        **{"aria-label": "Example clients"},
    )


def example_links(payload: dict) -> html.Ul:
    """Links to the three example clients, with their risk."""
    return html.Ul(
        [
            html.Li(
                dcc.Link(
                    f"{EXAMPLE_NAMES[e['kind']]}: client {e['client_id']} "
                    f"({text.percent(e['probability'])}, {text.decision_words(e['decision']).lower()})",
                    href=f"/client/{e['client_id']}",
                )
            )
            for e in payload["examples"]
        ],
        className="examples",
    )


def unknown_client(value: object, client_id: int | None) -> dbc.Alert:
    """A friendly word for an ID that is not one, or that no client has."""
    message = (
        f"No client with ID {client_id} in the data. Check the number, or type its first digits to see "
        "suggestions."
        if client_id
        else f"\u201c{value}\u201d is not a client ID: IDs are whole numbers such as 100002."
    )
    return dbc.Alert(message, color="warning", id="client-unknown")


def next_steps(client_id: int) -> html.Nav:
    return html.Nav(
        [
            dcc.Link("Compare with similar clients", href=f"/similar/{client_id}", className="me-4"),
            dcc.Link("Try changes to the application (what-if)", href=f"/what-if/{client_id}"),
        ],
        className="mt-3 no-print",
        **{"aria-label": "More about this client"},
    )


@callback(Output("client-examples", "children"), Input("client-retry", "n_clicks"))
def show_examples(_retry: int | None) -> object:
    try:
        return example_links(api().examples())
    except ApiError:
        return html.P("Examples are unavailable while the scoring service does not answer.")


@callback(
    Output("client-content", "children"),
    Output("client-error", "hidden"),
    Output("client-error-text", "children"),
    Input("client-id", "data"),
    Input("client-retry", "n_clicks"),
)
def show_client(value: str | None, _retry: int | None) -> tuple[object, bool, str]:
    if not value:
        return html.P("Choose a client above, or start from one of the examples.", className="mt-3"), *HIDDEN
    client_id = picker.client_id_of(value)
    if client_id is None:
        return unknown_client(value, None), *HIDDEN
    try:
        facts, score = api().both(lambda c: c.client(client_id), lambda c: c.client_score(client_id))
    except ApiError as error:
        if error.not_found:
            return unknown_client(value, client_id), *HIDDEN
        return None, *shown(error)
    return [
        html.H2(f"Client {client_id}", className="h3 mt-2", id="client-heading"),
        decision_view(score, PREFIX, facts),
        next_steps(client_id),
        officer.panel(client_id, score),
    ], *HIDDEN


clientside_callback(
    "function(n) { if (n) { window.print(); } return window.dash_clientside.no_update; }",
    Output("client-print", "title"),
    Input("client-print", "n_clicks"),
    prevent_initial_call=True,
)


dash.register_page(
    __name__, path="/", path_template="/client/<client_id>", title=title, order=0, layout=layout
)
