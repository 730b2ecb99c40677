"""Response models of stored clients: facts, search, similar clients, counter-offer, application fields,
what-if."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from api.schemas.base import FromResult, Value
from api.schemas.scores import ScoreOut
from scoring.vocabulary import Decision


class FactOut(BaseModel):
    name: str
    label: str
    value: Value


class ClientOut(BaseModel):
    client_id: int
    split: Literal["train", "test"]
    known_outcome: int | None = Field(
        description="TARGET: 1 = defaulted, 0 = repaid, null = unknown (test client)"
    )
    facts: list[FactOut]


class ClientSearch(BaseModel):
    ids: list[int]


class NeighbourOut(BaseModel):
    client_id: int
    distance: float
    probability: float = Field(ge=0, le=1)
    decision: Decision = Field(
        description="The decision in force for this client today: its score and, with a strategy in force, "
        "the strategy's rules and bands"
    )
    known_outcome: int | None


class SimilarOut(BaseModel):
    client_id: int
    space: str = Field(description="How similarity is measured")
    features: list[str] = Field(description="Features of the neighbour space")
    neighbours: list[NeighbourOut]


class CounterOfferOut(FromResult):
    client_id: int | None = None
    current_amount: float
    current_probability: float = Field(ge=0, le=1)
    current_decision: Decision
    max_amount: float | None = Field(
        description="Largest amount at the asked term the model accepts, the household can afford and the "
        "usury threshold allows (null: none from the product's minimum up)"
    )
    annuity_at_max: float | None = Field(
        description="Monthly instalment of that amount at its grade's rate and the asked term"
    )
    probability_at_max: float | None
    capped: bool = Field(description="True when only the product's maximum amount stops it")
    threshold: float
    model_version: str
    term_months: int | None = Field(default=None, description="The asked term (monthly instalments)")
    annual_rate_at_max: float | None = Field(default=None, description="Nominal annual rate of that amount")
    apr_at_max: float | None = Field(default=None, description="APR of that amount (fees included)")
    grade_at_max: str | None = Field(default=None, description="Risk grade of that amount")
    goods_price_at_max: float | None = Field(
        default=None, description="Goods price assumed (the asked share financed kept); null when unknown"
    )
    bound: Literal["risk", "affordability", "product", "none"] | None = Field(
        default=None, description="What stops the amount (as the offer's limits.bound)"
    )
    max_instalment: float | None = Field(default=None, description="Largest affordable new instalment")


class ApplicationFieldOut(BaseModel):
    name: str
    kind: Literal["key", "int", "float", "cat"]
    required: bool
    levels: list[str] = Field(description="Levels of a categorical field (besides XNA/XAP for missing)")


class ApplicationFieldsOut(BaseModel):
    fields: list[ApplicationFieldOut]


class WhatIfOut(BaseModel):
    client_id: int
    changed: list[str] = Field(description="The fields changed")
    score: ScoreOut = Field(description="Score and explanation with the changes")
    counter_offer: CounterOfferOut = Field(description="Largest credit amount accepted with the changes")
