"""API keys: X-API-Key compared in constant time with each accepted key, required when any is set.

Keys are scoped. A dashboard key (SCORING_API_KEY, SCORING_API_KEYS) reaches every route and may act for a
signed-in user; a service key (SCORING_SERVICE_API_KEY, SCORING_SERVICE_API_KEYS) reads and scores, and gets
403 on the routes acting for a user and whenever it names one (X-Scoring-User). Several keys of a scope are
for a rotation. `start_problems` is what `python -m api` refuses to start with: no key on a non-loopback
address (unless SCORING_ALLOW_OPEN), placeholder or short keys (model signing keys included) and any other
secret (log salt, audit anchor keys) still set to a `change-me…` placeholder.
"""

from __future__ import annotations

import hmac
import ipaddress
from enum import StrEnum
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import APIKeyHeader

from api.settings import Settings
from scoring.settings import is_placeholder, placeholder_message, placeholder_variables

ADMIN_KEY_HEADER = APIKeyHeader(
    name="X-Admin-Key",
    scheme_name="AdminKey",  # a scheme of its own beside X-API-Key's
    auto_error=False,
    description="The admin key (SCORING_ADMIN_KEY): model reload.",
)
API_KEY_HEADER = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="Required when the server has an API key configured."
)
MIN_KEY_LENGTH = 24
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})


class KeyScope(StrEnum):
    """What a key may do: everything (the dashboard's) or read and score (a service's)."""

    DASHBOARD = "dashboard"
    SERVICE = "service"


def key_accepted(accepted: list[bytes], key: str | None) -> bool:
    """True when no key is configured, or the given key is one of them (each compared in constant time)."""
    if not accepted:
        return True
    given = (key or "").encode()
    matches = [hmac.compare_digest(given, expected) for expected in accepted]  # every key, always
    return key is not None and any(matches)


def key_scope(settings: Settings, key: str | None) -> KeyScope | None:
    """The scope of the given key (dashboard when no key is configured at all), None when refused."""
    scoped = settings.scoped_keys()
    if not any(scoped.values()):
        return KeyScope.DASHBOARD
    found = [KeyScope(scope) for scope, keys in scoped.items() if keys and key_accepted(keys, key)]
    return found[0] if found else None


async def require_api_key(request: Request, key: Annotated[str | None, Depends(API_KEY_HEADER)]) -> None:
    """401 unless one of the configured keys (if any) is given; 403 for a service key naming a user."""
    scope = key_scope(request.app.state.settings, key)
    if scope is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "missing or invalid API key (header X-API-Key)",
            {"WWW-Authenticate": "ApiKey"},
        )
    request.state.key_scope = scope
    if scope is KeyScope.SERVICE and "x-scoring-user" in request.headers:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            "a service key may not act for a user (X-Scoring-User): use the dashboard's",
        )


async def require_dashboard_key(request: Request) -> None:
    """403 for a service key on a route acting for a user (after `require_api_key`)."""
    if getattr(request.state, "key_scope", None) is not KeyScope.DASHBOARD:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, "this route acts for a user: a service key may not call it"
        )


async def require_admin_key(request: Request, key: Annotated[str | None, Depends(ADMIN_KEY_HEADER)]) -> None:
    """403 when no admin key is configured (admin routes off), 401 unless X-Admin-Key matches it."""
    expected = request.app.state.settings.admin_key
    if expected is None:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "admin routes are disabled: set SCORING_ADMIN_KEY")
    if key is None or not hmac.compare_digest(key.encode(), expected.get_secret_value().encode()):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "missing or invalid admin key (header X-Admin-Key)",
            {"WWW-Authenticate": "ApiKey"},
        )


def is_loopback(host: str) -> bool:
    """True for an address only this machine reaches (127.0.0.0/8, ::1, localhost)."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to any interface


def weak_key(value: str) -> bool:
    """A placeholder (the `change-me...` values of .env.example) or a key shorter than MIN_KEY_LENGTH."""
    return is_placeholder(value) or len(value) < MIN_KEY_LENGTH


def start_problems(settings: Settings, host: str) -> list[str]:
    """Why the API must not start listening on `host` with these settings (empty: it may)."""
    problems = [
        f"{name} is a placeholder or shorter than {MIN_KEY_LENGTH} characters: set a long random key, "
        'e.g. python -c "import secrets; print(secrets.token_urlsafe(32))"'
        for name, key in settings.named_keys()
        if weak_key(key.get_secret_value())
    ]
    problems += settings.signing_key_problems()
    checked = {name for name, _ in settings.named_keys()} | {
        "SCORING_MODEL_SIGNING_KEY",
        "SCORING_MODEL_VERIFY_KEYS",
    }
    problems += [placeholder_message(name) for name in placeholder_variables(settings) if name not in checked]
    if not settings.accepted_keys() and not is_loopback(host) and not settings.allow_open:
        problems.append(
            f"refusing to serve on {host} without an API key: set SCORING_API_KEY (the dashboard's) and/or "
            "SCORING_SERVICE_API_KEY, or listen on 127.0.0.1; SCORING_ALLOW_OPEN=true serves without one "
            "(a lab only: anyone who reaches the port can act as any user)"
        )
    return problems
