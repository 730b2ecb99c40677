"""The signed-in user as Flask-Login sees it: id, name and role, loaded from the API (kept briefly)."""

from __future__ import annotations

import threading
import time

import flask
import flask_login

from dashboard.api_client import ApiError, api


class SignedInUser(flask_login.UserMixin):
    def __init__(self, user_id: int, username: str, role: str) -> None:
        self.id = user_id
        self.username = username
        self.role = role

    @classmethod
    def of(cls, payload: dict) -> SignedInUser:
        return cls(int(payload["id"]), payload["username"], payload["role"])


class UserLoader:
    """Flask-Login's user_loader: the API's account, kept for `seconds`; None when disabled or unknown."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._cache: dict[str, tuple[float, SignedInUser | None]] = {}
        self._lock = threading.Lock()

    def __call__(self, user_id: str) -> SignedInUser | None:
        if not user_id.isdigit():
            return None
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get(user_id)
        if cached is not None and cached[0] > now:
            return cached[1]
        try:
            payload = api().unattributed().user(int(user_id))
        except ApiError as error:
            if not error.not_found:
                flask.current_app.logger.warning("session user %s not loaded: %s", user_id, error.message)
            return None  # the session is not trusted while its account cannot be read
        user = SignedInUser.of(payload) if payload["active"] else None  # a lock stops sign-ins only
        with self._lock:
            self._cache[user_id] = (now + self.seconds, user)
        return user

    def forget(self, user_id: int) -> None:
        with self._lock:
            self._cache.pop(str(user_id), None)


def current() -> SignedInUser | None:
    """The signed-in user of this request (None outside a request or when nobody is signed in)."""
    if not flask.has_request_context():
        return None
    user = flask_login.current_user
    return user if user.is_authenticated else None


def role() -> str | None:
    user = current()
    return None if user is None else user.role
