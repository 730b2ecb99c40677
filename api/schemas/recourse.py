"""Response models of recourse: what the applicant could change to be accepted."""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel, Field

from scoring.explain.recourse import Recourse, RecourseOption, RecourseTerms
from scoring.serving.service import ScoringService


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


def recourse_out(
    service: ScoringService, found: Recourse, client_id: int, terms: RecourseTerms
) -> RecourseOut:
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
        annual_rate=terms.annual_rate,
        max_term=terms.max_term,
        model_version=service.scorer.version,
    )
