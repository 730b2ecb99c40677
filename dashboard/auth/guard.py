"""The one `before_request` guard of the dashboard's Flask server: CSRF, sign-in and roles.

- The app shell (Dash's scripts, layout and dependency list, assets, Bootstrap's CSS) and the sign-in
  pages are public: they hold no client's data.
- A state-changing request (any POST: the sign-in form, Dash's `/_dash-update-component`, sign-out)
  must carry the session's CSRF token: in the form field `csrf_token`, or in the `X-CSRFToken` header,
  which Dash's renderer copies from the `_csrf_token` cookie (SameSite=Strict, readable by the page's
  script and by no other site) into every callback request. The token lives in the server-side session:
  once that has ended, a callback is told to sign in again (401) and a form goes to the sign-in page.
- A callback needs a session (401) and a role its output is registered for (403; `roles.py`); a page needs
  a session (else a redirect to the sign-in page) and its page's rights (403).
- A session idle for longer than SCORING_SESSION_IDLE_MINUTES ends, and so does one past the absolute end of
  its API session (SCORING_SESSION_MAX_HOURS of the API) however active (`session_store` refuses and removes
  it; the sign-in page then says why); one the API refused on any call (revoked, expired) ends after that
  request (`end_if_refused`).
Refusals of a signed-in user are recorded in the API's audit trail.
"""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import quote

import dash
import flask

from dashboard.api_client import SESSION_ENDED, ApiError, api
from dashboard.auth import roles, session_store
from dashboard.auth.refusal import forbidden_page
from dashboard.auth.users import current, end_session
from dashboard.i18n import current as current_translator

CSRF_SESSION_KEY = "csrf"
CSRF_COOKIE = "_csrf_token"  # the cookie Dash's renderer reads (config csrf_token_name)
CSRF_HEADER = "X-CSRFToken"
CSRF_FIELD = "csrf_token"
CALLBACK = "/_dash-update-component"
PUBLIC_PREFIXES = (
    "/_dash-component-suites/",
    "/_dash-layout",
    "/_dash-dependencies",
    "/_favicon.ico",
    "/assets/",
    "/vendor/",
    "/login",
)
PUBLIC_PATHS = {"/favicon.ico", "/logout"}
STATIC_PREFIXES = ("/_dash-component-suites/", "/_favicon.ico", "/favicon.ico", "/assets/", "/vendor/")


def csrf_token() -> str:
    """The session's CSRF token (made on first use)."""
    token = flask.session.get(CSRF_SESSION_KEY)
    if not token:
        token = flask.session[CSRF_SESSION_KEY] = secrets.token_urlsafe(32)
    return token


def _csrf_ok() -> bool:
    expected = flask.session.get(CSRF_SESSION_KEY)
    given = flask.request.headers.get(CSRF_HEADER) or flask.request.form.get(CSRF_FIELD)
    return bool(expected and given) and hmac.compare_digest(str(given), str(expected))


def _is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def end_if_refused() -> None:
    """After a request during which the API refused the session's token: sign the person out here too."""
    if flask.request.environ.get(SESSION_ENDED):
        end_session()


def _denied(resource: str, reason: str) -> None:
    """Record a refusal in the audit trail (best effort: the refusal stands either way)."""
    try:
        api().denied(resource, reason)
    except ApiError as error:
        flask.current_app.logger.warning("refusal of %s not recorded: %s", resource, error.message)


def _json(status: int, message: str) -> flask.Response:
    return flask.make_response({"detail": message}, status)


def _callback(app: dash.Dash) -> flask.Response | None:
    _ = current_translator().gettext
    user = current()
    if user is None:
        return _json(401, _("Your session has ended: sign in again."))
    body = flask.request.get_json(silent=True) or {}
    output = str(body.get("output", ""))
    rights = roles.rights_of_callback(app, output, body.get("inputs"))
    if rights is None or user.role not in rights:
        _denied(output[:128], "role")
        return _json(403, _("Your role does not allow this."))
    return None


def _without_csrf(auth: bool, path: str) -> flask.Response:
    """The refusal of a POST without the session's CSRF token: 403, unless (with sign-in on) the session the
    cookie named has ended (its token with it), when a callback is told to sign in again (401: the page goes
    to the sign-in page) and a sign-in or sign-out form goes to the sign-in page."""
    _ = current_translator().gettext
    if not auth or not session_store.lost():
        return _json(403, _("Missing or wrong CSRF token: reload the page."))
    if path == CALLBACK:
        return _json(401, _("Your session has ended: sign in again."))
    return flask.redirect("/login?state=signed-out" if path == "/logout" else "/login?state=expired")


def check_request(app: dash.Dash, auth: bool) -> flask.Response | None:
    """The guard: None lets the request through; otherwise the refusal to send."""
    request = flask.request
    if request.method == "POST" and not _csrf_ok():
        return _without_csrf(auth, request.path)
    if not auth:
        return None
    path = request.path
    if _is_public(path):
        return None
    if path == CALLBACK:
        return _callback(app)
    user = current()
    rights = roles.rights_of_route(path)
    if rights is None:
        rights = roles.rights_of_page(path) or roles.EVERYONE
    if user is None:
        if request.method != "GET":
            return _json(401, current_translator().gettext("Sign in first."))
        state = "state=expired&" if session_store.expired() else ""
        return flask.redirect(f"/login?{state}next={quote(request.full_path.rstrip('?'), safe='/')}")
    if user.role not in rights:
        _denied(path[:128], "role")
        return forbidden_page(user, csrf_token(), current_translator())
    return None


def set_csrf_cookie(response: flask.Response, secure: bool) -> flask.Response:
    """Give the page the session's CSRF token in the cookie Dash's renderer sends back as a header (not with
    static files: a first visit's parallel requests would each start a session)."""
    if flask.request.path.startswith(STATIC_PREFIXES):
        return response
    token = csrf_token()
    if flask.request.cookies.get(CSRF_COOKIE) != token:
        response.set_cookie(CSRF_COOKIE, token, secure=secure, httponly=False, samesite="Strict", path="/")
    return response
