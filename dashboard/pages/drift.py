"""Drift: a summary of the chosen Evidently report (drifted share, most drifted features, prediction drift)
above the report itself, embedded; the report's HTML reaches the browser through the dashboard."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, html

from dashboard import text
from dashboard.api_client import ApiError, api
from dashboard.components.layout import header
from dashboard.components.monitoring import estimate_view, psi_view, trend_view
from dashboard.components.status import HIDDEN, error_box, loading, shown
from dashboard.security import REPORT_SANDBOX

PREFIX = "drift"
MOST_DRIFTED = 10


def layout(**_query: str) -> html.Div:
    return html.Div(
        [
            header(
                "Drift",
                "Do the clients scored now still look like the clients the model learned from?",
            ),
            html.Div(
                [dbc.Label("Report", html_for="drift-report"), dbc.Select(id="drift-report", options=[])],
                className="mb-3 col-md-8",
            ),
            error_box(PREFIX),
            html.Div(id="drift-empty"),
            loading(html.Div(id="drift-trend"), "drift-trend"),
            loading(html.Div(id="drift-summary"), PREFIX),
            html.Div(id="drift-frame"),
        ]
    )


def report_label(entry: Mapping) -> str:
    """'2026-01-01 00:00 — train vs test' from an index entry named '<timestamp>_train_vs_test'."""
    when = (entry.get("created_at") or "")[:16].replace("T", " ")
    what = entry["name"].split("_", 1)[-1].replace("_", " ")
    return f"{when} \u2014 {what}" if when else what


def _verdict(flag: bool, yes: str, no: str) -> str:
    return f"\u26a0 {yes}" if flag else f"\u2714 {no}"


def summary_view(summary: Mapping) -> html.Div:
    """Headline numbers, the most drifted features and the prediction drift, in words and a table."""
    prediction = summary.get("prediction_drift") or {}
    probability = prediction.get("probability") or {}
    decision = prediction.get("decision") or {}
    drifted = summary.get("drifted_features") or []
    facts = [
        ("Reference", (summary.get("reference") or {}).get("description", "unknown")),
        ("Current", (summary.get("current") or {}).get("description", "unknown")),
        (
            "Drifted features",
            f"{summary.get('drifted_count', len(drifted))} of {summary.get('features_checked', '?')} "
            f"({text.percent(summary.get('share_drifted'), 0)})",
        ),
        ("Dataset drift", _verdict(bool(summary.get("dataset_drift")), "detected", "not detected")),
        (
            "Prediction drift",
            _verdict(bool(prediction.get("drifted")), "detected", "not detected")
            + f" \u2014 mean risk {text.percent(probability.get('reference_mean'))} \u2192 "
            f"{text.percent(probability.get('current_mean'))}, refusal rate "
            f"{text.percent(decision.get('reference_refusal_rate'))} \u2192 "
            f"{text.percent(decision.get('current_refusal_rate'))}",
        ),
        ("Alert", "; ".join(summary.get("alerts") or []) or "none"),
    ]
    rows = [
        html.Tr(
            [
                html.Td(d.get("label") or d["feature"]),
                html.Td(d.get("method") or ""),
                html.Td(text.value_text(d.get("score"))),
                html.Td(text.value_text(d.get("threshold"))),
            ]
        )
        for d in drifted[:MOST_DRIFTED]
    ]
    table = (
        dbc.Table(
            [
                html.Caption(f"Most drifted features (up to {MOST_DRIFTED})"),
                html.Thead(
                    html.Tr([html.Th(h, scope="col") for h in ("Feature", "Test", "Score", "Threshold")])
                ),
                html.Tbody(rows),
            ],
            size="sm",
            striped=True,
            className="caption-top",
            id="drift-features",
        )
        if rows
        else html.P("No feature drifted.")
    )
    return html.Div(
        [
            html.H2("Summary", className="h4"),
            html.Dl(
                [part for label, value in facts for part in (html.Dt(label), html.Dd(value))],
                className="model-facts",
                id="drift-facts",
            ),
            table,
            psi_view(summary.get("psi")),
            estimate_view(summary.get("estimated_performance")),
        ]
    )


def frame(name: str) -> html.Section:
    return html.Section(
        [
            html.H2("Full report", className="h4"),
            html.Iframe(
                src=f"/drift-report/{quote(name, safe='')}",
                title=f"Evidently drift report {name}",
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
    try:
        entries, points = api().both(lambda c: c.drift_reports(), lambda c: c.drift_trend())
    except ApiError as error:
        return [], None, None, None, *shown(error)
    options = [{"label": report_label(e), "value": e["name"]} for e in entries if e.get("html_url")]
    if not options:
        message = "No drift report yet: run `scoring drift --current test` (`make run` builds one)."
        return [], None, dbc.Alert(message, color="info"), None, *HIDDEN
    return options, options[0]["value"], None, trend_view(points), *HIDDEN


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
        return dbc.Alert(error.message, color="danger", role="alert"), None
    return summary_view(summary), frame(name)


dash.register_page(__name__, path="/drift", title="Drift: credit scoring", order=5, layout=layout)
