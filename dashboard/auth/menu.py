"""Who is signed in, with the sign-out button, in the navigation bar (a form posting to /logout); the name
links to the person's Account page. Drawn once per page load, in the frame: signing in or out and choosing a
language each load the page afresh."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import vocabulary
from dashboard.auth.guard import CSRF_FIELD, csrf_token
from dashboard.auth.users import current
from dashboard.i18n import ENGLISH, Translator


def user_box(auth: bool, t: Translator = ENGLISH) -> list:
    """The signed-in user's name and role and a sign-out button (or a note that sign-in is off)."""
    if not auth:
        return [
            html.Span(
                t.gettext("Sign-in is off (local use only)"),
                className="navbar-text text-light small app-note",
            )
        ]
    user = current()
    if user is None:
        return []
    role = vocabulary.label(vocabulary.ROLES, user.role, t)
    return [
        html.Span(
            [
                html.A(user.username, href="/account", id="app-user-name", className="link-light"),
                html.Span(role, id="app-user-role"),
            ],
            className="navbar-text text-light me-2 app-user-box",
            title=t.gettext("{user} ({role}): your account").format(user=user.username, role=role),
        ),
        html.Form(
            [
                dcc.Input(type="hidden", name=CSRF_FIELD, value=csrf_token(), id="app-sign-out-token"),
                dbc.Button(
                    t.gettext("Sign out"),
                    id="app-sign-out",
                    type="submit",
                    color="light",
                    size="sm",
                    outline=True,
                ),
            ],
            action="/logout",
            method="POST",
            className="d-inline",
        ),
    ]
