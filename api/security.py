"""API key check: X-API-Key compared in constant time, required when SCORING_API_KEY is set."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import APIKeyHeader

API_KEY_HEADER = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="Required when the server has an API key configured."
)


async def require_api_key(request: Request, key: Annotated[str | None, Depends(API_KEY_HEADER)]) -> None:
    """Refuse with 401 unless the configured key (if any) is given."""
    expected = request.app.state.settings.api_key
    if expected is None:
        return
    if key is None or not hmac.compare_digest(key.encode(), expected.get_secret_value().encode()):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "missing or invalid API key (header X-API-Key)",
            {"WWW-Authenticate": "ApiKey"},
        )
