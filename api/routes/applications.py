"""The application fields the API accepts, with the levels of the categorical ones (for forms)."""

from __future__ import annotations

from fastapi import APIRouter

from api.applications import application_fields
from api.errors import error_responses
from api.schemas.clients import ApplicationFieldsOut

router = APIRouter(prefix="/applications", tags=["score"])

FIELDS = ApplicationFieldsOut(fields=application_fields())


@router.get("/fields", response_model=ApplicationFieldsOut, responses=error_responses(401, 500))
async def fields() -> ApplicationFieldsOut:
    """Every field of a posted application: kind, whether it is required, and its levels when categorical."""
    return FIELDS
