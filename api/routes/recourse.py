"""Recourse of a stored client: the smallest change of the lender's terms the model accepts."""

from __future__ import annotations

import math
from typing import Literal

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, Field

from api.deps import ServiceDep, SettingsDep
from api.errors import error_responses
from api.routes.clients import ClientId
from api.settings import Settings
from scoring.explain.recourse import Recourse, RecourseOption
from scoring.serving.recourse import recourse
from scoring.serving.service import ScoringService

router = APIRouter(prefix="/clients", tags=["clients"])


class RecourseOptionOut(BaseModel):
    kind: Literal["amount", "term"] = Field(
        description="'amount': a lower amount at the same rate and term; 'term': a longer term at the same "
        "rate for the same amount"
    )
    amount: float
    annuity: float | None = Field(description="Instalment of the offer (null when the application has none)")
    term: float | None = Field(description="Number of monthly instalments at the lender's rate")
    probability: float = Field(ge=0, le=1)
    points: float
    change: float = Field(ge=0, description="Relative size of the change (0.1: 10 % less amount or term)")


class RecourseOut(BaseModel):
    client_id: int
    decision: Literal["accept", "refuse"]
    probability: float = Field(ge=0, le=1)
    points: float
    threshold: float
    amount: float = Field(description="The amount asked")
    annuity: float | None
    term: float | None = Field(description="Term implied by amount, instalment and the lender's rate")
    options: list[RecourseOptionOut] = Field(description="Accepted offers, smallest change first (refusals)")
    recommended: RecourseOptionOut | None = Field(description="The smallest change (null: none found)")
    annual_rate: float = Field(description="The lender's nominal annual rate assumed for the terms")
    max_term: int = Field(description="Longest term offered (monthly instalments)")
    model_version: str


def _number(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def _option(service: ScoringService, option: RecourseOption) -> RecourseOptionOut:
    return RecourseOptionOut(
        kind=option.kind,
        amount=option.amount,
        annuity=_number(option.annuity),
        term=_number(option.term),
        probability=option.probability,
        points=service.points.of(option.probability),
        change=max(option.change, 0.0),
    )


def recourse_out(service: ScoringService, found: Recourse, client_id: int, settings: Settings) -> RecourseOut:
    options = [_option(service, o) for o in found.options]
    return RecourseOut(
        client_id=client_id,
        decision=service.scorer.decision(found.probability),
        probability=found.probability,
        points=service.points.of(found.probability),
        threshold=found.threshold,
        amount=found.amount,
        annuity=_number(found.annuity),
        term=_number(found.term),
        options=options,
        recommended=options[0] if options else None,
        annual_rate=settings.recourse_terms.annual_rate,
        max_term=settings.recourse_terms.max_term,
        model_version=service.scorer.version,
    )


def client_recourse_of(service: ScoringService, client_id: int, settings: Settings) -> Recourse:
    """The recourse search of a stored client (404 when unknown or without an application row)."""
    row = service.store.row(client_id)
    application = service.raw_application(client_id) if row is not None else None
    if row is None or application is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"client {client_id} not found")
    return recourse(service, application, service.store.matrix[row], settings.recourse_terms)


@router.get(
    "/{client_id}/recourse", response_model=RecourseOut, responses=error_responses(401, 404, 422, 500, 503)
)
def client_recourse(client_id: ClientId, service: ServiceDep, settings: SettingsDep) -> RecourseOut:
    """For a refused client, the smallest change of the lender's terms that the model accepts: a lower
    amount at the same rate and term, or a longer term at the same rate (instalment recomputed); never a
    change of the applicant's facts. An accepted client gets no option."""
    found = client_recourse_of(service, client_id, settings)
    return recourse_out(service, found, client_id, settings)
