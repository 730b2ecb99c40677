"""The sign-in page, sign-in by password or single sign-on, and sign-out: plain Flask routes beside Dash.

The password goes to the API (`POST /auth/login`), which checks it, counts failures and writes the audit
rows, and answers the account with a session token the dashboard keeps in its server-side session
(`users.keep_session`), under a new session id, and sends on every call; the page shows one message for every
failure. Sign-out asks the API to revoke the token and removes the dashboard's session.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import flask
import flask_login

from dashboard.api_client import ApiError, api
from dashboard.auth.guard import csrf_token
from dashboard.auth.users import SignedInUser, current, end_session, fresh_session, keep_session
from dashboard.i18n import COOKIE, LANGUAGES, N_, NAMES, Translator, translator
from dashboard.i18n import current as current_translator

REFUSED = N_("The user name or password is not right, or the account cannot sign in now.")
NOT_NOW = N_("Signing in is not possible now: {reason}")
WAIT = N_("Too many wrong passwords from here: {reason}")
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600  # as the navigation bar's switch
PAGE = """<!DOCTYPE html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ words.title }}</title>
{% if css %}<link rel="stylesheet" href="{{ css }}">{% endif %}
<link rel="stylesheet" href="/assets/style.css">
</head>
<body>
<main class="container" style="max-width: 28rem; margin-top: 4rem;">
<nav class="d-flex justify-content-end gap-3 mb-3" aria-label="{{ words.language }}">
{% for code, name in languages %}
<a href="/login?lang={{ code }}&amp;next={{ next|urlencode }}" lang="{{ code }}" hreflang="{{ code }}"
 {%- if code == lang %} aria-current="true" class="fw-semibold"{% endif %} id="login-language-{{ code }}">
 {{- name }}</a>
{% endfor %}
</nav>
<h1 class="h3 mb-3">{{ words.heading }}</h1>
{% if message %}
<div class="alert alert-{{ tone }}" role="alert" id="login-message">{{ message }}</div>
{% endif %}
<form method="post" action="/login" novalidate>
<input type="hidden" name="csrf_token" value="{{ token }}">
<input type="hidden" name="next" value="{{ next }}">
<div class="mb-3">
<label class="form-label" for="login-username">{{ words.username }}</label>
<input class="form-control" id="login-username" name="username" autocomplete="username" required
 value="{{ username }}"{% if not username %} autofocus{% endif %}>
</div>
<div class="mb-3">
<label class="form-label" for="login-password">{{ words.password }}</label>
<input class="form-control" id="login-password" name="password" type="password"
 autocomplete="current-password" required{% if username %} autofocus{% endif %}>
</div>
<button class="btn btn-primary" type="submit" id="login-submit">{{ words.submit }}</button>
</form>
{% if sso %}<p class="mt-4"><a class="btn btn-outline-secondary" href="/login/sso?next={{ next|urlencode }}"
 id="login-sso">{{ sso }}</a></p>{% endif %}
<p class="mt-4 text-muted">{{ words.accounts }}</p>
</main>
</body>
</html>"""
MESSAGES = {
    "expired": (N_("Your session ended after a time without activity: sign in again."), "info"),
    "signed-out": (N_("You are signed out."), "info"),
}


def chosen_language() -> str | None:
    """The language picked by a link of the sign-in page (`?lang=fr`), if it is one we speak."""
    language = flask.request.args.get("lang")
    return language if language in LANGUAGES else None


def translation() -> Translator:
    """The sign-in pages' language: the one just picked, else the request's (cookie, Accept-Language)."""
    language = chosen_language()
    return translator(language) if language else current_translator()


def _words(t: Translator) -> dict[str, str]:
    _ = t.gettext
    return {
        "title": _("Sign in: credit scoring"),
        "heading": _("Credit scoring: sign in"),
        "language": _("Language"),
        "username": _("User name"),
        "password": _("Password"),
        "submit": _("Sign in"),
        "accounts": _(
            "Accounts are given by an administrator. After several wrong passwords, further attempts from "
            "the same place must wait a little longer each time."
        ),
    }


def safe_next(target: str | None) -> str:
    """A path of this dashboard to go to after signing in (never another site; no control character or
    backslash, which a browser may read as a slash)."""
    if not target or any(ord(c) < 32 or ord(c) == 127 or c == "\\" for c in target):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def page(
    message: str | None = None, tone: str = "danger", status: int = 200, username: str = ""
) -> flask.Response:
    """The sign-in page in the request's language (`message`: already in that language; `username`: the
    name typed before a refusal, kept so only the password is typed again); a language picked with `?lang=`
    is kept in the same cookie as the navigation bar's switch."""
    config = flask.current_app.config
    t = translation()
    html = flask.render_template_string(
        PAGE,
        lang=t.language,
        words=_words(t),
        languages=list(NAMES.items()),
        css=config.get("SCORING_BOOTSTRAP_ROUTE"),
        message=message,
        tone=tone,
        username=username,
        token=csrf_token(),
        next=safe_next(flask.request.values.get("next")),
        sso=t.gettext(config["SCORING_SSO_LABEL"]) if config.get("SCORING_SSO_LABEL") else None,
    )
    response = flask.make_response(html, status)
    if chosen_language():
        response.set_cookie(
            COOKIE, t.language, max_age=LANGUAGE_COOKIE_AGE, path="/", samesite="Lax", httponly=False
        )
    return response


def sign_in(payload: dict) -> flask.Response:
    """Start a fresh session for the user the API accepted, then go where the user was going."""
    target = safe_next(flask.request.values.get("next") or flask.session.get("sso_next"))
    fresh_session()  # a new session id (and CSRF token) for the signed-in user: none planted before counts
    flask_login.login_user(SignedInUser.of(payload))
    keep_session(payload)
    flask.session.permanent = True
    return flask.redirect(target)


def login() -> flask.Response:
    if flask.request.method == "GET":
        if current() is not None:
            return flask.redirect(safe_next(flask.request.args.get("next")))
        message, tone = MESSAGES.get(flask.request.args.get("state", ""), (None, "info"))
        return page(translation().gettext(message) if message else None, tone)
    _ = translation().gettext
    form = flask.request.form
    username, password = form.get("username", "").strip(), form.get("password", "")
    if not username or not password:
        return page(_("Type your user name and your password."), status=400, username=username)
    try:
        payload = api().login(username, password)
    except ApiError as error:
        if error.status == 401:
            return page(_(REFUSED), status=401, username=username)
        if error.status == 429:  # throttled: the API's message says how long to wait, in the page's language
            return page(_(WAIT).format(reason=error.message), status=429, username=username)
        return page(_(NOT_NOW).format(reason=error.message), status=503, username=username)
    return sign_in(payload)


def logout() -> flask.Response:
    user = current()
    if user is not None:
        try:
            api().logout()
        except ApiError as error:
            flask.current_app.logger.warning("sign-out of %s not recorded: %s", user.username, error.message)
    end_session()
    return flask.redirect("/login?state=signed-out")


def install_views(server: flask.Flask) -> None:
    server.add_url_rule("/login", "login", login, methods=["GET", "POST"])
    server.add_url_rule("/logout", "logout", logout, methods=["POST"])
