"""The officer's decision on the client page: the decision form (officers and admins), the override's reason
and justification, and the client's decision history (letters are issued through the letter links).

The vocabulary (decisions, override reasons, which decision overrides which) comes from the API, the form
is checked again by the API, and every callback is guarded on the server by its rights.
"""

from __future__ import annotations

from collections.abc import Mapping

import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html, no_update

from dashboard import auth, text
from dashboard.api_client import ApiError, api
from dashboard.auth.roles import DECIDE, VIEW_CLIENTS, protected_callback

PREFIX = "client-officer"


def panel(client_id: int, score: Mapping) -> html.Section:
    """The section under the client's decision; its content comes from the callbacks below."""
    return html.Section(
        [
            html.H3("The officer's decision", className="h4"),
            dcc.Store(id=f"{PREFIX}-model", data={"client_id": client_id, "decision": score["decision"]}),
            dcc.Store(id=f"{PREFIX}-recorded"),
            html.Div(id=f"{PREFIX}-form"),
            html.H4("Decision history", className="h5 mt-3"),
            html.Div(id=f"{PREFIX}-history"),
        ],
        id=PREFIX,
        className="no-print mt-4",
        **{"aria-label": "The officer's decision"},
    )


def _options(values: list[dict]) -> list[dict]:
    return [{"label": v["label"], "value": v["value"]} for v in values]


def form(vocabulary: Mapping) -> list:
    """The decision form of an officer."""
    reasons = [
        {"label": "Choose a reason (for an override)", "value": ""},
        *_options(vocabulary["override_reasons"]),
    ]
    return [
        dbc.Label("Final decision", html_for=f"{PREFIX}-decision", className="fw-semibold"),
        dbc.RadioItems(id=f"{PREFIX}-decision", options=_options(vocabulary["decisions"]), className="mb-2"),
        html.Div(id=f"{PREFIX}-override", role="status", className="mb-2"),
        dbc.Label("Reason of an override", html_for=f"{PREFIX}-reason"),
        dbc.Select(id=f"{PREFIX}-reason", options=reasons, value="", className="mb-2"),
        dbc.Label("Justification", html_for=f"{PREFIX}-justification"),
        dbc.Textarea(id=f"{PREFIX}-justification", rows=3, maxLength=4000, className="mb-1"),
        dbc.FormText(
            f"Required for an override: at least {vocabulary['min_justification']} characters, in words a "
            "reviewer understands."
        ),
        html.Div(dbc.Button("Record the decision", id=f"{PREFIX}-submit", color="primary"), className="mt-2"),
        html.Div(id=f"{PREFIX}-result", role="status", className="mt-2"),
    ]


@protected_callback(VIEW_CLIENTS, Output(f"{PREFIX}-form", "children"), Input(f"{PREFIX}-model", "data"))
def show_form(_model: Mapping | None) -> object:
    if not auth.enabled():
        return _read_only("sign-in is off (SCORING_AUTH=off), and a decision needs a signed-in officer")
    if not auth.can_record():
        return _read_only("your role reads the decisions without recording them")
    try:
        return form(api().decision_vocabulary())
    except ApiError as error:
        return dbc.Alert(error.message, color="warning")


def _read_only(reason: str) -> html.P:
    return html.P(f"Read-only: {reason}.", className="text-muted", id=f"{PREFIX}-read-only")


@protected_callback(
    DECIDE,
    Output(f"{PREFIX}-override", "children"),
    Input(f"{PREFIX}-decision", "value"),
    State(f"{PREFIX}-model", "data"),
    prevent_initial_call=True,
)
def show_override(decision: str | None, model: Mapping) -> str:
    try:
        overriding = api().decision_vocabulary()["overrides"].get(model["decision"], [])
    except ApiError:
        return ""
    if decision in overriding:
        said = text.decision_words(model["decision"]).lower()
        return (
            f"This differs from the model's decision ({said}): it is an override. Choose a reason and write "
            "a justification."
        )
    return ""


@protected_callback(
    DECIDE,
    Output(f"{PREFIX}-result", "children"),
    Output(f"{PREFIX}-recorded", "data"),
    Input(f"{PREFIX}-submit", "n_clicks"),
    State(f"{PREFIX}-decision", "value"),
    State(f"{PREFIX}-reason", "value"),
    State(f"{PREFIX}-justification", "value"),
    State(f"{PREFIX}-model", "data"),
    prevent_initial_call=True,
)
def record(_clicks: int, decision: str | None, reason: str | None, note: str | None, model: Mapping) -> tuple:
    if not decision:
        return dbc.Alert("Choose the final decision first.", color="warning"), no_update
    body = {"decision": decision, "reason_category": reason or None, "justification": note or None}
    try:
        saved = api().decide(model["client_id"], body)
    except ApiError as error:
        problems = [html.Li(message) for message in error.fields.values()] or [html.Li(error.message)]
        return dbc.Alert(["The decision was not recorded:", html.Ul(problems)], color="danger"), no_update
    kind = "an override" if saved["override"] else "following the model"
    message = f"Decision recorded ({kind}) at {saved['created_at'][:16].replace('T', ' ')} UTC."
    return dbc.Alert(message, color="success", id=f"{PREFIX}-saved"), saved["id"]


def history_table(decisions: list[dict], labels: Mapping[str, str]) -> object:
    if not decisions:
        return html.P("No decision recorded yet for this client.", id=f"{PREFIX}-none")
    head = ["When (UTC)", "Officer", "Decision", "Model", "Override", "Justification"]
    rows = [
        html.Tr(
            [
                html.Td(d["created_at"][:16].replace("T", " ")),
                html.Td(d["username"]),
                html.Td(labels.get(d["decision"], d["decision"])),
                html.Td(f"{text.decision_words(d['model_decision'])} ({text.percent(d['probability'])})"),
                html.Td(labels.get(d["reason_category"] or "", "yes") if d["override"] else "no"),
                html.Td(d["justification"] or ""),
            ]
        )
        for d in decisions
    ]
    return dbc.Table(
        [
            html.Caption("Decisions recorded for this client, newest first"),
            html.Thead(html.Tr([html.Th(h, scope="col") for h in head])),
            html.Tbody(rows),
        ],
        id=f"{PREFIX}-history-table",
        size="sm",
        striped=True,
        className="caption-top",
    )


@protected_callback(
    VIEW_CLIENTS,
    Output(f"{PREFIX}-history", "children"),
    Input(f"{PREFIX}-model", "data"),
    Input(f"{PREFIX}-recorded", "data"),
)
def show_history(model: Mapping | None, _recorded: int | None) -> object:
    if not model or not auth.current():
        return html.P("The decision history is shown to signed-in users.", className="text-muted")
    try:
        vocabulary, found = api().both(
            lambda c: c.decision_vocabulary(), lambda c: c.decisions(model["client_id"])
        )
    except ApiError as error:
        return dbc.Alert(error.message, color="warning")
    labels = {v["value"]: v["label"] for v in vocabulary["decisions"] + vocabulary["override_reasons"]}
    return history_table(found["decisions"], labels)
