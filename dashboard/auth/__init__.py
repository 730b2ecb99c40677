"""Sign-in for the dashboard (Flask-Login on Dash's Flask server): sessions, CSRF, the guard, roles, SSO.

Only the glue lives here: accounts, passwords, sign-in throttling, sessions and the audit trail are the
API's (`scoring.db`).
`install(app, settings)` keeps the dashboard's sessions on the server (`session_store`, in
SCORING_DASHBOARD_SESSION_DIR: the cookie, HttpOnly, SameSite=Lax and Secure over HTTPS, holds only a random
session id), and installs the login manager and its user loader, the sign-in routes, optional single
sign-on, and the one `before_request` guard; `request_headers()` carries the signed-in person's API session
token (and where they are) to the API. A session ends SCORING_SESSION_IDLE_MINUTES after its last request,
but never past the API session's absolute end; a session the API revoked is refused whatever the cookie says.
SCORING_AUTH=off leaves out the sign-in (local use; refused unless the dashboard listens on loopback) but
not the CSRF check.
"""

from __future__ import annotations

import ipaddress
import logging
import secrets
from datetime import timedelta
from pathlib import Path

import dash
import flask
import flask_login

from dashboard.auth import guard, oidc, roles, session_store, users, views
from dashboard.auth.users import UserLoader, current, session_token
from dashboard.settings import DashboardSettings

logger = logging.getLogger("dashboard.auth")
AUTHORIZATION = "Authorization"
ADDRESS_HEADER = "X-Scoring-Client-Address"
SESSION_COOKIE = "scoring_session"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_binding(settings: DashboardSettings, host: str) -> None:
    """Refuse to serve without sign-in anywhere but on a loopback address."""
    if not settings.auth and not is_loopback(host):
        raise SystemExit(
            f"SCORING_AUTH=off is refused: the dashboard would listen on {host}, not on a loopback address "
            "(127.0.0.1, ::1, localhost); sign-in may be turned off only for local use"
        )


def request_headers() -> dict[str, str]:
    """The signed-in person's API session token, and their address for the API's audit trail."""
    if not flask.has_request_context():
        return {}
    headers = {}
    token = session_token() if current() is not None else None
    if token is not None:
        headers[AUTHORIZATION] = f"Bearer {token}"
    if flask.request.remote_addr:
        headers[ADDRESS_HEADER] = flask.request.remote_addr
    return headers


def enabled() -> bool:
    """Whether sign-in is on for the dashboard serving this request."""
    return bool(flask.current_app.config.get("SCORING_AUTH", True))


def allowed(rights: frozenset[str]) -> bool:
    """Whether this request's user has one of `rights` (always, with sign-in off)."""
    if not enabled():
        return True
    user = current()
    return user is not None and user.role in rights


def can_record() -> bool:
    """Decisions and letters need a signed-in officer (or admin): never with sign-in off."""
    user = current()
    return user is not None and user.role in roles.DECIDE


def may_issue_letters() -> bool:
    """Whether this request's user may open the decision letters (anyone with sign-in off, as the guard):
    no letter link is shown to a role the /letters/ route would refuse."""
    if not enabled():
        return True
    user = current()
    return user is not None and roles.can_issue_letters(user.role)


def session_folder(settings: DashboardSettings) -> Path:
    """SCORING_DASHBOARD_SESSION_DIR, else a private temporary folder of this process (its sessions end
    with it, and no other process shares them)."""
    if settings.dashboard_session_dir is not None:
        return settings.dashboard_session_dir
    folder = session_store.temporary_folder()
    logger.warning(
        "SCORING_DASHBOARD_SESSION_DIR is not set: sessions are kept in %s and end when this dashboard stops "
        "(fine for one local dashboard; set it to a folder to keep sign-ins across restarts or to run "
        "several dashboard processes)",
        folder,
    )
    return folder


def install(app: dash.Dash, settings: DashboardSettings) -> None:
    server = app.server
    secret = settings.secret_key.get_secret_value() if settings.secret_key else None
    idle = settings.session_idle_minutes * 60
    server.config.update(
        SECRET_KEY=secret or secrets.token_urlsafe(32),
        SESSION_COOKIE_NAME=SESSION_COOKIE,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",  # Strict would drop the cookie on the way back from the SSO provider
        PERMANENT_SESSION_LIFETIME=timedelta(seconds=idle),
        SESSION_REFRESH_EACH_REQUEST=True,
        SCORING_AUTH=settings.auth,
    )
    store = session_store.SessionFolder(session_folder(settings), idle)
    server.session_interface = session_store.ServerSessions(store, settings.cookie_secure)
    manager = flask_login.LoginManager()
    manager.init_app(server, add_context_processor=False)  # no template reads `current_user`
    manager.session_protection = "strong"
    loader = UserLoader(settings.user_cache_seconds)
    manager.user_loader(loader)
    server.extensions[users.EXTENSION] = loader
    views.install_views(server)
    oidc.register(server, settings)

    @server.before_request
    def check() -> flask.Response | None:
        return guard.check_request(app, settings.auth)

    @server.after_request
    def csrf_cookie(response: flask.Response) -> flask.Response:
        guard.end_if_refused()  # before the CSRF cookie: a signed-out person gets a new token
        return guard.set_csrf_cookie(response, server.session_interface.get_cookie_secure(server))
