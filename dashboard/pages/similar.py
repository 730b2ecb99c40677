"""Similar clients: the nearest clients with their outcomes, one feature by outcome, two features at once."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from dashboard import text
from dashboard.api_client import ApiError, api
from dashboard.components import picker
from dashboard.components.layout import header
from dashboard.components.status import HIDDEN, error_box, figure, loading, shown
from dashboard.figures import similar as similar_figures

PREFIX = "similar"
K_CHOICES = (10, 20, 50, 100)
GROUPS = (("all", "All clients with a known outcome"), ("similar", "The similar clients"))


def title(client_id: str | None = None) -> str:
    return f"Client {client_id}: similar clients" if client_id else "Similar clients: credit scoring"


picker.register(PREFIX, "similar")


def _select(id_: str, label: str, options: list | None = None, value: object = None) -> html.Div:
    return html.Div(
        [
            dbc.Label(label, html_for=id_),
            dbc.Select(id=id_, options=options or [], value=value),
        ],
        className="mb-2",
    )


def layout(client_id: str | None = None, **_query: str) -> html.Div:
    k_options = [{"label": str(k), "value": str(k)} for k in K_CHOICES]
    return html.Div(
        [
            header(
                "Similar clients",
                "Compare the client with the clients most like them, feature by feature.",
            ),
            dbc.Row(dbc.Col(picker.picker(PREFIX, client_id), md=6)),
            dcc.Store(id="similar-id", data=client_id),
            html.Div(id="similar-intro"),
            html.Section(
                [
                    html.H2("Most similar clients", className="h4"),
                    dbc.Row(dbc.Col(_select("similar-k", "How many similar clients", k_options, "10"), md=3)),
                    error_box(PREFIX),
                    loading(html.Div(id="similar-table"), PREFIX),
                ],
                id="similar-neighbours",
            ),
            html.Section(
                [
                    html.H2("One feature: repaid against defaulted clients", className="h4"),
                    dbc.Row(
                        [
                            dbc.Col(_select("similar-feature", "Feature"), md=6),
                            dbc.Col(
                                html.Fieldset(
                                    [
                                        html.Legend("Compare with", className="form-label fs-6"),
                                        dbc.RadioItems(
                                            id="similar-group",
                                            options=[{"label": lbl, "value": v} for v, lbl in GROUPS],
                                            value="all",
                                        ),
                                    ]
                                ),
                                md=6,
                            ),
                        ]
                    ),
                    error_box("similar-dist"),
                    loading(html.Div(id="similar-distribution"), "similar-dist"),
                ],
                className="mt-4",
            ),
            html.Section(
                [
                    html.H2("Two features at once", className="h4"),
                    dbc.Row(
                        [
                            dbc.Col(_select("similar-x", "Horizontal axis"), md=6),
                            dbc.Col(_select("similar-y", "Vertical axis"), md=6),
                        ]
                    ),
                    error_box("similar-scatter"),
                    loading(html.Div(id="similar-scatter"), "similar-scatter"),
                ],
                className="mt-4",
            ),
        ]
    )


def neighbours_table(payload: dict) -> html.Div:
    """The neighbours with their distance, score, decision and known outcome."""
    rows = [
        html.Tr(
            [
                html.Td(dcc.Link(str(n["client_id"]), href=f"/client/{n['client_id']}")),
                html.Td(f"{n['distance']:.2f}", className="text-end"),
                html.Td(text.percent(n["probability"]), className="text-end"),
                html.Td(f"{text.decision_icon(n['decision'])} {text.decision_words(n['decision'])}"),
                html.Td(text.outcome_text(n["known_outcome"])),
            ]
        )
        for n in payload["neighbours"]
    ]
    columns = (
        ("Client", ""),
        ("Distance", "text-end"),
        ("Risk of default", "text-end"),
        ("Model decision", ""),
        ("Known outcome", ""),
    )
    head = html.Thead(html.Tr([html.Th(h, scope="col", className=css) for h, css in columns]))
    return html.Div(
        [
            html.P(text.neighbours_summary(payload["neighbours"])),
            html.Div(
                dbc.Table(
                    [html.Caption("Most similar clients, nearest first"), head, html.Tbody(rows)],
                    striped=True,
                    size="sm",
                    className="caption-top",
                ),
                className="table-scroll",
                tabIndex="0",
                **{"aria-label": "Similar clients table, scrollable"},
            ),
            html.Details([html.Summary("How similarity is measured"), html.P(payload["space"])]),
        ]
    )


def feature_choices(
    model: dict, importance: list[dict], reasons: list[str]
) -> tuple[list, str, list, str, str]:
    """Options of the feature selects (by importance) and their first values."""
    rank = {e["feature"]: i for i, e in enumerate(importance)}
    features = sorted(model["features"], key=lambda f: rank.get(f["name"], len(rank)))
    options = [{"label": f["label"], "value": f["name"]} for f in features]
    numeric = [o for o, f in zip(options, features, strict=True) if f["kind"] != text.CATEGORICAL]
    first = next((r for r in reasons if r in rank), features[0]["name"])
    x = numeric[0]["value"] if numeric else ""
    y = numeric[1]["value"] if len(numeric) > 1 else x
    return options, first, numeric, x, y


@callback(
    Output("similar-intro", "children"),
    Output("similar-table", "children"),
    Output("similar-error", "hidden"),
    Output("similar-error-text", "children"),
    Input("similar-id", "data"),
    Input("similar-k", "value"),
    Input("similar-retry", "n_clicks"),
)
def show_neighbours(value: str | None, k: str, _retry: int | None) -> tuple:
    client_id = picker.client_id_of(value)
    if client_id is None:
        message = "Choose a client above to see the clients most like them."
        if value:
            message = f"\u201c{value}\u201d is not a client ID: IDs are whole numbers such as 100002."
        return dbc.Alert(message, color="info"), None, *HIDDEN
    try:
        payload = api().similar(client_id, int(k or K_CHOICES[0]))
    except ApiError as error:
        if error.not_found:
            return dbc.Alert(f"No client with ID {client_id} in the data.", color="warning"), None, *HIDDEN
        return None, None, *shown(error)
    intro = html.P(
        ["Client ", dcc.Link(str(client_id), href=f"/client/{client_id}"), " compared with others."]
    )
    return intro, neighbours_table(payload), *HIDDEN


@callback(
    Output("similar-feature", "options"),
    Output("similar-feature", "value"),
    Output("similar-x", "options"),
    Output("similar-x", "value"),
    Output("similar-y", "options"),
    Output("similar-y", "value"),
    Input("similar-id", "data"),
    Input("similar-dist-retry", "n_clicks"),
)
def fill_features(value: str | None, _retry: int | None) -> tuple:
    client_id = picker.client_id_of(value)
    try:
        model = api().model()
        importance = api().global_explanation(top=1, rows=1)["importance"]
        score = api().client_score(client_id) if client_id else {}
    except ApiError:
        return [], None, [], None, [], None
    explanation = score.get("explanation") or {}
    reasons = [r["feature"] for r in (explanation.get("raising") or []) + (explanation.get("lowering") or [])]
    options, first, numeric, x, y = feature_choices(model, importance, reasons)
    return options, first, numeric, x, numeric, y


@callback(
    Output("similar-distribution", "children"),
    Output("similar-dist-error", "hidden"),
    Output("similar-dist-error-text", "children"),
    Input("similar-feature", "value"),
    Input("similar-group", "value"),
    Input("similar-k", "value"),
    Input("similar-dist-retry", "n_clicks"),
    State("similar-id", "data"),
)
def show_distribution(
    feature: str | None, group: str, k: str, _retry: int | None, value: str | None
) -> tuple:
    client_id = picker.client_id_of(value)
    if not feature:
        return None, *HIDDEN
    similar = max(int(k or K_CHOICES[0]), 5) if group == "similar" and client_id else None
    try:
        data = api().distribution(feature, client_id, similar)
    except ApiError as error:
        return None, *shown(error)
    return figure(
        "similar-distribution-graph", similar_figures.distribution(data), text.distribution_summary(data)
    ), *HIDDEN


@callback(
    Output("similar-scatter", "children"),
    Output("similar-scatter-error", "hidden"),
    Output("similar-scatter-error-text", "children"),
    Input("similar-x", "value"),
    Input("similar-y", "value"),
    Input("similar-scatter-retry", "n_clicks"),
    State("similar-id", "data"),
)
def show_scatter(x: str | None, y: str | None, _retry: int | None, value: str | None) -> tuple:
    if not x or not y:
        return None, *HIDDEN
    try:
        data = api().scatter(x, y, picker.client_id_of(value))
    except ApiError as error:
        return None, *shown(error)
    return figure("similar-scatter-graph", similar_figures.scatter(data), text.scatter_summary(data)), *HIDDEN


dash.register_page(
    __name__, path="/similar", path_template="/similar/<client_id>", title=title, order=1, layout=layout
)
