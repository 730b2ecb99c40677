"""Response models of the officer's worklist and of the approval of grants above the authority limits."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from api.schemas.access import DecisionOut, DecisionStatusName


class WorklistCaseOut(BaseModel):
    """A referred stored client awaiting an officer's final decision."""

    client_id: int
    referred_at: datetime = Field(description="When the model first referred the client (this referral)")
    age_hours: float = Field(description="Time in the queue")
    probability: float = Field(description="Calibrated probability of default at the latest score")
    model_version: str
    amount: float | None = Field(description="The credit asked (AMT_CREDIT), null when unknown")
    rules: list[str] | None = Field(
        description="Policy rule codes that referred it, as logged with the score (null: not logged)"
    )
    rule_titles: list[str] | None = Field(
        default=None, description="The title of each of `rules`, in the request's language (Accept-Language)"
    )
    band: bool | None = Field(
        description="The PD is in the active strategy's refer band (null without an active strategy)"
    )
    taken_by: str | None = Field(description="The officer who has taken it")
    taken_at: datetime | None
    decision_id: int | None = Field(description="The client's latest officer decision, if any")
    decision_status: DecisionStatusName | None = None
    decision: str | None = Field(
        default=None, description="The latest officer decision (e.g. 'refer': to a senior officer), if any"
    )
    decided_by: str | None = Field(default=None, description="Who recorded it")


class AwaitingOut(DecisionOut):
    """A grant above the authority limits awaiting a second person's approval."""

    client_id: int | None = Field(description="null when the client is no longer in the store")
    amount: float | None = Field(description="The amount granted: asked, or the counter-offer's")


class AuthorityLimitsOut(BaseModel):
    pd_limit: float = Field(description="An officer alone may grant up to this PD (inclusive)")
    amount_limit: float = Field(description="… and up to this amount (inclusive)")
    approvers: list[str] = Field(description="Roles that may approve another's grant above the limits")


class WorklistOut(BaseModel):
    cases: list[WorklistCaseOut] = Field(description="Oldest referral first")
    awaiting_approval: list[AwaitingOut] = Field(description="Oldest first")
    can_review: bool = Field(description="The signed-in user may approve or reject")
    limits: AuthorityLimitsOut


class TakenOut(BaseModel):
    client_id: int
    taken_by: str
    taken_at: datetime
    taken_over_from: str | None = Field(
        description="The previous holder, when a senior or admin took it over"
    )


class ReviewIn(BaseModel):
    model_config = {"extra": "forbid"}
    justification: str = Field(
        max_length=4000, description="Why it is approved or rejected (20 characters and 3 words or more)"
    )
