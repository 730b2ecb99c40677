"""Response models of the offer: the terms offered (the directive's pre-contractual figures), the
alternatives, and the limits that bound the loan."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from api.schemas.strategies import StrategyOut
from scoring.vocabulary import Decision

Bound = Literal["risk", "affordability", "product", "none"]


class TermsOut(BaseModel):
    """One loan's terms. Rates are fractions (0.089 = 8.9 %); money in the data's currency; monthly
    instalments."""

    amount: float = Field(description="Total amount of credit")
    term_months: int = Field(description="Number of monthly instalments")
    annual_rate: float = Field(description="Nominal annual borrowing rate of the grade (fixed)")
    apr: float = Field(
        description="Annual percentage rate of charge (Directive 2023/2225 annex I: amount net of fees "
        "drawn at 0, equal monthly instalments at k/12 years)"
    )
    instalment: float = Field(description="Monthly instalment")
    fees: float = Field(description="Fees paid at the draw-down")
    total_cost: float = Field(description="Instalments + fees - amount")
    total_payable: float = Field(description="Instalments + fees")
    probability: float = Field(ge=0, le=1, description="Probability of default of these terms (priced)")
    grade: str = Field(description="Risk grade the price comes from")
    goods_price: float | None = Field(
        description="Goods price assumed (the asked share of the price financed kept); null when unknown"
    )
    kind: Literal["lower_amount", "longer_term"] | None = Field(
        default=None, description="A counter-offer's alternative (absent for the asked terms)"
    )


class AlternativeOut(TermsOut):
    kind: Literal["lower_amount", "longer_term"] = Field(
        description="'lower_amount': a lower amount at the asked term; 'longer_term': the asked amount at a "
        "longer standard term"
    )


class LimitsOut(BaseModel):
    """What bounds the loan, monthly amounts."""

    max_instalment: float = Field(
        description="Largest new monthly instalment affordable (at the stressed rate)"
    )
    debt_service_ratio: float | None = Field(
        description="(instalment of the offer, or of the asked terms without one, + existing instalments) / "
        "income; null when the income is unknown"
    )
    stressed_debt_service_ratio: float | None = Field(description="The same at the rate + the stress points")
    max_debt_service_ratio: float = Field(description="The policy's cap on the stressed ratio")
    bound: Bound = Field(
        description="What stops the amount at the asked term: the PD or the price it needs ('risk'), the "
        "household's room ('affordability'), the product's maximum ('product'); 'none': nothing"
    )
    max_amount: float | None = Field(description="Largest amount offered at the asked term (null: none)")
    existing_instalments: float = Field(
        description="Monthly instalments already owed (bureau, active credits)"
    )
    existing_instalments_source: Literal["bureau", "none"] = Field(
        description="'bureau': the active bureau credits' annuities; 'none': no bureau rows known "
        "(taken as 0)"
    )
    residual_income_per_member: float | None = Field(
        description="Income left per household member after every instalment (stressed)"
    )
    min_residual_income_per_member: float
    period: Literal["monthly"] = "monthly"


class AskedOut(BaseModel):
    amount: float
    term_months: int = Field(description="Standard term of the asked amount and annuity at the grade's rate")


class OfferOut(BaseModel):
    client_id: int | None = None
    model_version: str
    threshold: float
    decision: Decision = Field(
        description="'accept' when the asked terms are offered as asked; with a strategy in force, its "
        "'refer' or 'refuse' stands (rules_fired)"
    )
    rules_fired: list[str] = Field(
        default_factory=list, description="Policy reason codes of the strategy's rules that fired"
    )
    strategy: StrategyOut | None = Field(
        default=None, description="The strategy in force (null: the bundle's threshold)"
    )
    probability: float = Field(ge=0, le=1, description="PD of the asked amount at the asked term, priced")
    grade: str | None = Field(description="Risk grade of that PD (null when refused on risk)")
    reason_code: Literal["OUTSIDE_PRODUCT", "PRICE_ABOVE_CAP", "NOT_AFFORDABLE"] | None = Field(
        description="Policy reason the asked terms are refused (null: accepted, or refused on the "
        "model's risk)"
    )
    asked: AskedOut
    offer: TermsOut | None = Field(
        description="The asked terms when accepted, else the alternative changing them least; null: nothing "
        "can be offered"
    )
    alternatives: list[AlternativeOut] = Field(description="Affordable, accepted alternatives (refusals)")
    limits: LimitsOut


def offer_fields(payload: dict) -> dict:
    """The offer's fields added to a score response by `?offer=true` (from `OfferResult.payload()`)."""
    return {key: payload[key] for key in ("grade", "offer", "alternatives", "limits")}
