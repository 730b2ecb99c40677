"""Users (administrators): the accounts with their role and state; add one, disable or enable one, set a
new password. The API checks and audits every change; the passwords never come back."""

from __future__ import annotations

from collections.abc import Sequence

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from dashboard.api_client import ApiError, api
from dashboard.components.layout import header

PREFIX = "users"
ROLES = [
    {"label": "Credit officer", "value": "officer"},
    {"label": "Risk analyst", "value": "analyst"},
    {"label": "Administrator", "value": "admin"},
]


def _field(label: str, component: object, name: str) -> html.Div:
    return html.Div([dbc.Label(label, html_for=f"{PREFIX}-{name}"), component], className="mb-2")


def layout(**_query: str) -> html.Div:
    add = [
        html.H2("Add an account", className="h5"),
        _field("User name", dbc.Input(id=f"{PREFIX}-name", maxLength=64, autoComplete="off"), "name"),
        _field("Role", dbc.Select(id=f"{PREFIX}-role", options=ROLES, value="officer"), "role"),
        _field(
            "Initial password (12 characters or more; leave empty for single sign-on only)",
            dbc.Input(id=f"{PREFIX}-password", type="password", autoComplete="new-password"),
            "password",
        ),
        dbc.Button("Add the account", id=f"{PREFIX}-add", color="primary"),
        html.Div(id=f"{PREFIX}-add-result", role="status", className="mt-2"),
    ]
    change = [
        html.H2("Change an account", className="h5"),
        _field("Account", dbc.Select(id=f"{PREFIX}-account"), "account"),
        html.Div(
            [
                dbc.Button("Disable", id=f"{PREFIX}-disable", color="secondary", className="me-2"),
                dbc.Button("Enable", id=f"{PREFIX}-enable", color="secondary"),
            ],
            className="mb-3",
        ),
        _field(
            "New password",
            dbc.Input(id=f"{PREFIX}-new-password", type="password", autoComplete="new-password"),
            "new-password",
        ),
        dbc.Button("Set the password", id=f"{PREFIX}-set-password", color="secondary"),
        html.Div(id=f"{PREFIX}-change-result", role="status", className="mt-2"),
    ]
    return html.Div(
        [
            header("Users", "Who may sign in, with which role. Every change is recorded in the audit trail."),
            dcc.Store(id=f"{PREFIX}-changed"),
            html.Div(id=f"{PREFIX}-table"),
            dbc.Row([dbc.Col(add, md=6), dbc.Col(change, md=6)], className="mt-4 g-4"),
        ]
    )


def users_table(users: Sequence[dict]) -> dbc.Table:
    def state(u: dict) -> str:
        return "locked" if u["locked"] else "active" if u["active"] else "disabled"

    rows = [
        html.Tr(
            [
                html.Td(u["username"]),
                html.Td(u["role"]),
                html.Td(state(u)),
                html.Td("password" if u["has_password"] else "single sign-on"),
                html.Td((u["last_sign_in_at"] or "never")[:16].replace("T", " ")),
            ]
        )
        for u in users
    ]
    head = ["User name", "Role", "State", "Signs in with", "Last sign-in (UTC)"]
    return dbc.Table(
        [
            html.Caption("Accounts"),
            html.Thead(html.Tr([html.Th(h, scope="col") for h in head])),
            html.Tbody(rows),
        ],
        id=f"{PREFIX}-accounts",
        size="sm",
        striped=True,
        className="caption-top",
    )


@callback(
    Output(f"{PREFIX}-table", "children"),
    Output(f"{PREFIX}-account", "options"),
    Input(f"{PREFIX}-changed", "data"),
)
def show_users(_changed: object) -> tuple:
    try:
        users = api().users()
    except ApiError as error:
        return dbc.Alert(error.message, color="warning"), []
    return users_table(users), [{"label": u["username"], "value": str(u["id"])} for u in users]


def _problem(error: ApiError) -> dbc.Alert:
    listed = [html.Li(f"{field}: {message}") for field, message in error.fields.items()]
    return dbc.Alert(
        [error.message if not listed else "Not done:", html.Ul(listed) if listed else ""], color="danger"
    )


@callback(
    Output(f"{PREFIX}-add-result", "children"),
    Output(f"{PREFIX}-changed", "data", allow_duplicate=True),
    Input(f"{PREFIX}-add", "n_clicks"),
    State(f"{PREFIX}-name", "value"),
    State(f"{PREFIX}-role", "value"),
    State(f"{PREFIX}-password", "value"),
    prevent_initial_call=True,
)
def add_user(clicks: int, name: str | None, role: str, password: str | None) -> tuple:
    try:
        user = api().add_user((name or "").strip(), role, password or None)
    except ApiError as error:
        return _problem(error), no_update
    return dbc.Alert(f"Account {user['username']} added ({user['role']}).", color="success"), clicks


@callback(
    Output(f"{PREFIX}-change-result", "children"),
    Output(f"{PREFIX}-changed", "data", allow_duplicate=True),
    Input(f"{PREFIX}-disable", "n_clicks"),
    Input(f"{PREFIX}-enable", "n_clicks"),
    Input(f"{PREFIX}-set-password", "n_clicks"),
    State(f"{PREFIX}-account", "value"),
    State(f"{PREFIX}-new-password", "value"),
    prevent_initial_call=True,
)
def change_user(
    _disable: int, _enable: int, _password: int, account: str | None, password: str | None
) -> tuple:
    if not account:
        return dbc.Alert("Choose an account first.", color="warning"), no_update
    action = dash.ctx.triggered_id
    try:
        if action == f"{PREFIX}-set-password":
            user = api().set_password(int(account), password or "")
            done = "new password set"
        else:
            user = api().set_active(int(account), action == f"{PREFIX}-enable")
            done = "enabled" if user["active"] else "disabled"
    except ApiError as error:
        return _problem(error), no_update
    return dbc.Alert(f"Account {user['username']}: {done}.", color="success"), f"{action}:{user['id']}:{done}"


dash.register_page(__name__, path="/users", title="Users: credit scoring", order=7, layout=layout)
