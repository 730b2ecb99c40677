"""The Model page's cost section: the lowest-cost threshold at the weights entered beside the production one,
costed on the same out-of-fold predictions, why the two differ, the cost curve, and the expected profit at
the production threshold. Pure functions of the API's `/analytics/threshold` document and the model's
profit."""

from __future__ import annotations

from collections.abc import Mapping

import dash_bootstrap_components as dbc
from dash import html

from dashboard import model_text
from dashboard.components.status import figure
from dashboard.figures import model as model_figures
from dashboard.i18n import ENGLISH, N_, Translator
from dashboard.settings import currency

ROWS = (  # (key of a threshold point, label, digits; None: a percentage)
    ("threshold", N_("Threshold"), 2),
    ("approval_rate", N_("Approval rate"), None),
    ("cost_per_1000", N_("Cost per 1,000 applicants"), 1),
    ("recall", N_("Defaulters refused"), None),
)


def _value(point: Mapping, key: str, digits: int | None, t: Translator) -> str:
    if key == "threshold":
        return t.percent(point[key], digits)
    return t.number(point[key], digits) if digits is not None else t.percent(point[key])


def _best_id(key: str) -> dict:
    return {"id": "model-best-threshold"} if key == "threshold" else {}


def comparison(data: Mapping, t: Translator = ENGLISH) -> html.Div:
    """Lowest cost and production side by side, at the same weights, on the same predictions."""
    _ = t.gettext
    head = html.Tr(
        [html.Th("", scope="col"), html.Th(_("Lowest cost at these weights"), scope="col")]
        + [html.Th(_("Production"), scope="col")]
    )
    body = [
        html.Tr(
            [
                html.Th(_(label), scope="row"),
                html.Td(_value(data["best"], key, digits, t), **_best_id(key)),
                html.Td(_value(data["production"], key, digits, t)),
            ]
        )
        for key, label, digits in ROWS
    ]
    return html.Div(
        dbc.Table([html.Thead(head), html.Tbody(body)], size="sm", id="model-thresholds"),
        className="table-scroll",
        tabIndex="0",
        **{"aria-label": _("Thresholds compared, scrollable")},
    )


def _same_weights(data: Mapping) -> bool:
    chosen = data.get("chosen") or {}
    return chosen.get("w_fn") == data["w_fn"] and chosen.get("w_fp") == data["w_fp"]


def why(data: Mapping, t: Translator = ENGLISH) -> str:
    """Why the production threshold is not the lowest-cost one of the curve."""
    _ = t.gettext
    chosen, best, production = data.get("chosen"), data["best"], data["production"]
    facts = {
        "production": t.percent(production["threshold"], 2),
        "best": t.percent(best["threshold"], 2),
        "clients": t.number(data["clients"]),
        "gap": t.number(production["cost_per_1000"] - best["cost_per_1000"], 1),
    }
    if chosen is None:
        return _(
            "The production threshold {production} was chosen when the model was trained; at these weights "
            "the lowest cost on the {clients} out-of-fold predictions falls at {best}. The production "
            "threshold only changes when a model is retrained and promoted."
        ).format(**facts)
    if not _same_weights(data):
        return _(
            "The production threshold {production} was chosen when the model was trained, at the weights "
            "w_FN {w_fn} : w_FP {w_fp}; at the weights entered here the lowest cost on the {clients} "
            "out-of-fold predictions falls at {best}, {gap} per 1,000 applicants below the production "
            "threshold's. The production threshold only changes when a model is retrained and promoted."
        ).format(w_fn=t.decimal(chosen.get("w_fn")), w_fp=t.decimal(chosen.get("w_fp")), **facts)
    if best["threshold"] == production["threshold"]:
        return _(
            "At the training's weights the production threshold {production} is the lowest-cost one."
        ).format(**facts)
    return _(
        "Same weights, two populations: the production threshold {production} was chosen when the model was "
        "trained, as the lowest-cost threshold over the {predictions} out-of-fold predictions of the "
        "{repeats} repeats of the cross-validation pooled; this curve is recomputed on the bundle's "
        "stored out-of-fold predictions, one per training client ({clients}, the first repeat), where the "
        "lowest cost falls at {best}, {gap} per 1,000 applicants below the production threshold's: the noise "
        "of a few clients. The production threshold only changes when a model is retrained and promoted."
    ).format(
        predictions=t.number(chosen.get("predictions")),
        repeats=t.number(chosen.get("repeats")),
        **facts,
    )


def cost_view(data: Mapping, profit: dict | None, t: Translator = ENGLISH) -> dbc.Row:
    """Thresholds compared, why they differ and the cost curve, beside the expected profit."""
    numbers = [comparison(data, t), html.P(why(data, t), id="model-threshold-why", className="small")]
    chart = figure("model-cost-graph", model_figures.cost_curve(data, t), model_text.cost_summary(data, t))
    return dbc.Row([dbc.Col([*numbers, chart], lg=8), dbc.Col(profit_view(profit, t), lg=4)])


def profit_view(profit: dict | None, t: Translator) -> html.Section:
    """The expected profit per 1,000 applicants at the production threshold, and what it is made of."""
    heading = t.gettext("Expected profit at the production threshold")
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
