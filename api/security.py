"""API key check: X-API-Key compared in constant time, required when SCORING_API_KEY is set."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import APIKeyHeader
from pydantic import SecretStr

API_KEY_HEADER = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="Required when the server has an API key configured."
)


def key_accepted(expected: SecretStr | None, key: str | None) -> bool:
    """True when no key is configured, or the given key equals it (compared in constant time)."""
    if expected is None:
        return True
    return key is not None and hmac.compare_digest(key.encode(), expected.get_secret_value().encode())


async def require_api_key(request: Request, key: Annotated[str | None, Depends(API_KEY_HEADER)]) -> None:
    """Refuse with 401 unless the configured key (if any) is given."""
    if not key_accepted(request.app.state.settings.api_key, key):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "missing or invalid API key (header X-API-Key)",
            {"WWW-Authenticate": "ApiKey"},
        )
