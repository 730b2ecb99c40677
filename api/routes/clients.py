"""Stored clients: ID search, facts, score with explanation, similar clients, counter-offer, what-if."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from starlette.concurrency import run_in_threadpool

from api.applications import WhatIfRequest
from api.deps import (
    ClientId,
    ClientRowDep,
    RequestIdDep,
    ServiceDep,
    StateDep,
    application_not_found,
    client_not_found,
    stored_row,
)
from api.errors import error_responses
from api.language import LanguageDep
from api.plausibility import changes_problems
from api.schemas.base import json_response
from api.schemas.clients import (
    ClientOut,
    ClientSearch,
    CounterOfferOut,
    FactOut,
    NeighbourOut,
    SimilarOut,
    WhatIfOut,
)
from api.schemas.offers import offer_fields
from api.schemas.scores import ScoreOut, score_payload
from scoring.explain.similar import SPACE_DESCRIPTION
from scoring.serving.offering import stored_offer
from scoring.serving.whatif import counter_offer, what_if
from scoring.vocabulary import ScoreKind

router = APIRouter(prefix="/clients", tags=["clients"])

ERRORS = error_responses(401, 404, 422, 500, 503)


@router.get("", response_model=ClientSearch, responses=error_responses(401, 422, 500, 503))
async def search_clients(
    service: ServiceDep,
    prefix: Annotated[str, Query(pattern=r"^[0-9]{0,10}$", description="Leading digits of the ID")] = "",
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> ClientSearch:
    """IDs of stored clients starting with `prefix` (smallest first)."""
    return ClientSearch(ids=service.store.search(prefix, limit))


@router.get("/{client_id}", response_model=ClientOut, responses=ERRORS)
async def client(client_id: ClientId, row: ClientRowDep, service: ServiceDep) -> ClientOut:
    """The client's main application facts and known outcome."""
    outcome = service.target_of(row)
    facts = [FactOut(name=f.name, label=f.label, value=f.value) for f in service.facts_of(row)]
    return ClientOut(
        client_id=client_id, split="test" if outcome is None else "train", known_outcome=outcome, facts=facts
    )


@router.get("/{client_id}/score", response_model=ScoreOut, responses=ERRORS)
async def client_score(
    request: Request,
    client_id: ClientId,
    service: ServiceDep,
    language: LanguageDep,
    contributions: Annotated[bool, Query(description="Include every feature's contribution")] = True,
    offer: Annotated[bool, Query(description="Add the offer: grade, offer, alternatives, limits")] = False,
) -> Response:
    """Probability, decision, points and explanation of a stored client (precomputed for the current
    model and strategy); the reasons' texts in the requested language; with `offer=true` also its offer (as
    `GET /clients/{id}/offer`). The decision is the strategy in force's (accept, refer or refuse, with
    `rules_fired`), else the bundle's threshold's.

    Its common case is answered by `api.fast_path` before FastAPI's routing, with the same bytes and log.
    """
    started = time.perf_counter()
    row = stored_row(service, client_id)
    state = request.app.state.scoring
    if not offer:
        body = state.stored_score(service, row, contributions, language, request.state.request_id, started)
        if body is not None:
            return Response(body, media_type="application/json")
    found = await run_in_threadpool(stored_offer, service, row) if offer else None
    if offer and found is None:
        raise application_not_found()
    values = service.explanations.row(row)
    if values is None:
        values = await run_in_threadpool(service.explanations.compute_row, row)
    result = await run_in_threadpool(service.client_result, row, values)  # a new strategy reads its rules
    state.log_scores([result], ScoreKind.CLIENT, request.state.request_id, started)
    payload = score_payload(result, contributions, language)
    if found is not None:
        payload |= offer_fields(found.payload())
    return json_response(payload)


@router.get("/{client_id}/similar", response_model=SimilarOut, responses=ERRORS)
def similar_clients(
    client_id: ClientId, row: ClientRowDep, service: ServiceDep, k: Annotated[int, Query(ge=1, le=100)] = 10
) -> SimilarOut:
    """The k most similar clients with a known outcome, with their score."""
    neighbours = service.similar(row, k)
    names = service.scorer.feature_names
    return SimilarOut(
        client_id=client_id,
        space=SPACE_DESCRIPTION,
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


@router.get("/{client_id}/max-amount", response_model=CounterOfferOut, responses=ERRORS)
def client_max_amount(client_id: ClientId, row: ClientRowDep, service: ServiceDep) -> CounterOfferOut:
    """The largest amount at the asked term that the model accepts, the client can afford (existing
    instalments: the active bureau credits) and the usury threshold allows, priced at its grade; with a
    strategy in force, the largest of those it accepts (rules and cut-offs), and `current_decision` is the
    score's (as `GET /clients/{id}/score`)."""
    application = service.offer_data.application(client_id)
    if application is None:
        raise application_not_found()
    decided = service.stored_decision(row, service.decider.current())
    offer = counter_offer(
        service, application, service.store.matrix[row], client_id, decision=decided.decision
    )
    return CounterOfferOut.model_validate(offer)


@router.post(
    "/{client_id}/what-if",
    response_model=WhatIfOut,
    responses=error_responses(400, 401, 404, 413, 422, 500, 503),
)
def client_what_if(
    client_id: ClientId,
    row: ClientRowDep,
    body: WhatIfRequest,
    service: ServiceDep,
    state: StateDep,
    request_id: RequestIdDep,
    language: LanguageDep,
) -> WhatIfOut:
    """Rescore a stored client with changed application fields; also the largest accepted amount.

    The stored application row is taken as it was ingested, the posted changes are validated like the
    fields of `POST /score` and, once applied to the stored application, its ratios checked again (an
    annuity above the stored credit: 422 naming the field changed), the application features are recomputed
    and the history features stay the client's own.
    """
    started = time.perf_counter()
    changes = body.changes.model_dump(exclude_unset=True)
    stored = service.raw_application(client_id)
    if stored is None:
        raise client_not_found()
    problems = changes_problems(stored, changes)
    if problems:
        raise RequestValidationError(problems)
    found = what_if(service, row, client_id, stored, changes)
    state.log_scores([found.score], ScoreKind.WHAT_IF, request_id, started)
    return WhatIfOut(
        client_id=client_id,
        changed=found.changed,
        score=ScoreOut.model_validate(score_payload(found.score, True, language)),
        counter_offer=CounterOfferOut.model_validate(found.counter_offer),
    )
