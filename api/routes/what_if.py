"""What-if for a stored client: change some application fields, rescore with the client's own history.

The stored application row is taken as it was ingested, the posted changes are validated like the fields of
`POST /score`, the application features are recomputed and the history features stay the client's own.
"""

from __future__ import annotations

import time
from typing import Annotated, Any

import numpy as np
from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, ConfigDict, Field, create_model
from pydantic.fields import FieldInfo

from api.applications import REQUIRED, Application
from api.deps import RequestIdDep, ServiceDep, StateDep
from api.errors import error_responses
from api.language import LanguageDep
from api.routes.clients import ClientId, counter_offer_out
from api.schemas import CounterOfferOut, ScoreOut, score_payload
from scoring.features.application import ANOMALY_FLAG
from scoring.serving.service import ScoreResult, ScoringService
from scoring.vocabulary import ScoreKind

router = APIRouter(prefix="/clients", tags=["clients"])


def _optional(name: str, field: FieldInfo) -> tuple[Any, Any]:
    """A field of `Application` that may be left out; only the optional fields may be set to null."""
    annotation = Annotated[(field.annotation, *field.metadata)] if field.metadata else field.annotation
    return (annotation if name in REQUIRED else annotation | None), Field(None, description=field.description)


ApplicationChanges = create_model(
    "ApplicationChanges",
    __config__=ConfigDict(extra="forbid", strict=True, allow_inf_nan=False),
    __doc__="Application fields to change, typed and checked as in `POST /score` (null clears a field).",
    **{name: _optional(name, field) for name, field in Application.model_fields.items()},
)


class WhatIfIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    changes: ApplicationChanges = Field(  # type: ignore[valid-type]
        examples=[{"AMT_CREDIT": 300000.0, "AMT_ANNUITY": 15000.0}]
    )


class WhatIfOut(BaseModel):
    client_id: int
    changed: list[str] = Field(description="The fields changed")
    score: ScoreOut = Field(description="Score and explanation with the changes")
    counter_offer: CounterOfferOut = Field(description="Largest credit amount accepted with the changes")


def rescore(service: ScoringService, row: int, application: dict, client_id: int) -> ScoreResult:
    """Score and explanation of a stored client's history features with new application fields."""
    X = np.ascontiguousarray(service.store.matrix[row : row + 1]).copy()
    service.featurizer.replace_application_features(X, [application])
    return service.score_vectors(X, [client_id], explain=True)[0]


@router.post(
    "/{client_id}/what-if",
    response_model=WhatIfOut,
    responses=error_responses(400, 401, 404, 413, 422, 500, 503),
)
def what_if(
    client_id: ClientId,
    body: WhatIfIn,
    service: ServiceDep,
    state: StateDep,
    request_id: RequestIdDep,
    language: LanguageDep,
) -> WhatIfOut:
    """Rescore a stored client with changed application fields; also the largest accepted amount."""
    started = time.perf_counter()
    row = service.store.row(client_id)
    stored = service.raw_application(client_id) if row is not None else None
    if stored is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "client not found")
    changes = body.changes.model_dump(exclude_unset=True)
    if "DAYS_EMPLOYED" in changes:
        stored.pop(ANOMALY_FLAG, None)  # recomputed from the new value
    application = {**stored, **changes}
    result = rescore(service, row, application, client_id)
    state.log_scores([result], ScoreKind.WHAT_IF, request_id, started)
    offer = service.max_amount(application, result.features)
    return WhatIfOut(
        client_id=client_id,
        changed=sorted(changes),
        score=ScoreOut.model_validate(score_payload(result, True, language)),
        counter_offer=counter_offer_out(service, offer, application, client_id),
    )
