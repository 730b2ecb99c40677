"""API key check: X-API-Key compared in constant time with each accepted key (SCORING_API_KEY and
SCORING_API_KEYS, several for a rotation), required when any is set."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import APIKeyHeader

API_KEY_HEADER = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="Required when the server has an API key configured."
)


async def require_api_key(request: Request, key: Annotated[str | None, Depends(API_KEY_HEADER)]) -> None:
    """Refuse with 401 unless one of the configured keys (if any) is given."""
    accepted = request.app.state.settings.accepted_keys()
    if not accepted:
        return
    given = (key or "").encode()
    matches = [hmac.compare_digest(given, expected) for expected in accepted]  # every key, always
    if key is None or not any(matches):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "missing or invalid API key (header X-API-Key)",
            {"WWW-Authenticate": "ApiKey"},
        )
