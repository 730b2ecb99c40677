"""Stored clients: ID search, facts, score with explanation, similar clients, counter-offer."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, Request, Response, status
from starlette.concurrency import run_in_threadpool

from api.deps import ServiceDep
from api.errors import error_responses
from api.language import LanguageDep
from api.schemas import (
    ClientOut,
    ClientSearch,
    CounterOfferOut,
    FactOut,
    NeighbourOut,
    ScoreOut,
    SimilarOut,
    json_response,
    score_payload,
)
from scoring.explain.counter_offer import CounterOffer
from scoring.explain.similar import __doc__ as SIMILARITY_DOC
from scoring.serving.service import ScoringService
from scoring.vocabulary import ScoreKind

router = APIRouter(prefix="/clients", tags=["clients"])

MAX_ID = 2**31 - 1
ClientId = Annotated[int, Path(ge=1, le=MAX_ID, description="SK_ID_CURR of a stored client")]
SPACE = " ".join((SIMILARITY_DOC or "").split("\n\n")[1].split())


def _row(service: ScoringService, client_id: int) -> int:
    row = service.store.row(client_id)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "client not found")
    return row


@router.get("", response_model=ClientSearch, responses=error_responses(401, 422, 500, 503))
async def search_clients(
    service: ServiceDep,
    prefix: Annotated[str, Query(pattern=r"^[0-9]{0,10}$", description="Leading digits of the ID")] = "",
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> ClientSearch:
    """IDs of stored clients starting with `prefix` (smallest first)."""
    return ClientSearch(ids=service.store.search(prefix, limit))


@router.get("/{client_id}", response_model=ClientOut, responses=error_responses(401, 404, 422, 500, 503))
async def client(client_id: ClientId, service: ServiceDep) -> ClientOut:
    """The client's main application facts and known outcome."""
    row = _row(service, client_id)
    outcome = service.target_of(row)
    facts = [FactOut(name=f.name, label=f.label, value=f.value) for f in service.facts_of(row)]
    return ClientOut(
        client_id=client_id, split="test" if outcome is None else "train", known_outcome=outcome, facts=facts
    )


@router.get("/{client_id}/score", response_model=ScoreOut, responses=error_responses(401, 404, 422, 500, 503))
async def client_score(
    request: Request,
    client_id: ClientId,
    service: ServiceDep,
    language: LanguageDep,
    contributions: Annotated[bool, Query(description="Include every feature's contribution")] = True,
) -> Response:
    """Probability, decision, points and explanation of a stored client (precomputed for the current
    model); the reasons' texts in the requested language."""
    started = time.perf_counter()
    row = _row(service, client_id)
    values = service.explanations.row(row)
    if values is None:
        values = await run_in_threadpool(service.explanations.compute_row, row)
    result = service.client_result(row, values)
    request.app.state.scoring.log_scores([result], ScoreKind.CLIENT, request.state.request_id, started)
    return json_response(score_payload(result, contributions, language))


@router.get(
    "/{client_id}/similar", response_model=SimilarOut, responses=error_responses(401, 404, 422, 500, 503)
)
def similar_clients(
    client_id: ClientId, service: ServiceDep, k: Annotated[int, Query(ge=1, le=100)] = 10
) -> SimilarOut:
    """The k most similar clients with a known outcome, with their score."""
    neighbours = service.similar(_row(service, client_id), k)
    names = service.scorer.feature_names
    return SimilarOut(
        client_id=client_id,
        space=SPACE,
        features=[names[i] for i in service.space.columns],
        neighbours=[
            NeighbourOut(
                client_id=n.client_id,
                distance=n.distance,
                probability=n.probability,
                decision=n.decision,
                known_outcome=n.target,
            )
            for n in neighbours
        ],
    )


@router.get(
    "/{client_id}/max-amount",
    response_model=CounterOfferOut,
    responses=error_responses(401, 404, 422, 500, 503),
)
def client_max_amount(client_id: ClientId, service: ServiceDep) -> CounterOfferOut:
    """The largest credit amount (annuity at the same rate and term) the model still accepts."""
    row = _row(service, client_id)
    application = service.raw_application(client_id)
    if application is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "application of this client not found in the data")
    offer = service.max_amount(application, service.store.matrix[row])
    return counter_offer_out(service, offer, application, client_id)


def counter_offer_out(
    service: ScoringService, offer: CounterOffer, application: dict, client_id: int | None
) -> CounterOfferOut:
    """Response of a counter-offer search."""
    annuity = application.get("AMT_ANNUITY")
    at_max = None
    if offer.max_amount is not None and annuity is not None:
        at_max = float(annuity) * offer.max_amount / offer.current_amount
    return CounterOfferOut(
        client_id=client_id,
        current_amount=offer.current_amount,
        current_probability=offer.current_probability,
        current_decision=service.scorer.decision(offer.current_probability),
        max_amount=offer.max_amount,
        annuity_at_max=at_max,
        probability_at_max=offer.probability_at_max,
        capped=offer.capped,
        threshold=service.scorer.threshold,
        model_version=service.scorer.version,
    )
