"""Your account (every role): who you are signed in as, and a change of your own password. The API checks the
current password (a wrong one counts as a failed sign-in), applies the password policy, ends every session of
the account and answers a new one, which this dashboard session keeps under a new session id (as at sign-in):
the person stays signed in here and is signed out everywhere else, a cookie copied before the change too."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import flask_login
from dash import Input, Output, State, html, no_update

from dashboard import vocabulary
from dashboard.api_client import ApiError, api
from dashboard.auth.users import SignedInUser, fresh_session, keep_session
from dashboard.auth.users import current as signed_in
from dashboard.callbacks import callback
from dashboard.components.layout import header
from dashboard.i18n import N_, Translator, current

PREFIX = "account"
FIELDS = {"current_password": N_("Current password"), "new_password": N_("New password")}


def title() -> str:
    return current().gettext("Your account: credit scoring")


def _field(label: str, name: str, autocomplete: str) -> html.Div:
    box = dbc.Input(id=f"{PREFIX}-{name}", type="password", autoComplete=autocomplete, maxLength=1024)
    return html.Div([dbc.Label(label, html_for=f"{PREFIX}-{name}"), box], className="mb-2")


def layout(**_query: str) -> html.Div:
    t = current()
    _ = t.gettext
    user = signed_in()
    if user is None:
        who = _("Sign-in is off (local use only): there is no account to change.")
        return html.Div([header(_("Your account"), who)])
    role = vocabulary.label(vocabulary.ROLES, user.role, t)
    change = [
        html.H2(_("Change your password"), className="h5"),
        html.P(
            _(
                "12 characters or more, not easy to guess: a few unrelated words make a good one. "
                "Your other sessions end; this one goes on."
            ),
            className="text-muted small",
        ),
        _field(_(FIELDS["current_password"]), "current", "current-password"),
        _field(_(FIELDS["new_password"]), "new", "new-password"),
        _field(_("New password again"), "repeat", "new-password"),
        dbc.Button(_("Change the password"), id=f"{PREFIX}-change", color="primary"),
        html.Div(id=f"{PREFIX}-result", role="status", className="mt-2"),
    ]
    lead = _("Signed in as {user} ({role}).").format(user=user.username, role=role)
    return html.Div([header(_("Your account"), lead), dbc.Row(dbc.Col(change, md=6, lg=5), className="mt-2")])


def _problem(error: ApiError, t: Translator) -> dbc.Alert:
    """The API's refusal: the fields it named, in the page's words, else its message."""
    if not error.fields:
        return dbc.Alert(error.message, color="danger")
    listed = [
        html.Li(
            t.gettext("{field}: {problem}").format(
                field=t.gettext(FIELDS[field]) if field in FIELDS else field, problem=message
            )
        )
        for field, message in error.fields.items()
    ]
    return dbc.Alert([t.gettext("Not done:"), html.Ul(listed)], color="danger")


@callback(
    Output(f"{PREFIX}-result", "children"),
    Output(f"{PREFIX}-current", "value"),
    Output(f"{PREFIX}-new", "value"),
    Output(f"{PREFIX}-repeat", "value"),
    Input(f"{PREFIX}-change", "n_clicks"),
    State(f"{PREFIX}-current", "value"),
    State(f"{PREFIX}-new", "value"),
    State(f"{PREFIX}-repeat", "value"),
    prevent_initial_call=True,
)
def change_password(_clicks: int, current_password: str | None, new: str | None, repeat: str | None) -> tuple:
    """Change the signed-in person's password and keep the new session the API answers; the passwords leave
    the form once changed (they stay to be corrected when refused)."""
    t = current()
    unchanged = (no_update, no_update, no_update)
    if not current_password:
        return dbc.Alert(t.gettext("Enter your current password."), color="warning"), *unchanged
    if (new or "") != (repeat or ""):
        return dbc.Alert(t.gettext("The two new passwords differ."), color="warning"), *unchanged
    try:
        answer = api().change_password(current_password, new or "")
    except ApiError as error:
        return _problem(error, t), *unchanged
    fresh_session()  # a new session id (and CSRF token): a cookie copied before the change names nothing
    flask_login.login_user(SignedInUser.of(answer))
    keep_session(answer)
    done = t.gettext("Your password has been changed. Your other sessions have ended.")
    return dbc.Alert(done, color="success"), "", "", ""


dash.register_page(__name__, path="/account", title=title, order=9, layout=layout)
