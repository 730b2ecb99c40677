"""Model: cost weights against threshold, approval and cost, the production threshold beside the lowest-cost
one and why they differ, beside the expected profit per 1,000 applicants at the production threshold; global
importance, SHAP summary and dependence from bins (`/explain/summary`: a few KB, not the raw sample); the
model card (each figure once, from the bundle's stored out-of-fold predictions at the production threshold),
the candidates compared (mean ± std across repeats, champion and challenger marked), the scorecard's points in
readable units, the fairness table, the version and the training date."""

from __future__ import annotations

from collections.abc import Mapping

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html, no_update

from dashboard import model_text, text, vocabulary
from dashboard.api_client import ApiClient, ApiError, api
from dashboard.callbacks import callback
from dashboard.components import code_importance, model_threshold
from dashboard.components.layout import header
from dashboard.components.model_quality import card_view, points_table
from dashboard.components.monitoring import history_view
from dashboard.components.status import HIDDEN, error_box, figure, loading, shown
from dashboard.figures import model as model_figures
from dashboard.i18n import Translator, current
from dashboard.settings import currency

PREFIX = "model"
SUMMARY_FEATURES = 10
MAX_WEIGHT = 1000  # the largest cost weight the API takes (`GET /analytics/threshold`)


def title() -> str:
    return current().gettext("Model: credit scoring")


def _weight(id_: str, label: str, help_: str) -> html.Div:
    return html.Div(
        [
            dbc.Label(label, html_for=id_),
            dbc.Input(id=id_, type="number", min=0, max=MAX_WEIGHT, step="any", debounce=True),
            dbc.FormText(help_, id=f"{id_}-help"),
        ],
        className="mb-2",
    )


def layout(**_query: str) -> html.Div:
    _ = current().gettext
    return html.Div(
        [
            header(_("Model"), _("How the model in service decides, how well it does, and for whom.")),
            error_box(PREFIX),
            loading(html.Div(id="model-summary"), PREFIX),
            html.Section(
                [
                    html.H2(_("Cost weights and threshold"), className="h4"),
                    html.P(
                        _(
                            "Explore how the best threshold moves with the cost of each kind of error, on "
                            "the out-of-fold predictions. The production threshold only changes when a "
                            "model is retrained and promoted."
                        ),
                    ),
                    dbc.Row(
                        [
                            dbc.Col(
                                _weight(
                                    "model-w-fn",
                                    _("Cost of accepting a defaulter (w_FN)"),
                                    _("Relative cost of one missed defaulter."),
                                ),
                                md=4,
                            ),
                            dbc.Col(
                                _weight(
                                    "model-w-fp",
                                    _("Cost of refusing a good client (w_FP)"),
                                    _("Relative cost of one good client turned away."),
                                ),
                                md=4,
                            ),
                        ]
                    ),
                    error_box("model-cost"),
                    dcc.Store(id="model-profit"),
                    dcc.Store(id="model-cost-weights"),
                    loading(html.Div(id="model-cost"), "model-cost"),
                ],
                className="mt-4",
            ),
            loading(html.Div(id="model-explain"), "model-explain"),
            code_importance.section(),
            html.Section(
                [
                    html.H2(_("Dependence plot"), className="h4"),
                    html.Div(
                        [
                            dbc.Label(_("Feature"), html_for="model-dependence-feature"),
                            dbc.Select(id="model-dependence-feature", options=[]),
                        ],
                        className="mb-2 col-md-6",
                    ),
                    dcc.Store(id="model-dependence-curves"),
                    dcc.Store(id="model-dependence-drawn"),
                    loading(html.Div(id="model-dependence"), "model-dependence"),
                ],
                className="mt-4",
            ),
            loading(html.Div(id="model-card"), "model-card"),
            error_box("model-history"),
            loading(html.Div(id="model-history-view"), "model-history"),
        ]
    )


def decides_text(strategy: Mapping | None, t: Translator) -> str:
    """What decides the applications: the strategy in force (whose cut-offs and rules differ from the
    model's threshold, the figures of this page), else the production threshold alone."""
    if not strategy:
        return t.gettext("The production threshold alone (no decision strategy in force).")
    return t.gettext(
        "The strategy {name} (version {version}): accepted below {accept}, refused from {refuse}, an officer "
        "decides between, and its policy rules. The threshold, costs and profit of this page are the model's "
        "own, at its production threshold; the Strategy page gives the strategy's."
    ).format(
        name=strategy["name"],
        version=strategy["version"],
        accept=t.percent(strategy["accept_below"], 2),
        refuse=t.percent(strategy["refuse_from"], 2),
    )


