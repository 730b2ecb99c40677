"""What-if: edit a client's main application values, rescore live through the API, compare before/after,
and see the largest credit amount that would still be accepted."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from dashboard import forms, text
from dashboard.api_client import ApiError, api
from dashboard.components import form, picker
from dashboard.components.decision import verdict
from dashboard.components.layout import header
from dashboard.components.status import HIDDEN, error_box, figure, loading, shown
from dashboard.figures import client as client_figures

PREFIX = "what-if"
FIELDS = forms.WHAT_IF_FIELDS


def title(client_id: str | None = None) -> str:
    return f"Client {client_id}: what-if" if client_id else "What-if: credit scoring"


picker.register(PREFIX, "what-if")
form.register(PREFIX, FIELDS)


def layout(client_id: str | None = None, **_query: str) -> html.Div:
    return html.Div(
        [
            header(
                "What-if",
                "Change the application's main values and see the new score at once; the client's credit "
                "history stays as recorded.",
            ),
            dbc.Row(dbc.Col(picker.picker(PREFIX, client_id), md=6)),
            dcc.Store(id="what-if-id", data=client_id),
            dcc.Store(id="what-if-initial"),
            dcc.Store(id="what-if-before"),
            error_box(PREFIX),
            loading(html.Div(id="what-if-form"), PREFIX),
            loading(html.Div(id="what-if-result", **{"aria-live": "polite"}), "what-if-result"),
        ]
    )


def form_section(client_id: int, values: dict, levels: forms.Levels) -> html.Section:
    return html.Section(
        [
            html.H2(
                ["Application of client ", dcc.Link(str(client_id), href=f"/client/{client_id}")],
                className="h4",
            ),
            html.P("Each change rescores the application when you leave the field.", className="form-text"),
            form.grid(PREFIX, FIELDS, levels, values),
        ]
    )


def result_view(before: dict, payload: dict) -> html.Div:
    """Before and after side by side, the comparison chart, the largest accepted amount, the new reasons."""
    after = payload["score"]
    changed = ", ".join(forms.FIELDS[forms.form_field_of(f)].label for f in payload["changed"]) or "none yet"
    return html.Div(
        [
            html.H2("Result", className="h4 mt-2"),
            html.P(f"Changed fields: {changed}.", id="what-if-changed"),
            dbc.Row(
                [
                    dbc.Col(
                        html.Div([html.P("Before", className="fw-semibold mb-1"), verdict(before)]), md=6
                    ),
                    dbc.Col(
                        html.Div(
                            [html.P("After the changes", className="fw-semibold mb-1"), verdict(after)],
                            id="what-if-after",
                        ),
                        md=6,
                    ),
                ],
                className="g-3",
            ),
            figure(
                "what-if-comparison-graph",
                client_figures.comparison(before, after, after["threshold"]),
                text.what_if_summary(before, after),
            ),
            html.Section(
                [
                    html.H3("Largest credit amount still accepted", className="h5"),
                    html.P(text.counter_offer_text(payload["counter_offer"]), id="what-if-max-amount"),
                ],
                className="counter-offer",
            ),
            html.Section(
                [
                    html.H3("Why, with the changes", className="h5"),
                    figure(
                        "what-if-waterfall-graph",
                        client_figures.waterfall(after["explanation"]),
                        text.waterfall_summary(after["explanation"]),
                    ),
                ]
            ),
        ]
    )


@callback(
    Output("what-if-form", "children"),
    Output("what-if-initial", "data"),
    Output("what-if-before", "data"),
    Output("what-if-error", "hidden"),
    Output("what-if-error-text", "children"),
    Input("what-if-id", "data"),
    Input("what-if-retry", "n_clicks"),
)
def load_client(value: str | None, _retry: int | None) -> tuple:
    client_id = picker.client_id_of(value)
    if client_id is None:
        message = "Choose a client above to try changes to their application."
        if value:
            message = f"\u201c{value}\u201d is not a client ID: IDs are whole numbers such as 100002."
        return dbc.Alert(message, color="info"), None, None, *HIDDEN
    try:
        facts = api().client(client_id)
        score = api().client_score(client_id)
        levels = api().application_levels()
    except ApiError as error:
        if error.not_found:
            return (
                dbc.Alert(f"No client with ID {client_id} in the data.", color="warning"),
                None,
                None,
                *HIDDEN,
            )
        return None, None, None, *shown(error)
    values = forms.initial_values(facts["facts"], FIELDS)
    before = {k: score[k] for k in ("probability", "decision", "threshold")}
    return form_section(client_id, values, levels), values, before, *HIDDEN


@callback(
    Output("what-if-result", "children"),
    *form.inputs(PREFIX, FIELDS),
    State("what-if-id", "data"),
    State("what-if-initial", "data"),
    State("what-if-before", "data"),
)
def rescore(*args: object) -> object:
    values = dict(zip(FIELDS, args[: len(FIELDS)], strict=True))
    value, initial, before = args[len(FIELDS) :]
    client_id = picker.client_id_of(value)
    if client_id is None or initial is None or before is None:
        return None
    found = forms.problems(values, form.levels_or_none())
    if found:
        return dbc.Alert(
            ["Fix these values to rescore: ", html.Ul([html.Li(m) for m in found.values()])], color="warning"
        )
    try:
        payload = api().what_if(client_id, forms.changes(initial, values))
    except ApiError as error:
        return dbc.Alert([error.message, " Change a value to try again."], color="danger", role="alert")
    return result_view(before, payload)


dash.register_page(
    __name__, path="/what-if", path_template="/what-if/<client_id>", title=title, order=2, layout=layout
)
