"""Posted applications: score with explanation, batch scoring, counter-offer."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Response, status

from api.applications import BatchRequest, ScoreRequest
from api.deps import RequestIdDep, ServiceDep, SettingsDep, StateDep
from api.errors import error_responses
from api.language import LanguageDep
from api.schemas.base import json_response
from api.schemas.clients import CounterOfferOut
from api.schemas.offers import offer_fields
from api.schemas.scores import BatchOut, ScoreOut, score_payload
from scoring.serving.whatif import counter_offer
from scoring.vocabulary import ScoreKind

router = APIRouter(prefix="/score", tags=["score"])

ERRORS = error_responses(400, 401, 413, 422, 500, 503)


def _split(request: ScoreRequest) -> tuple[dict, dict | None]:
    """Application fields and history rows (lists of dicts per table) of a posted request."""
    application = request.model_dump(exclude={"history"})
    history = None
    if request.history is not None:
        history = {table: rows for table, rows in request.history.model_dump().items() if rows}
    return application, history


@router.post("", response_model=ScoreOut, responses=ERRORS)
def score(
    body: ScoreRequest,
    service: ServiceDep,
    state: StateDep,
    request_id: RequestIdDep,
    language: LanguageDep,
    what_if: Annotated[bool, Query(description="Mark the score as a what-if simulation in the log")] = False,
    contributions: Annotated[bool, Query(description="Include every feature's contribution")] = True,
    offer: Annotated[bool, Query(description="Add the offer: grade, offer, alternatives, limits")] = False,
) -> Response:
    """Probability, decision and explanation (SHAP computed now) of one posted application; with
    `offer=true` also its offer (as `POST /score/offer`)."""
    started = time.perf_counter()
    application, history = _split(body)
    [result] = service.score_applications([application], [history], explain=True)
    state.log_scores([result], ScoreKind.WHAT_IF if what_if else ScoreKind.APPLICATION, request_id, started)
    payload = score_payload(result, contributions, language)
    if offer:
        found = service.offer(
            application, result.features, result.client_id, history or {}, probability=result.probability
        )
        payload |= offer_fields(found.payload())
    return json_response(payload)


@router.post("/batch", response_model=BatchOut, responses=ERRORS)
def score_batch(
    body: BatchRequest,
    service: ServiceDep,
    state: StateDep,
    settings: SettingsDep,
    request_id: RequestIdDep,
    language: LanguageDep,
    explain: Annotated[bool, Query(description="Add reasons to each result (slower: SHAP per row)")] = False,
) -> Response:
    """Score up to MAX_BATCH (default 1,000) applications in one call."""
    if len(body.applications) > settings.max_batch:
        raise HTTPException(
            status.HTTP_413_CONTENT_TOO_LARGE,
            f"batch of {len(body.applications)} applications exceeds the limit of {settings.max_batch}",
        )
    started = time.perf_counter()
    parts = [_split(r) for r in body.applications]
    results = service.score_applications([a for a, _ in parts], [h for _, h in parts], explain=explain)
    state.log_scores(results, ScoreKind.BATCH, request_id, started)
    return json_response(
        {
            "model_version": service.scorer.version,
            "results": [score_payload(r, False, language) for r in results],
        }
    )


@router.post("/max-amount", response_model=CounterOfferOut, responses=ERRORS)
def application_max_amount(body: ScoreRequest, service: ServiceDep) -> CounterOfferOut:
    """The largest amount at the asked term that the model accepts, the applicant can afford (existing
    instalments: the posted active bureau credits) and the usury threshold allows, priced at its grade."""
    application, history = _split(body)
    vector = service.featurizer.vectors([application], [history])[0]
    offer = counter_offer(service, application, vector, application.get("SK_ID_CURR"), history or {})
    return CounterOfferOut.model_validate(offer)
