"""Decision strategy (analysts and administrators): edit a strategy file, simulate it on the bundle's past
applications against the strategy in force (rates, bad rates, loss and profit, refer volume, rules fired,
swap set, the approval / bad-rate chart), propose it; an administrator who did not propose it approves it
(it becomes the active strategy) or rejects it. The API validates, simulates, checks the four eyes and
audits; a file it refuses is shown with each problem's line."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html, no_update

from dashboard.api_client import ApiError, api
from dashboard.auth.users import current as current_user
from dashboard.callbacks import callback
from dashboard.components.layout import header
from dashboard.components.strategy_tables import (
    rates_table,
    review_options,
    rules_table,
    swap_table,
    transitions_table,
    versions_table,
)
from dashboard.figures.strategy import strategy_chart
from dashboard.i18n import ENGLISH, Translator, current
from dashboard.strategy_text import in_force_name

PREFIX = "strategy"


def title() -> str:
    return current().gettext("Decision strategy: credit scoring")


def layout(**_query: str) -> html.Div:
    _ = current().gettext
    editor = [
        dbc.Label(_("Strategy file (YAML)"), html_for=f"{PREFIX}-editor"),
        dbc.Textarea(
            id=f"{PREFIX}-editor",
            rows=24,
            spellCheck=False,
            className="font-monospace small",
            maxLength=100_000,
        ),
        html.Div(
            [
                dbc.Button(_("Simulate"), id=f"{PREFIX}-simulate", color="primary", className="me-2"),
                dbc.Button(_("Propose"), id=f"{PREFIX}-propose", color="secondary"),
            ],
            className="mt-2",
        ),
        html.Div(id=f"{PREFIX}-propose-result", role="status", className="mt-2"),
    ]
    review = html.Div(
        [
            html.H2(_("Review a proposal"), className="h5"),
            dbc.Label(_("Proposed version"), html_for=f"{PREFIX}-review-version"),
            dbc.Row(
                dbc.Col(
                    dbc.Select(
                        id=f"{PREFIX}-review-version",
                        placeholder=_("Choose a proposed version"),
                        className="mb-2",
                    ),
                    md=6,
                )
            ),
            dbc.Button(_("Approve"), id=f"{PREFIX}-approve", color="primary", className="me-2"),
            dbc.Button(_("Reject"), id=f"{PREFIX}-reject", color="secondary"),
        ],
        id=f"{PREFIX}-review",
        hidden=True,
        className="mt-3",
    )
    return html.Div(
        [
            header(
                _("Decision strategy"),
                _(
                    "Policy rules and a refer band around the model: try a strategy on past "
                    "applications against the one in force, then propose it; another person, an "
                    "administrator, approves it."
                ),
            ),
            dcc.Store(id=f"{PREFIX}-opened"),
            dcc.Store(id=f"{PREFIX}-changed"),
            dbc.Row(
                [
                    dbc.Col(editor, lg=5),
                    dbc.Col(dcc.Loading(html.Div(id=f"{PREFIX}-results", role="region")), lg=7),
                ],
                className="g-4",
            ),
            html.H2(_("Versions"), className="h4 mt-4"),
            html.Div(id=f"{PREFIX}-versions"),
            html.Div(id=f"{PREFIX}-review-result", role="status"),
            review,
        ]
    )


def problems(error: ApiError, t: Translator = ENGLISH) -> dbc.Alert:
    """The API's refusal in words: each problem of the file on its own line (line and field first)."""
    if error.status == 422 and error.problems:
        listed = [html.Li(message) for message in error.problems]
        return dbc.Alert(
            [t.gettext("The strategy file was refused:"), html.Ul(listed, className="mb-0")], color="danger"
        )
    return dbc.Alert(error.message, color="warning")


def simulation_view(result: dict, t: Translator = ENGLISH) -> html.Div:
    """The simulation's tables and chart."""
    chart = dcc.Graph(
        id=f"{PREFIX}-chart",
        figure=strategy_chart(result["chart"], in_force_name(result["current"], t), t),
        config={"displaylogo": False},
        responsive=True,
    )
    return html.Div(
        [
            rates_table(result, t),
            html.H2(t.gettext("Approval rate against bad rate"), className="h5"),
            chart,
            rules_table(result, t),
            swap_table(result, t),
            transitions_table(result, t),
        ]
    )


