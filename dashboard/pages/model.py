"""Model: cost weights against threshold, approval and cost, beside the expected profit per 1,000 applicants
at the current policy; global importance, SHAP summary and dependence;
the model card figures with the calibration figures (Brier, log-loss, ECE, reliability diagram), the
candidates compared (mean ± std), champion against scorecard challenger with the points table, the fairness
table, the version and the training date."""

from __future__ import annotations

from collections.abc import Mapping

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, dcc, html

from dashboard import model_text, text
from dashboard.api_client import ApiError, api
from dashboard.callbacks import callback
from dashboard.components import code_importance, fairness
from dashboard.components.layout import header
from dashboard.components.model_quality import candidates_section, comparison_section, probability_facts
from dashboard.components.monitoring import history_view
from dashboard.components.status import HIDDEN, error_box, figure, loading, shown
from dashboard.figures import model as model_figures
from dashboard.i18n import Translator, current
from dashboard.settings import currency

PREFIX = "model"
BEESWARM_FEATURES = 10
SAMPLE_FEATURES = 20
SAMPLE_ROWS = 600


def title() -> str:
    return current().gettext("Model: credit scoring")


def _weight(id_: str, label: str, help_: str) -> html.Div:
    return html.Div(
        [
            dbc.Label(label, html_for=id_),
            dbc.Input(
                id=id_,
                type="number",
                step="any",
                debounce=True,
            ),
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
                    error_box("model-dependence"),
                    loading(html.Div(id="model-dependence"), "model-dependence"),
                ],
                className="mt-4",
            ),
            loading(html.Div(id="model-card"), "model-card"),
            error_box("model-history"),
            loading(html.Div(id="model-history-view"), "model-history"),
        ]
    )


def summary_view(model: Mapping, t: Translator) -> html.Section:
    _ = t.gettext
    metrics, cost = model["cv_metrics"], model["cost"]
    name = model.get("candidate") or model["kind"]
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
        (_("Out-of-fold AUC"), t.number(metrics.get("auc"), 3)),
        (_("Approval rate (out of fold)"), t.percent(metrics.get("approval_rate"))),
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


def explain_view(explanation: Mapping, t: Translator) -> html.Div:
    _ = t.gettext
    sample = explanation["sample"]
    labels = {e["feature"]: e["label"] for e in explanation["importance"]}
    shown_features = [f for f in (e["feature"] for e in explanation["importance"]) if f in sample["shap"]]
    top = shown_features[:BEESWARM_FEATURES]
    return html.Div(
        [
            html.Section(
                [
                    html.H2(_("Global importance"), className="h4"),
                    figure(
                        "model-importance-graph",
                        model_figures.importance(explanation["importance"], t),
                        model_text.importance_summary(explanation["importance"], t),
                    ),
                ],
                className="mt-4",
            ),
            html.Section(
                [
                    html.H2(_("SHAP summary"), className="h4"),
                    figure(
                        "model-beeswarm-graph",
                        model_figures.beeswarm(sample, top, labels, t),
                        model_text.beeswarm_summary(top, labels, len(sample["client_ids"]), t),
                    ),
                ],
                className="mt-4",
            ),
        ]
    )


CARD_FIGURES = (  # (graph id, key of the performance document, figure, text summary)
    ("model-confusion-graph", "confusion", model_figures.confusion_matrix, model_text.confusion_summary),
    ("model-roc-graph", "roc", model_figures.roc, model_text.roc_summary),
    ("model-calibration-graph", "calibration", model_figures.calibration, model_text.calibration_summary),
)


def card_view(performance: Mapping, model: Mapping, t: Translator) -> html.Div:
    columns = [
        dbc.Col(figure(graph_id, plot(performance[key], t), summary(performance[key], t)), lg=4)
        for graph_id, key, plot, summary in CARD_FIGURES
    ]
    return html.Div(
        [
            html.Section(
                [
                    html.H2(t.gettext("Model card"), className="h4"),
                    html.P(
                        t.gettext(
                            "Out of fold: every client scored by a model that did not see it, the risk "
                            "calibrated by a map fitted without it."
                        )
                    ),
                    probability_facts(performance["calibration"], t),
                    dbc.Row(columns),
                ],
                className="mt-4",
            ),
            candidates_section(model, t),
            comparison_section(model, t),
            fairness.fairness_table(performance["fairness"], t),
        ]
    )


