"""API key check: X-API-Key compared in constant time with each accepted key (SCORING_API_KEY and
SCORING_API_KEYS, several for a rotation), required when any is set."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import APIKeyHeader

ADMIN_KEY_HEADER = APIKeyHeader(
    name="X-Admin-Key", auto_error=False, description="The admin key (SCORING_ADMIN_KEY): model reload."
)
API_KEY_HEADER = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="Required when the server has an API key configured."
)


def key_accepted(accepted: list[bytes], key: str | None) -> bool:
    """True when no key is configured, or the given key is one of them (each compared in constant time)."""
    if not accepted:
        return True
    given = (key or "").encode()
    matches = [hmac.compare_digest(given, expected) for expected in accepted]  # every key, always
    return key is not None and any(matches)


async def require_api_key(request: Request, key: Annotated[str | None, Depends(API_KEY_HEADER)]) -> None:
    """Refuse with 401 unless one of the configured keys (if any) is given."""
    if not key_accepted(request.app.state.settings.accepted_keys(), key):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "missing or invalid API key (header X-API-Key)",
            {"WWW-Authenticate": "ApiKey"},
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
