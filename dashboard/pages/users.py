"""Users (administrators): the accounts with their role and state; add one, disable or enable one, set a
new password. The API checks and audits every change; the passwords never come back."""

from __future__ import annotations

from collections.abc import Sequence

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html, no_update

from dashboard import vocabulary
from dashboard.api_client import ApiError, api
from dashboard.callbacks import callback
from dashboard.components.layout import header
from dashboard.components.tables import captioned_table
from dashboard.i18n import ENGLISH, N_, Translator, current

PREFIX = "users"
FIELDS = {"username": N_("User name"), "role": N_("Role"), "password": N_("Password")}  # UserCreateIn


def title() -> str:
    return current().gettext("Users: credit scoring")


def _field(label: str, component: object, name: str) -> html.Div:
    return html.Div([dbc.Label(label, html_for=f"{PREFIX}-{name}"), component], className="mb-2")


def layout(**_query: str) -> html.Div:
    t = current()
    _ = t.gettext
    roles = [{"label": t.gettext(name), "value": role} for role, name in vocabulary.ROLES.items()]
    add = [
        html.H2(_("Add an account"), className="h5"),
        _field(_("User name"), dbc.Input(id=f"{PREFIX}-name", maxLength=64, autoComplete="off"), "name"),
        _field(_("Role"), dbc.Select(id=f"{PREFIX}-role", options=roles, value="officer"), "role"),
        _field(
            _("Initial password (12 characters or more; leave empty for single sign-on only)"),
            dbc.Input(id=f"{PREFIX}-password", type="password", autoComplete="new-password"),
            "password",
        ),
        dbc.Button(_("Add the account"), id=f"{PREFIX}-add", color="primary"),
        html.Div(id=f"{PREFIX}-add-result", role="status", className="mt-2"),
    ]
    change = [
        html.H2(_("Change an account"), className="h5"),
        _field(
            _("Account"), dbc.Select(id=f"{PREFIX}-account", placeholder=_("Choose an account")), "account"
        ),
        html.Div(
            [
                dbc.Button(_("Disable"), id=f"{PREFIX}-disable", color="secondary", className="me-2"),
                dbc.Button(_("Enable"), id=f"{PREFIX}-enable", color="secondary"),
            ],
            className="mb-3",
        ),
        _field(
            _("New password"),
            dbc.Input(id=f"{PREFIX}-new-password", type="password", autoComplete="new-password"),
            "new-password",
        ),
        dbc.Button(_("Set the password"), id=f"{PREFIX}-set-password", color="secondary"),
        html.Div(id=f"{PREFIX}-change-result", role="status", className="mt-2"),
    ]
    return html.Div(
        [
            header(
                _("Users"),
                _("Who may sign in, with which role. Every change is recorded in the audit trail."),
            ),
            dcc.Store(id=f"{PREFIX}-changed"),
            html.Div(id=f"{PREFIX}-table"),
            dbc.Row([dbc.Col(add, md=6), dbc.Col(change, md=6)], className="mt-4 g-4"),
        ]
    )


def _state(user: dict, t: Translator) -> str:
    return t.gettext("active") if user["active"] else t.gettext("disabled")


def _role(role: str, t: Translator) -> str:
    return vocabulary.label(vocabulary.ROLES, role, t)


def users_table(users: Sequence[dict], t: Translator = ENGLISH) -> dbc.Table:
    _ = t.gettext
    rows = [
        html.Tr(
            [
                html.Td(u["username"]),
                html.Td(_role(u["role"], t)),
                html.Td(_state(u, t)),
                html.Td(_("password") if u["has_password"] else _("single sign-on")),
                html.Td(t.moment(u["last_sign_in_at"]) if u["last_sign_in_at"] else _("never")),
            ]
        )
        for u in users
    ]
    head = [_("User name"), _("Role"), _("State"), _("Signs in with"), _("Last sign-in (UTC)")]
    return captioned_table(_("Accounts"), head, rows, f"{PREFIX}-accounts")


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
    return users_table(users, current()), [{"label": u["username"], "value": str(u["id"])} for u in users]


def _problem(error: ApiError) -> dbc.Alert:
    """The API's refusal: the fields it named, in the page's words, else its message."""
    t = current()
    listed = [
        html.Li(
            t.gettext("{field}: {problem}").format(
                field=t.gettext(FIELDS[field]) if field in FIELDS else field, problem=message
            )
        )
        for field, message in error.fields.items()
    ]
    heading = t.gettext("Not done:") if listed else error.message
    return dbc.Alert([heading, html.Ul(listed) if listed else ""], color="danger")


@callback(
    Output(f"{PREFIX}-add-result", "children"),
    Output(f"{PREFIX}-changed", "data", allow_duplicate=True),
    Output(f"{PREFIX}-name", "value"),
    Output(f"{PREFIX}-password", "value"),
    Input(f"{PREFIX}-add", "n_clicks"),
    State(f"{PREFIX}-name", "value"),
    State(f"{PREFIX}-role", "value"),
    State(f"{PREFIX}-password", "value"),
    prevent_initial_call=True,
)
def add_user(clicks: int, name: str | None, role: str, password: str | None) -> tuple:
    """Add the account; once added, its name and password leave the form (kept to be corrected when the
    API refuses them)."""
    try:
        user = api().add_user((name or "").strip(), role, password or None)
    except ApiError as error:
        return _problem(error), no_update, no_update, no_update
    t = current()
    message = t.gettext("Account {user} added ({role}).").format(
        user=user["username"], role=_role(user["role"], t)
    )
    return dbc.Alert(message, color="success"), clicks, "", ""


@callback(
    Output(f"{PREFIX}-change-result", "children"),
    Output(f"{PREFIX}-changed", "data", allow_duplicate=True),
    Output(f"{PREFIX}-new-password", "value"),
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
    """Disable, enable or set the password of the chosen account (a password set leaves the form)."""
    t = current()
    if not account:
        return dbc.Alert(t.gettext("Choose an account first."), color="warning"), no_update, no_update
    action = dash.ctx.triggered_id
    try:
        if action == f"{PREFIX}-set-password":
            user = api().set_password(int(account), password or "")
            done = "password"
        else:
            user = api().set_active(int(account), action == f"{PREFIX}-enable")
            done = "enabled" if user["active"] else "disabled"
    except ApiError as error:
        return _problem(error), no_update, no_update
    messages = {
        "password": t.gettext("Account {user}: new password set."),
        "enabled": t.gettext("Account {user}: enabled."),
        "disabled": t.gettext("Account {user}: disabled."),
    }
    message = messages[done].format(user=user["username"])
    cleared = "" if done == "password" else no_update
    return dbc.Alert(message, color="success"), f"{action}:{user['id']}:{done}", cleared


dash.register_page(__name__, path="/users", title=title, order=7, layout=layout)