@callback(
    Output("model-summary", "children"),
    Output("model-explain", "children"),
    Output("model-card", "children"),
    Output("model-dependence-feature", "options"),
    Output("model-dependence-feature", "value"),
    Output("model-w-fn", "value"),
    Output("model-w-fp", "value"),
    Output("model-profit", "data"),
    Output("model-error", "hidden"),
    Output("model-error-text", "children"),
    Input("model-retry", "n_clicks"),
)
def load(_retry: int | None) -> tuple:
    try:
        model = api().model()
        explanation = api().global_explanation(SAMPLE_FEATURES, SAMPLE_ROWS)
        performance = api().performance()
    except ApiError as error:
        return None, None, None, [], None, None, None, None, *shown(error)
    t = current()
    labels = {e["feature"]: e["label"] for e in explanation["importance"]}
    names = list(explanation["sample"]["shap"])
    options = [{"label": labels.get(n, n), "value": n} for n in names]
    cost = model["cost"]
    return (
        summary_view(model, t),
        explain_view(explanation, t),
        card_view(performance, model, t),
        options,
        names[0] if names else None,
        cost.get("w_fn", 10.0),
        cost.get("w_fp", 1.0),
        model_text.profit_facts(model),
        *HIDDEN,
    )


@callback(
    Output("model-cost", "children"),
    Output("model-cost-error", "hidden"),
    Output("model-cost-error-text", "children"),
    Input("model-w-fn", "value"),
    Input("model-w-fp", "value"),
    Input("model-cost-retry", "n_clicks"),
    Input("model-profit", "data"),
)
def show_cost(w_fn: float | None, w_fp: float | None, _retry: int | None, profit: dict | None) -> tuple:
    t = current()
    _ = t.gettext
    if not (text.is_number(w_fn) and text.is_number(w_fp)) or w_fn <= 0 or w_fp <= 0:
        return html.P(_("Enter two positive costs to see the threshold they lead to.")), *HIDDEN
    try:
        data = api().threshold(w_fn, w_fp)
    except ApiError as error:
        return None, *shown(error)
    best = data["best"]
    numbers = html.Dl(
        [
            html.Dt(_("Best threshold")),
            html.Dd(t.percent(best["threshold"], 2), id="model-best-threshold"),
            html.Dt(_("Approval rate")),
            html.Dd(t.percent(best["approval_rate"])),
            html.Dt(_("Cost per 1,000 applicants")),
            html.Dd(t.number(best["cost_per_1000"], 1)),
            html.Dt(_("Defaulters refused")),
            html.Dd(t.percent(best["recall"])),
        ],
        className="model-facts",
    )
    chart = figure("model-cost-graph", model_figures.cost_curve(data, t), model_text.cost_summary(data, t))
    return dbc.Row([dbc.Col([numbers, chart], lg=8), dbc.Col(profit_view(profit, t), lg=4)]), *HIDDEN


def profit_view(profit: dict | None, t: Translator) -> html.Section:
    """The expected profit per 1,000 applicants at the current policy, and what it is made of."""
    heading = t.gettext("Expected profit at the current policy")
    rows = model_text.profit_rows(profit, t, currency())
    body: list = [html.P(model_text.profit_summary(profit, t, currency()), id="model-expected-profit")]
    if rows:
        body.append(
            html.Dl(
                [part for label, value in rows for part in (html.Dt(label), html.Dd(value))],
                className="model-facts",
                id="model-profit-figures",
            )
        )
    return html.Section([html.H3(heading, className="h5"), *body], **{"aria-label": heading})


@callback(
    Output("model-dependence", "children"),
    Output("model-dependence-error", "hidden"),
    Output("model-dependence-error-text", "children"),
    Input("model-dependence-feature", "value"),
    Input("model-dependence-retry", "n_clicks"),
)
def show_dependence(feature: str | None, _retry: int | None) -> tuple:
    if not feature:
        return None, *HIDDEN
    try:
        explanation = api().global_explanation(SAMPLE_FEATURES, SAMPLE_ROWS)
    except ApiError as error:
        return None, *shown(error)
    t = current()
    sample = explanation["sample"]
    if feature not in sample["shap"]:
        return html.P(t.gettext("This feature is not in the SHAP sample.")), *HIDDEN
    label = next((e["label"] for e in explanation["importance"] if e["feature"] == feature), feature)
    return figure(
        "model-dependence-graph",
        model_figures.dependence(sample, feature, label, t),
        model_text.dependence_summary(label, sample["values"][feature], sample["shap"][feature], t),
    ), *HIDDEN


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
