"""Dependencies of the routes (Annotated aliases): settings, app state, the loaded service, request id, the
stored client named in the path (404 when unknown)."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Query, Request, status
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from api.applications import MAX_ID
from api.settings import Settings
from api.state import AppState
from scoring.serving.service import ScoringService


async def get_state(request: Request) -> AppState:
    return request.app.state.scoring


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_service(request: Request) -> ScoringService:
    """The loaded service, or 503 while it loads (or when it failed to load)."""
    state: AppState = request.app.state.scoring
    if state.service is None:
        detail = (
            "model and client store are loading" if state.error is None else "model not loaded; see /ready"
        )
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, detail, {"Retry-After": "5"})
    return state.service


async def get_request_id(request: Request) -> str:
    return request.state.request_id


StateDep = Annotated[AppState, Depends(get_state)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
ServiceDep = Annotated[ScoringService, Depends(get_service)]
RequestIdDep = Annotated[str, Depends(get_request_id)]

DIGITS_ONLY = re.compile(r"[1-9][0-9]*")
NOT_DIGITS = "must be written with digits only (no sign, space, decimal point or leading zero)"


def _written_in_digits(value: object) -> object:
    """A client ID in the path as the store writes it (`0100002`, `+100002`, `100002.0` are not IDs)."""
    if isinstance(value, str) and not DIGITS_ONLY.fullmatch(value):
        raise PydanticCustomError("digits_only", NOT_DIGITS)
    return value


ClientId = Annotated[
    int,
    Path(ge=1, le=MAX_ID, description="SK_ID_CURR of a stored client, in digits (no sign, no leading zero)"),
    BeforeValidator(_written_in_digits),
]
OptionalClientId = Annotated[
    int | None, Query(ge=1, le=MAX_ID, description="Stored client to place on the chart")
]


def client_not_found() -> HTTPException:
    """404 for an unknown client (the ID is not echoed: error bodies reach logs and proxies)."""
    return HTTPException(status.HTTP_404_NOT_FOUND, "client not found")


def application_not_found() -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, "application of the client not found in the data")


def stored_row(service: ScoringService, client_id: int) -> int:
    """The store row of a client, or 404."""
    row = service.store.row(client_id)
    if row is None:
        raise client_not_found()
    return row


async def get_client_row(client_id: ClientId, service: ServiceDep) -> int:
    """The store row of the client named in the path, or 404."""
    return stored_row(service, client_id)


async def get_optional_row(service: ServiceDep, client_id: OptionalClientId = None) -> int | None:
    """The store row of the client named in the query (None when not given), or 404."""
    return None if client_id is None else stored_row(service, client_id)


ClientRowDep = Annotated[int, Depends(get_client_row)]
OptionalRowDep = Annotated[int | None, Depends(get_optional_row)]