@callback(Output(f"{PREFIX}-editor", "value"), Input(f"{PREFIX}-opened", "data"))
def prefill(_opened: object) -> str:
    """The active strategy's text, else the product's example, once the page is open (kept while editing)."""
    try:
        answer = api().active_strategy()
    except ApiError:
        return no_update
    return answer["active"]["yaml"] if answer["active"] else answer["example"]


@callback(
    Output(f"{PREFIX}-results", "children"),
    Input(f"{PREFIX}-simulate", "n_clicks"),
    State(f"{PREFIX}-editor", "value"),
    prevent_initial_call=True,
)
def simulate(_clicks: int | None, text: str | None) -> object:
    """The simulation of the file in the editor, or what the API refused in it."""
    t = current()
    if not (text or "").strip():
        return dbc.Alert(t.gettext("Write a strategy first."), color="warning")
    try:
        result = api().simulate_strategy(text)
    except ApiError as error:
        return problems(error, current())
    return simulation_view(result, t)


@callback(
    Output(f"{PREFIX}-propose-result", "children"),
    Output(f"{PREFIX}-changed", "data", allow_duplicate=True),
    Input(f"{PREFIX}-propose", "n_clicks"),
    State(f"{PREFIX}-editor", "value"),
    prevent_initial_call=True,
)
def propose(clicks: int | None, text: str | None) -> tuple:
    """Propose the file in the editor (stored, waiting for an administrator's approval)."""
    t = current()
    if not (text or "").strip():
        return dbc.Alert(t.gettext("Write a strategy first."), color="warning"), no_update
    try:
        stored = api().propose_strategy(text)
    except ApiError as error:
        return problems(error, current()), no_update
    message = t.gettext("Strategy {name} proposed as version {version}: an administrator approves it.")
    done = message.format(name=stored["name"], version=stored["version"])
    return dbc.Alert(done, color="success"), f"proposed:{stored['version']}:{clicks}"


def _user() -> tuple[str, str] | None:
    user = current_user()
    return None if user is None else (user.username, user.role)


@callback(
    Output(f"{PREFIX}-versions", "children"),
    Output(f"{PREFIX}-review", "hidden"),
    Output(f"{PREFIX}-review-version", "options"),
    Input(f"{PREFIX}-changed", "data"),
)
def show_versions(_changed: str | None) -> tuple:
    """The stored versions; the review of the proposals this administrator may approve (not their own)."""
    try:
        versions = api().strategies()
    except ApiError as error:
        return dbc.Alert(error.message, color="warning"), True, []
    options = review_options(versions, _user())
    return versions_table(versions, current()), not options, options


@callback(
    Output(f"{PREFIX}-review-result", "children"),
    Output(f"{PREFIX}-changed", "data", allow_duplicate=True),
    Input(f"{PREFIX}-approve", "n_clicks"),
    Input(f"{PREFIX}-reject", "n_clicks"),
    State(f"{PREFIX}-review-version", "value"),
    prevent_initial_call=True,
)
def review(_approve: int | None, _reject: int | None, version: str | None) -> tuple:
    """Approve (it becomes the active strategy) or reject the chosen proposal."""
    t = current()
    if not version:
        return dbc.Alert(t.gettext("Choose a proposed version first."), color="warning"), no_update
    approve = dash.ctx.triggered_id == f"{PREFIX}-approve"
    try:
        stored = api().review_strategy(int(version), approve)
    except ApiError as error:
        return dbc.Alert(error.message, color="danger"), no_update
    message = (
        t.gettext("Strategy {name} version {version} is now active.")
        if approve
        else t.gettext("Strategy {name} version {version} rejected.")
    )
    done = message.format(name=stored["name"], version=stored["version"])
    return dbc.Alert(done, color="success"), f"{stored['status']}:{stored['version']}"


dash.register_page(__name__, path="/strategy", title=title, order=6, layout=layout)
