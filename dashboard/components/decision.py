"""The decision view shared by the client, what-if and new-application pages: decision in words and icon,
points, risk against the threshold, key facts, the waterfall by reason code (with a drill-down to the
features of a code on the client page) and the principal reasons to tell the customer, with their share.
Contributions are in score points, with the page's one precision of points (`values.points_digits`).

Texts follow the request's language (`i18n.current()`) unless a translator is given."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html

from dashboard import reason_text, text
from dashboard.callbacks import callback
from dashboard.figures import client as client_figures
from dashboard.figures import reasons as reason_figures
from dashboard.i18n import Translator, current
from dashboard.settings import currency
from dashboard.values import points_digits


def verdict(
    score: Mapping, heading_level: int = 3, t: Translator | None = None, digits: int | None = None
) -> html.Div:
    """Decision in words with its icon, the points (`digits`: the page's decimals of points), and how far
    the risk is from the threshold."""
    t = t or current()
    decision = score["decision"]
    heading = getattr(html, f"H{heading_level}")
    points = text.points_text(score, t, digits)
    return html.Div(
        [
            heading(
                [
                    html.Span(
                        text.decision_icon(decision), className="decision-icon", **{"aria-hidden": "true"}
                    ),
                    text.decision_words(decision, t),
                ],
                className="decision-title",
            ),
            html.P(points, className="mb-1 fw-semibold decision-points") if points else None,
            html.P(text.risk_text(score, t), className="mb-0"),
        ],
        className=f"decision decision-{decision}",
    )


def facts_table(
    facts: Sequence[Mapping], outcome: int | None, split: str, t: Translator, show_outcome: bool = True
) -> dbc.Table:
    """Key facts of a stored client, with the known outcome of a training client when `show_outcome`."""
    rows = [
        html.Tr([html.Th(label, scope="row"), html.Td(value)])
        for label, value in text.fact_rows(facts, t, currency())
    ]
    if show_outcome:
        known = text.outcome_text(outcome if split == "train" else None, t)
        rows.append(html.Tr([html.Th(t.gettext("Known outcome"), scope="row"), html.Td(known)]))
    return dbc.Table(
        [html.Caption(t.gettext("Key facts of the application")), html.Tbody(rows)],
        bordered=False,
        striped=True,
        size="sm",
        className="facts caption-top",
    )


def _reason_item(reason: Mapping, decision: str, t: Translator, rule: bool = False) -> html.Li:
    """A reason in the customer's words; a policy rule that fired (`rule`) has no share of the score."""
    share = t.gettext("lending policy rule") if rule else reason_text.share_text(reason, decision, t)
    parts = [
        html.Span(reason["text"], className="reason-text"),
        html.Span(f" ({share})", className="reason-share"),
    ]
    values = reason_text.member_values(reason, t, currency())
    if values:
        parts.append(html.Div(values, className="reason-values small"))
    if decision == "refuse" and reason.get("actionable") and reason.get("action"):
        parts.append(
            html.Div(
                [
                    html.Span(t.gettext("What the applicant can do:"), className="fw-semibold"),
                    " ",
                    reason["action"],
                ],
                className="reason-action small",
            )
        )
    return html.Li(parts)


def reasons_box(
    explanation: Mapping, decision: str, prefix: str, t: Translator, rules: Sequence[str] = ()
) -> html.Section:
    """The policy rules that fired (`rules`), then at most four reason codes in the customer's words, with
    their share of the push, printable."""
    reasons = explanation.get("reasons") or []
    body = (
        html.Ol([_reason_item(r, decision, t, r["code"] in rules) for r in reasons])
        if reasons
        else html.P(t.gettext("No single factor stands out."))
    )
    return html.Section(
        [
            html.H3(t.gettext("Reasons to tell the customer"), className="h4"),
            html.P(reason_text.reasons_heading(decision, t) + t.gettext(":"), className="fw-semibold mb-1"),
            body,
            dbc.Button(
                t.gettext("Print the reasons"),
                id=f"{prefix}-print",
                color="secondary",
                outline=True,
                size="sm",
                className="no-print",
            ),
        ],
        id=f"{prefix}-reasons",
        className="reasons printable",
        **{"aria-label": t.gettext("Reasons to tell the customer")},
    )


def drilldown(
    explanation: Mapping, points: float, prefix: str, t: Translator, scale: float, digits: int
) -> html.Section:
    """A code chosen in a list, and how its points split over its features (`scale`: points per log-odds
    step of this client, `digits`: the page's decimals of points; each code's points as the waterfall
    shows them); the figure is drawn by the callback of `register_drilldown` once the decision is on screen
    (it is not what the officer reads first)."""
    shown_points = reason_figures.code_points(explanation, points, digits)
    codes = [{**c, "points": shown_points[c["code"]]} for c in explanation.get("codes") or []]
    options = [{"label": c["title"], "value": c["code"]} for c in codes]
    first = codes[0] if codes else None
    shown = {"codes": codes, "scale": scale, "digits": digits}
    return html.Section(
        [
            html.H4(t.gettext("Inside a reason code: its features"), className="h5 mt-2"),
            dbc.Label(t.gettext("Reason code"), html_for=f"{prefix}-drill-code"),
            dbc.Select(
                id=f"{prefix}-drill-code",
                options=options,
                value=first["code"] if first else None,
                className="mb-2",
            ),
            dcc.Store(id=f"{prefix}-drill-codes", data=shown),
            html.Div(id=f"{prefix}-drill"),
        ],
        className="drilldown no-print",
    )


def drill_figure(code: Mapping, prefix: str, t: Translator, scale: float, digits: int) -> html.Figure:
    money = currency()
    return chart(
        reason_figures.code_members(f"{prefix}-drill-graph", code, scale, t, digits, money),
        reason_text.members_summary(code, scale, t, digits, money),
    )


def chart(drawn: object, summary: str) -> html.Figure:
    """A chart drawn in HTML and its text summary, read in that order."""
    return html.Figure([drawn, html.Figcaption(summary, className="chart-summary")], className="chart")


def register_drilldown(prefix: str) -> None:
    """The drill-down's callback for the page whose ids start with `prefix`: the first code's chart once
    the decision is painted (the page's `<prefix>-painted` store is set), then the chosen code's."""

    @callback(
        Output(f"{prefix}-drill", "children"),
        Input(f"{prefix}-drill-code", "value"),
        Input(f"{prefix}-painted", "data"),
        State(f"{prefix}-drill-codes", "data"),
        prevent_initial_call=True,
    )
    def show_code(code: str | None, _painted: dict | None, shown: dict | None) -> object:
        shown = shown or {}
        chosen = next((c for c in shown.get("codes") or [] if c["code"] == code), None)
        if not chosen:
            return None
        return drill_figure(chosen, prefix, current(), shown["scale"], shown["digits"])


def decision_view(
    score: Mapping,
    prefix: str,
    facts: Mapping | None = None,
    t: Translator | None = None,
    drill: bool = False,
    digits: int | None = None,
    show_outcome: bool = True,
) -> html.Div:
    """Everything the officer needs to explain one scored application (`drill`: with the drill-down,
    whose callback the page registers with `register_drilldown`; `digits`: the page's decimals of points,
    by default those of this score alone; `show_outcome`: the client's realised outcome among the facts)."""
    t = t or current()
    explanation = score.get("explanation")
    if digits is None:
        digits = points_digits([score.get("points")], score.get("threshold_points"))
    top = [
        dbc.Col(
            [
                verdict(score, t=t, digits=digits),
                chart(
                    client_figures.risk_bar(
                        f"{prefix}-risk-graph",
                        score["probability"],
                        score["threshold"],
                        t,
                        score.get("strategy"),
                    ),
                    text.band_summary(score["probability"], score["strategy"], t)
                    if score.get("strategy")
                    else text.risk_summary(score["probability"], score["threshold"], t),
                ),
            ],
            lg=7,
        )
    ]
    if facts is not None:
        table = facts_table(facts["facts"], facts.get("known_outcome"), facts["split"], t, show_outcome)
        top.append(dbc.Col(table, lg=5))
    parts = [dbc.Row(top, className="g-4")]
    if explanation:
        rules = score.get("rules_fired") or ()
        why = [
            html.H3(t.gettext("Why: the reason codes of this score"), className="h4"),
            waterfall(score, f"{prefix}-waterfall-graph", t, digits),
        ]
        if drill:
            scale = reason_figures.points_per_log_odds(explanation, score["points"])
            why.append(drilldown(explanation, score["points"], prefix, t, scale, digits))
        parts.append(
            dbc.Row(
                [
                    dbc.Col(html.Section(why), lg=8),
                    dbc.Col(reasons_box(explanation, score["decision"], prefix, t, rules), lg=4),
                ],
                className="g-4 mt-1",
            )
        )
    return html.Div(parts, id=f"{prefix}-decision")


def waterfall(score: Mapping, graph_id: str, t: Translator, digits: int) -> html.Figure:
    """The waterfall by reason code of a score with an explanation, and its summary in words."""
    explanation, probability, points = score["explanation"], score["probability"], score["points"]
    return chart(
        reason_figures.code_waterfall(graph_id, explanation, probability, points, t, digits),
        reason_text.waterfall_summary(explanation, probability, points, t, digits),
    )