def summary_view(model: Mapping, t: Translator) -> html.Section:
    _ = t.gettext
    cost = model["cost"]
    name = vocabulary.label(vocabulary.CANDIDATES, model.get("candidate") or model["kind"], t)
    count = len(model["features"])
    items = [
        (_("Model version"), model["version"]),
        (
            _("Model"),
            t.ngettext("{model} ({count} feature)", "{model} ({count} features)", count).format(
                model=name, count=count
            ),
        ),
        (_("Trained on"), _("{moment} UTC").format(moment=t.moment(model["created_at"]))),
        (
            _("Production threshold"),
            _("{threshold} (calibrated risk)").format(threshold=t.percent(model["threshold"], 2)),
        ),
        (_("What decides"), decides_text(model.get("strategy"), t)),
        (
            _("Cost weights used"),
            f"w_FN {t.decimal(cost.get('w_fn'))} : w_FP {t.decimal(cost.get('w_fp'))}",
        ),
        (_("Clients served"), t.number(model["clients"])),
    ]
    return html.Section(
        [
            html.H2(_("Model in service"), className="h4"),
            html.Dl(
                [part for label, value in items for part in (html.Dt(label), html.Dd(value))],
                className="model-facts",
                id="model-version",
            ),
        ]
    )


def explain_view(summary: Mapping, t: Translator) -> html.Div:
    _ = t.gettext
    return html.Div(
        [
            html.Section(
                [
                    html.H2(_("Global importance"), className="h4"),
                    figure(
                        "model-importance-graph",
                        model_figures.importance(summary["importance"], t),
                        model_text.importance_summary(summary["importance"], t),
                    ),
                ],
                className="mt-4",
            ),
            html.Section(
                [
                    html.H2(_("SHAP summary"), className="h4"),
                    figure(
                        "model-beeswarm-graph",
                        model_figures.beeswarm(summary, t),
                        model_text.beeswarm_summary(summary, t),
                    ),
                ],
                className="mt-4",
            ),
        ]
    )


@callback(
    Output("model-summary", "children"),
    Output("model-explain", "children"),
    Output("model-card", "children"),
    Output("model-dependence-feature", "options"),
    Output("model-dependence-feature", "value"),
    Output("model-dependence-curves", "data"),
    Output("model-dependence", "children"),
    Output("model-dependence-drawn", "data"),
    Output("model-w-fn", "value"),
    Output("model-w-fp", "value"),
    Output("model-profit", "data"),
    Output("model-cost", "children"),
    Output("model-cost-error", "hidden"),
    Output("model-cost-error-text", "children"),
    Output("model-cost-weights", "data"),
    Output("model-error", "hidden"),
    Output("model-error-text", "children"),
    Input("model-retry", "n_clicks"),
)
def load(_retry: int | None) -> tuple:
    """The whole first paint in one round trip: the cost section at the training's weights included (the
    weights then set in their fields do not ask for it again, see `update_cost`)."""
    try:
        model, summary, performance, threshold = first_paint()
    except ApiError as error:
        empty = (None, None, None, [], None, None, None, None, None, None, None, None)
        return *empty, True, "", None, *shown(error)
    t = current()
    curves = {c["feature"]: c for c in summary["dependence"]}
    options = [{"label": c["label"], "value": name} for name, c in curves.items()]
    weights = training_weights(model)
    profit = model_text.profit_facts(model)
    first = next(iter(curves), None)
    return (
        summary_view(model, t),
        explain_view(summary, t),
        card_view(performance, model, t),
        options,
        first,
        curves,
        show_dependence(first, curves),
        first,
        *weights,
        profit,
        *cost_section(threshold, profit),
        weights,
        *HIDDEN,
    )


def training_weights(model: Mapping) -> list[float]:
    """The cost weights w_FN, w_FP the production threshold was chosen at."""
    cost = model["cost"]
    return [cost.get("w_fn", 10.0), cost.get("w_fp", 1.0)]


def first_paint() -> tuple[dict, dict, dict, dict | ApiError | None]:
    """The model, its explanation summary, its performance and the threshold document at the training's
    weights: two calls at a time, the model, summary and threshold beside the performance (the slowest)."""

    def served(client: ApiClient) -> tuple[dict, dict, dict | ApiError | None]:
        model = client.model()
        summary = client.explanation_summary(SUMMARY_FEATURES)
        return model, summary, threshold_at(client, *training_weights(model))

    (model, summary, threshold), performance = api().both(served, lambda client: client.performance())
    return model, summary, performance, threshold


