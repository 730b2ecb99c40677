"""Drift: a summary of the chosen Evidently report (drifted share, most drifted features, prediction drift,
drift by segment) above the report itself, embedded, and fairness over time (approval ratios by gender and age
band per month, from the monitoring summary); the report's HTML reaches the browser through the dashboard."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, html

from dashboard import drift_text, text
from dashboard.api_client import ApiError, api
from dashboard.callbacks import callback
from dashboard.components.layout import header
from dashboard.components.monitoring import estimate_view, psi_view, trend_view
from dashboard.components.segments import fairness_trend_view, segments_view
from dashboard.components.status import HIDDEN, error_box, loading, shown
from dashboard.components.tables import captioned_table
from dashboard.i18n import ENGLISH, Translator, current
from dashboard.security import REPORT_SANDBOX

PREFIX = "drift"
MOST_DRIFTED = 10
FAIRNESS_DAYS = 365  # the months the fairness table covers


def title() -> str:
    return current().gettext("Drift: credit scoring")


def layout(**_query: str) -> html.Div:
    _ = current().gettext
    return html.Div(
        [
            header(
                _("Drift"),
                _("Do the clients scored now still look like the clients the model learned from?"),
            ),
            html.Div(
                [dbc.Label(_("Report"), html_for="drift-report"), dbc.Select(id="drift-report", options=[])],
                className="mb-3 col-md-8",
            ),
            error_box(PREFIX),
            html.Div(id="drift-empty"),
            loading(html.Div(id="drift-trend"), "drift-trend"),
            loading(html.Div(id="drift-summary"), PREFIX),
            loading(html.Div(id="drift-fairness"), "drift-fairness"),
            html.Div(id="drift-frame"),
        ]
    )


def report_label(entry: Mapping, t: Translator = ENGLISH) -> str:
    """'Jan 1, 2026, 00:00 — training clients against prediction log' from an index entry named
    '<timestamp>_train_vs_log'."""
    what = drift_text.comparison(entry["name"], t)
    return f"{t.moment(entry['created_at'])} \u2014 {what}" if entry.get("created_at") else what


def _verdict(flag: bool, t: Translator) -> str:
    return "\u26a0 " + t.gettext("detected") if flag else "\u2714 " + t.gettext("not detected")


def _facts(summary: Mapping, t: Translator) -> list[tuple[str, str]]:
    _ = t.gettext
    prediction = summary.get("prediction_drift") or {}
    probability = prediction.get("probability") or {}
    decision = prediction.get("decision") or {}
    drifted = summary.get("drifted_features") or []
    moves = _(
        "mean risk {before} \u2192 {after}, refusal rate {refused_before} \u2192 {refused_after}"
    ).format(
        before=t.percent(probability.get("reference_mean")),
        after=t.percent(probability.get("current_mean")),
        refused_before=t.percent(decision.get("reference_refusal_rate")),
        refused_after=t.percent(decision.get("current_refusal_rate")),
    )
    return [
        (_("Reference"), drift_text.sample_description(summary.get("reference"), t)),
        (_("Current"), drift_text.sample_description(summary.get("current"), t)),
        (
            _("Drifted features"),
            _("{count} of {checked} ({share})").format(
                count=summary.get("drifted_count", len(drifted)),
                checked=summary.get("features_checked", "?"),
                share=t.percent(summary.get("share_drifted"), 0),
            ),
        ),
        (_("Dataset drift"), _verdict(bool(summary.get("dataset_drift")), t)),
        (_("Prediction drift"), f"{_verdict(bool(prediction.get('drifted')), t)} \u2014 {moves}"),
        (_("Alert"), "; ".join(drift_text.alerts(summary, t)) or _("none")),
    ]


def summary_view(summary: Mapping, t: Translator = ENGLISH) -> html.Div:
    """Headline numbers, the most drifted features and the prediction drift, in words and a table (labels
    as the API sends them in the page's language)."""
    _ = t.gettext
    rows = [
        html.Tr(
            [
                html.Td(d.get("label") or d["feature"]),
                html.Td(drift_text.method_label(d.get("method"), t)),
                html.Td(text.value_text(d.get("score"), t)),
                html.Td(text.value_text(d.get("threshold"), t)),
            ]
        )
        for d in (summary.get("drifted_features") or [])[:MOST_DRIFTED]
    ]
    headers = (_("Feature"), _("Test"), _("Score"), _("Threshold"))
    table = (
        captioned_table(
            _("Most drifted features (up to {count})").format(count=MOST_DRIFTED),
            headers,
            rows,
            "drift-features",
        )
        if rows
        else html.P(_("No feature drifted."))
    )
    return html.Div(
        [
            html.H2(_("Summary"), className="h4"),
            html.Dl(
                [part for label, value in _facts(summary, t) for part in (html.Dt(label), html.Dd(value))],
                className="model-facts",
                id="drift-facts",
            ),
            table,
            psi_view(summary.get("psi"), t),
            estimate_view(summary.get("estimated_performance"), t=t),
            segments_view(summary, t),
        ]
    )


def frame(name: str, t: Translator) -> html.Section:
    return html.Section(
        [
            html.H2(t.gettext("Full report"), className="h4"),
            html.Iframe(
                src=f"/drift-report/{quote(name, safe='')}",
                title=t.gettext("Evidently drift report {name}").format(name=name),
                sandbox=REPORT_SANDBOX,  # an opaque origin: the report cannot act on the dashboard
                className="drift-frame",
            ),
        ],
        className="mt-4",
    )


@callback(
    Output("drift-report", "options"),
    Output("drift-report", "value"),
    Output("drift-empty", "children"),
    Output("drift-trend", "children"),
    Output("drift-error", "hidden"),
    Output("drift-error-text", "children"),
    Input("drift-retry", "n_clicks"),
)
def list_reports(_retry: int | None) -> tuple:
    t = current()
    try:
        entries, points = api().both(lambda c: c.drift_reports(), lambda c: c.drift_trend())
    except ApiError as error:
        return [], None, None, None, *shown(error)
    options = [{"label": report_label(e, t), "value": e["name"]} for e in entries if e.get("html_url")]
    if not options:
        message = t.gettext(
            "No drift report yet: run “scoring drift --current test” (“make run” builds one)."
        )
        return [], None, dbc.Alert(message, color="info"), None, *HIDDEN
    return options, options[0]["value"], None, trend_view(points, t), *HIDDEN


@callback(Output("drift-fairness", "children"), Input("drift-retry", "n_clicks"))
def show_fairness(_retry: int | None) -> html.Section | dbc.Alert | None:
    """Approval ratios by gender and age band per month over the last FAIRNESS_DAYS days."""
    since = (datetime.now(UTC) - timedelta(days=FAIRNESS_DAYS)).date().isoformat()
    try:
        summary = api().monitoring(since=since, bucket="1d")
    except ApiError as error:
        return dbc.Alert(error.message, color="warning")
    return fairness_trend_view(summary.get("fairness"), current())


@callback(
    Output("drift-summary", "children"),
    Output("drift-frame", "children"),
    Input("drift-report", "value"),
)
def show_report(name: str | None) -> tuple:
    if not name:
        return None, None
    try:
        summary = api().drift_summary(name)
    except ApiError as error:
        return dbc.Alert(error.message, color="danger"), None
    t = current()
    return summary_view(summary, t), frame(name, t)


dash.register_page(__name__, path="/drift", title=title, order=5, layout=layout)
