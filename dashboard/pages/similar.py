"""Similar clients: the nearest clients with their outcomes, one feature by outcome, two features at once."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html

from dashboard import text
from dashboard.api_client import ApiError, api
from dashboard.callbacks import callback
from dashboard.components import picker
from dashboard.components.layout import header
from dashboard.components.status import HIDDEN, error_box, figure, loading, shown
from dashboard.figures import similar as similar_figures
from dashboard.i18n import N_, Translator, current

PREFIX = "similar"
K_CHOICES = (10, 20, 50, 100)
GROUPS = (("all", N_("All clients with a known outcome")), ("similar", N_("The similar clients")))


def title(client_id: str | None = None) -> str:
    _ = current().gettext
    if client_id:
        return _("Client {client_id}: similar clients").format(client_id=client_id)
    return _("Similar clients: credit scoring")


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
    _ = current().gettext
    k_options = [{"label": str(k), "value": str(k)} for k in K_CHOICES]
    return html.Div(
        [
            header(
                _("Similar clients"),
                _("Compare the client with the clients most like them, feature by feature."),
            ),
            dbc.Row(dbc.Col(picker.picker(PREFIX, client_id), md=6)),
            dcc.Store(id="similar-id", data=client_id),
            html.Div(id="similar-intro"),
            html.Section(
                [
                    html.H2(_("Most similar clients"), className="h4"),
                    dbc.Row(
                        dbc.Col(_select("similar-k", _("How many similar clients"), k_options, "10"), md=3)
                    ),
                    error_box(PREFIX),
                    loading(html.Div(id="similar-table"), PREFIX),
                ],
                id="similar-neighbours",
            ),
            html.Section(
                [
                    html.H2(_("One feature: repaid against defaulted clients"), className="h4"),
                    dbc.Row(
                        [
                            dbc.Col(_select("similar-feature", _("Feature")), md=6),
                            dbc.Col(
                                html.Fieldset(
                                    [
                                        html.Legend(_("Compare with"), className="form-label fs-6"),
                                        dbc.RadioItems(
                                            id="similar-group",
                                            options=[{"label": _(lbl), "value": v} for v, lbl in GROUPS],
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
                    html.H2(_("Two features at once"), className="h4"),
                    dbc.Row(
                        [
                            dbc.Col(_select("similar-x", _("Horizontal axis")), md=6),
                            dbc.Col(_select("similar-y", _("Vertical axis")), md=6),
                        ]
                    ),
                    error_box("similar-scatter"),
                    loading(html.Div(id="similar-scatter"), "similar-scatter"),
                ],
                className="mt-4",
            ),
        ]
    )


def neighbours_table(payload: dict, t: Translator) -> html.Div:
    """The neighbours with their distance, score, decision and known outcome."""
    _ = t.gettext
    rows = [
        html.Tr(
            [
                html.Td(dcc.Link(str(n["client_id"]), href=f"/client/{n['client_id']}")),
                html.Td(t.number(n["distance"], 2), className="text-end"),
                html.Td(t.percent(n["probability"]), className="text-end"),
                html.Td(text.decision_with_icon(n["decision"], t)),
                html.Td(text.outcome_text(n["known_outcome"], t)),
            ]
        )
        for n in payload["neighbours"]
    ]
    columns = (
        (_("Client"), ""),
        (_("Distance"), "text-end"),
        (_("Risk of default"), "text-end"),
        (_("Decision today"), ""),
        (_("Known outcome"), ""),
    )
    head = html.Thead(html.Tr([html.Th(h, scope="col", className=css) for h, css in columns]))
    return html.Div(
        [
            html.P(text.neighbours_summary(payload["neighbours"], t)),
            html.Div(
                dbc.Table(
                    [html.Caption(_("Most similar clients, nearest first")), head, html.Tbody(rows)],
                    striped=True,
                    size="sm",
                    className="caption-top",
                ),
                className="table-scroll",
                tabIndex="0",
                **{"aria-label": _("Similar clients table, scrollable")},
            ),
            html.Details([html.Summary(_("How similarity is measured")), html.P(payload["space"])]),
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
    t = current()
    client_id = picker.client_id_of(value)
    if client_id is None:
        return (
            picker.no_client(value, t.gettext("Choose a client above to see the clients most like them.")),
            None,
            *HIDDEN,
        )
    try:
        payload = api().similar(client_id, int(k or K_CHOICES[0]))
    except ApiError as error:
        if error.not_found:
            return picker.unknown_client(client_id, t), None, *HIDDEN
        return None, None, *shown(error)
    intro = html.P(picker.client_link_sentence(client_id, t.gettext("Client {client} compared with others.")))
    return intro, neighbours_table(payload, t), *HIDDEN


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
    t = current()
    return figure(
        "similar-distribution-graph",
        similar_figures.distribution(data, t),
        text.distribution_summary(data, t),
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
    t = current()
    return figure(
        "similar-scatter-graph", similar_figures.scatter(data, t), text.scatter_summary(data, t)
    ), *HIDDEN


dash.register_page(
    __name__, path="/similar", path_template="/similar/<client_id>", title=title, order=1, layout=layout
)