@callback(
    Output("model-cost", "children", allow_duplicate=True),
    Output("model-cost-error", "hidden", allow_duplicate=True),
    Output("model-cost-error-text", "children", allow_duplicate=True),
    Output("model-cost-weights", "data", allow_duplicate=True),
    Input("model-w-fn", "value"),
    Input("model-w-fp", "value"),
    Input("model-cost-retry", "n_clicks"),
    State("model-profit", "data"),
    State("model-cost-weights", "data"),
    prevent_initial_call=True,
)
def update_cost(
    w_fn: float | None, w_fp: float | None, retry: int | None, profit: dict | None, drawn: list | None
) -> tuple:
    """The cost section for the weights entered, unless it shows them already (the load drew it) and no
    retry was asked for."""
    if [w_fn, w_fp] == drawn and retry is None:
        return no_update, no_update, no_update, no_update
    return *show_cost(w_fn, w_fp, retry, profit), [w_fn, w_fp]


def show_cost(w_fn: float | None, w_fp: float | None, _retry: int | None, profit: dict | None) -> tuple:
    """The cost section for weights w_fn : w_fp: thresholds compared, why they differ, curve and profit."""
    return cost_section(threshold_at(api(), w_fn, w_fp), profit)


def threshold_at(client: ApiClient, w_fn: float | None, w_fp: float | None) -> dict | ApiError | None:
    """The threshold document at weights w_fn : w_fp (None: they are not two positive numbers of at most
    `MAX_WEIGHT`, the API's bound; the error when the call fails, shown in the cost section alone)."""
    if not (text.is_number(w_fn) and text.is_number(w_fp)):
        return None
    if not (0 < w_fn <= MAX_WEIGHT and 0 < w_fp <= MAX_WEIGHT):
        return None
    try:
        return client.threshold(w_fn, w_fp)
    except ApiError as error:
        return error


def cost_section(data: dict | ApiError | None, profit: dict | None) -> tuple:
    """The cost section's view and its error box (hidden, text) for a threshold document."""
    t = current()
    if data is None:
        limit = t.decimal(MAX_WEIGHT)
        wanted = t.gettext("Enter two positive costs of at most {limit} to see the threshold they lead to.")
        return html.P(wanted.format(limit=limit)), *HIDDEN
    if isinstance(data, ApiError):
        return None, *shown(data)
    return model_threshold.cost_view(data, profit, t), *HIDDEN


@callback(
    Output("model-dependence", "children", allow_duplicate=True),
    Output("model-dependence-drawn", "data", allow_duplicate=True),
    Input("model-dependence-feature", "value"),
    State("model-dependence-drawn", "data"),
    State("model-dependence-curves", "data"),
    prevent_initial_call=True,
)
def choose_dependence(feature: str | None, drawn: str | None, curves: dict | None) -> tuple:
    """The dependence curve of the feature chosen, unless it is drawn already (the load drew the first)."""
    if feature == drawn:
        return no_update, no_update
    return show_dependence(feature, curves), feature


def show_dependence(feature: str | None, curves: dict | None) -> html.Figure | html.P | None:
    """A feature's dependence curve, from the bins the page loaded with the summary."""
    if not feature or not curves:
        return None
    t = current()
    curve = curves.get(feature)
    if curve is None:
        return html.P(t.gettext("This feature is not in the SHAP sample."))
    return figure(
        "model-dependence-graph", model_figures.dependence(curve, t), model_text.dependence_summary(curve, t)
    )


@callback(
    Output("model-points-view", "children"),
    Input("model-points-show", "n_clicks"),
    prevent_initial_call=True,
)
def show_points(_clicks: int | None) -> html.Div | html.P:
    """The scorecard's points table, on demand (hundreds of rows the first paint does without)."""
    t = current()
    try:
        model = api().model()
    except ApiError as error:
        return html.P(shown(error)[1], role="alert")
    return points_table(model, t, currency())


@callback(
    Output("model-history-view", "children"),
    Output("model-history-error", "hidden"),
    Output("model-history-error-text", "children"),
    Input("model-history-retry", "n_clicks"),
)
def show_history(_retry: int | None) -> tuple:
    """Every retrain decision: challenger against champion, promoted, kept or skipped."""
    try:
        decisions = api().model_history()
    except ApiError as error:
        return None, *shown(error)
    return history_view(decisions, current()), *HIDDEN


dash.register_page(__name__, path="/model", title=title, order=4, layout=layout)
