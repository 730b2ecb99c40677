"""Recourse of a stored client: the smallest change of the lender's terms the model accepts."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import ClientId, ClientRowDep, ServiceDep, application_not_found
from api.errors import error_responses
from api.schemas.recourse import RecourseOut, recourse_out
from scoring.serving.recourse import client_recourse as search_recourse

router = APIRouter(prefix="/clients", tags=["clients"])


@router.get(
    "/{client_id}/recourse", response_model=RecourseOut, responses=error_responses(401, 404, 422, 500, 503)
)
def client_recourse(client_id: ClientId, row: ClientRowDep, service: ServiceDep) -> RecourseOut:
    """For a client refused as asked, the smallest change of the lender's terms the offer search accepts
    (model, affordability, usury threshold): a lower amount at the asked term, or the asked amount at a longer
    standard term, each priced at its grade's rate (instalment recomputed); never a change of the
    applicant's facts. A client whose asked terms are offered gets no option."""
    found = search_recourse(service, row, client_id)
    if found is None:
        raise application_not_found()
    decided = service.stored_decision(row, service.decider.current())
    return recourse_out(service, found, client_id, decided.decision)
