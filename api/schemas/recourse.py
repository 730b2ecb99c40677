"""Response models of recourse: what the applicant could change to be accepted."""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel, Field

from scoring.explain.recourse import Recourse, RecourseOption
from scoring.serving.service import ScoringService
from scoring.vocabulary import Decision


class RecourseOptionOut(BaseModel):
    kind: Literal["amount", "term"] = Field(
        description="'amount': a lower amount at the asked term; 'term': the asked amount at a longer "
        "standard term (each at its grade's rate)"
    )
    amount: float
    annuity: float | None = Field(description="Instalment of the offer (null when the application has none)")
    term: float | None = Field(description="Number of monthly instalments (a standard term)")
    probability: float = Field(ge=0, le=1)
    points: float
    change: float = Field(ge=0, description="Relative size of the change (0.1: 10 % less amount or term)")
    annual_rate: float | None = Field(default=None, description="Nominal annual rate of the option's grade")
    goods_price: float | None = Field(
        default=None, description="Goods price assumed (the asked share financed kept); null when unknown"
    )


class RecourseOut(BaseModel):
    client_id: int
    decision: Literal["accept", "refer", "refuse"] = Field(
        description="The decision in force (the strategy's, else the bundle threshold's)"
    )
    probability: float = Field(ge=0, le=1)
    points: float
    threshold: float = Field(description="The PD from which the lender refuses (the strategy's refuse_from)")
    amount: float = Field(description="The amount asked")
    annuity: float | None
    term: float | None = Field(
        description="The asked term: the standard term of amount and instalment at its grade's rate"
    )
    options: list[RecourseOptionOut] = Field(description="Accepted offers, smallest change first (refusals)")
    recommended: RecourseOptionOut | None = Field(description="The smallest change (null: none found)")
    annual_rate: float | None = Field(
        default=None, description="Nominal annual rate of the asked terms' grade (null: not priced)"
    )
    max_term: int = Field(description="Longest standard term offered (monthly instalments)")
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
        annual_rate=option.annual_rate,
        goods_price=option.goods_price,
    )


def recourse_out(service: ScoringService, found: Recourse, client_id: int, decision: Decision) -> RecourseOut:
    """The response of a recourse of a client decided `decision` (by the strategy in force)."""
    options = [_option(service, o) for o in found.options]
    return RecourseOut(
        client_id=client_id,
        decision=decision,
        probability=found.probability,
        points=service.points.of(found.probability),
        threshold=found.threshold,
        amount=found.amount,
        annuity=_number(found.annuity),
        term=_number(found.term),
        options=options,
        recommended=options[0] if options else None,
        annual_rate=found.annual_rate,
        max_term=found.max_term,
        model_version=service.scorer.version,
    )
