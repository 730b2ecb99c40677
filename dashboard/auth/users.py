"""The signed-in person as Flask-Login sees it (id, name and role), and the API session they hold.

The session token the API issued at sign-in is kept in the dashboard's server-side session
(`session_store`: the cookie holds only the session's random id), with the API session's absolute end, past
which the dashboard's session ends too. Each request's user is reloaded from the API with that token (`GET
/auth/session`, kept for SCORING_USER_CACHE_SECONDS): once the API has revoked the session (sign-out, password
reset, disabled account, an admin ending it) or it expired, nobody is signed in, whatever the cookie says.
"""

from __future__ import annotations

import hashlib
import threading
import time
from datetime import datetime

import flask
import flask_login

from dashboard.api_client import ApiError, api
from dashboard.auth import session_store

TOKEN_KEY = "api_session"
MAX_CACHED = 4096
USER_ID_KEY = "_user_id"  # where Flask-Login keeps the signed-in user's id in the session
EXTENSION = "scoring_users"  # the server's UserLoader


class SignedInUser(flask_login.UserMixin):
    def __init__(self, user_id: int, username: str, role: str) -> None:
        self.id = user_id
        self.username = username
        self.role = role

    @classmethod
    def of(cls, payload: dict) -> SignedInUser:
        return cls(int(payload["id"]), payload["username"], payload["role"])


def keep_session(payload: dict) -> None:
    """Keep the API session of a sign-in answer (`token`, `expires_at`) in the dashboard's session, which
    ends with it."""
    flask.session[TOKEN_KEY] = payload["token"]
    flask.session.keep_until(datetime.fromisoformat(payload["expires_at"]).timestamp())


def session_token() -> str | None:
    """The API session token of this request's dashboard session (None without one)."""
    if not flask.has_request_context():
        return None
    token = flask.session.get(TOKEN_KEY)
    return token if isinstance(token, str) else None


class UserLoader:
    """Flask-Login's user_loader: the account of the session's API token, kept for `seconds`; None once the
    API refuses the token, or when the account is not the one the cookie names."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._cache: dict[str, tuple[float, SignedInUser | None]] = {}
        self._lock = threading.Lock()

    def __call__(self, user_id: str) -> SignedInUser | None:
        token = session_token()
        if token is None or not (user_id.isascii() and user_id.isdigit()):
            return None
        key = hashlib.sha256(token.encode()).hexdigest()
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get(key)
        if cached is not None and cached[0] > now:
            return cached[1]
        try:
            payload = api().unattributed().session(token)
        except ApiError as error:
            if error.status != 401:
                flask.current_app.logger.warning("session of user %s not loaded: %s", user_id, error.message)
            return None  # not trusted while the API cannot vouch for it
        same = payload["active"] and int(payload["id"]) == int(user_id)
        user = SignedInUser.of(payload) if same else None
        with self._lock:
            if len(self._cache) > MAX_CACHED:
                self._cache = {k: v for k, v in self._cache.items() if v[0] > now}
            self._cache[key] = (now + self.seconds, user)
        return user

    def forget(self, token: str) -> None:
        with self._lock:
            self._cache.pop(hashlib.sha256(token.encode()).hexdigest(), None)


def end_session() -> None:
    """Forget the person and their API session on this dashboard, its server-side record removed (the API's
    side is revoked or ended)."""
    token = session_token()
    loader = flask.current_app.extensions.get(EXTENSION)
    if token is not None and loader is not None:
        loader.forget(token)
    flask_login.logout_user()
    fresh_session()


def fresh_session() -> None:
    """Empty this request's session and give it a new id: the old cookie names nothing from now on."""
    flask.session.clear()
    session_store.renew()


def current() -> SignedInUser | None:
    """The signed-in user of this request (None outside a request or when nobody is signed in).

    A session without a user (a visitor's, holding its CSRF token only) is not handed to Flask-Login: its
    "strong" protection would clear the user's keys from it on every request, and so rewrite the session's
    file each time, for no user to protect."""
    if not flask.has_request_context() or USER_ID_KEY not in flask.session:
        return None
    user = flask_login.current_user
    return user if user.is_authenticated else None


def role() -> str | None:
    user = current()
    return None if user is None else user.role
