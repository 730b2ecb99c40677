"""Recourse of a stored client: the smallest change of the lender's terms the model accepts."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import ClientId, ClientRowDep, ServiceDep, SettingsDep, application_not_found
from api.errors import error_responses
from api.schemas.recourse import RecourseOut, recourse_out
from scoring.serving.recourse import client_recourse as search_recourse

router = APIRouter(prefix="/clients", tags=["clients"])


@router.get(
    "/{client_id}/recourse", response_model=RecourseOut, responses=error_responses(401, 404, 422, 500, 503)
)
def client_recourse(
    client_id: ClientId, row: ClientRowDep, service: ServiceDep, settings: SettingsDep
) -> RecourseOut:
    """For a refused client, the smallest change of the lender's terms that the model accepts: a lower
    amount at the same rate and term, or a longer term at the same rate (instalment recomputed); never a
    change of the applicant's facts. An accepted client gets no option."""
    found = search_recourse(service, row, client_id, settings.recourse_terms)
    if found is None:
        raise application_not_found()
    return recourse_out(service, found, client_id, settings.recourse_terms)
