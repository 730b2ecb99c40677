"""The decision view shared by the client, what-if and new-application pages: decision in words and
icon, risk against the threshold, key facts, local explanation and the reasons to tell the customer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import dash_bootstrap_components as dbc
from dash import html

from dashboard import text
from dashboard.components.status import figure
from dashboard.figures import client as client_figures


def verdict(score: Mapping, heading_level: int = 3) -> html.Div:
    """Decision in words with its icon, and how far the risk is from the threshold."""
    decision = score["decision"]
    heading = getattr(html, f"H{heading_level}")
    return html.Div(
        [
            heading(
                [
                    html.Span(
                        text.decision_icon(decision), className="decision-icon", **{"aria-hidden": "true"}
                    ),
                    text.decision_words(decision),
                ],
                className="decision-title",
            ),
            html.P(text.distance_text(score["probability"], score["threshold"]), className="mb-0"),
        ],
        className=f"decision decision-{decision}",
    )


def facts_table(facts: Sequence[Mapping], outcome: int | None, split: str) -> dbc.Table:
    """Key facts of a stored client, with the known outcome of a training client."""
    rows = [html.Tr([html.Th(label, scope="row"), html.Td(value)]) for label, value in text.fact_rows(facts)]
    known = text.outcome_text(outcome) if split == "train" else text.outcome_text(None)
    rows.append(html.Tr([html.Th("Known outcome", scope="row"), html.Td(known)]))
    return dbc.Table(
        [html.Caption("Key facts of the application"), html.Tbody(rows)],
        bordered=False,
        striped=True,
        size="sm",
        className="facts caption-top",
    )


def reasons_box(explanation: Mapping, decision: str, prefix: str) -> html.Section:
    """At most four specific reasons, printable."""
    heading, sentences = text.reasons(explanation, decision)
    body = html.Ol([html.Li(s) for s in sentences]) if sentences else html.P("No single factor stands out.")
    return html.Section(
        [
            html.H3("Reasons to tell the customer", className="h4"),
            html.P(heading + ":", className="fw-semibold mb-1"),
            body,
            dbc.Button(
                "Print the reasons",
                id=f"{prefix}-print",
                color="secondary",
                outline=True,
                size="sm",
                className="no-print",
            ),
        ],
        id=f"{prefix}-reasons",
        className="reasons printable",
        **{"aria-label": "Reasons to tell the customer"},
    )


def decision_view(score: Mapping, prefix: str, facts: Mapping | None = None) -> html.Div:
    """Everything the officer needs to explain one scored application."""
    explanation = score.get("explanation")
    top = [
        dbc.Col(
            [
                verdict(score),
                figure(
                    f"{prefix}-risk-graph",
                    client_figures.risk_bar(score["probability"], score["threshold"]),
                    text.risk_summary(score["probability"], score["threshold"]),
                ),
            ],
            lg=7,
        )
    ]
    if facts is not None:
        top.append(dbc.Col(facts_table(facts["facts"], facts.get("known_outcome"), facts["split"]), lg=5))
    parts = [dbc.Row(top, className="g-4")]
    if explanation:
        parts.append(
            dbc.Row(
                [
                    dbc.Col(
                        html.Section(
                            [
                                html.H3("Why: the main factors of this score", className="h4"),
                                figure(
                                    f"{prefix}-waterfall-graph",
                                    client_figures.waterfall(explanation),
                                    text.waterfall_summary(explanation),
                                ),
                            ]
                        ),
                        lg=8,
                    ),
                    dbc.Col(reasons_box(explanation, score["decision"], prefix), lg=4),
                ],
                className="g-4 mt-1",
            )
        )
    return html.Div(parts, id=f"{prefix}-decision")
