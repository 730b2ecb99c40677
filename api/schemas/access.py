"""Response models of sign-in, users, officers' decisions, oversight, letters and the audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from scoring.db.users import User
from scoring.vocabulary import Decision

RoleName = Literal["officer", "senior", "analyst", "admin"]


OfficerDecisionName = Literal["accept", "accept-counter-offer", "refuse", "refer"]
DecisionStatusName = Literal["final", "awaiting-approval", "rejected"]


OverrideReasonName = Literal[
    "information-outside-model",
    "data-error",
    "verified-income",
    "collateral-or-guarantor",
    "existing-relationship",
    "affordability",
    "fraud-suspicion",
    "policy-rule",
    "other",
]


class LoginIn(BaseModel):
    model_config = {"extra": "forbid"}
    username: str = Field(min_length=1, max_length=128)
    password: str = Field(min_length=1, max_length=1024)


class SsoIn(BaseModel):
    """A user the dashboard authenticated with the OpenID Connect provider (it checked the ID token)."""

    model_config = {"extra": "forbid"}
    username: str = Field(min_length=1, max_length=128)
    provider: str = Field(min_length=1, max_length=64)


class UserOut(BaseModel):
    id: int
    username: str
    role: RoleName
    active: bool
    created_at: datetime
    last_sign_in_at: datetime | None
    has_password: bool = Field(description="False for a single-sign-on-only account")


def user_out(user: User) -> UserOut:
    return UserOut(
        id=user.id,
        username=user.username,
        role=str(user.role),
        active=user.active,
        created_at=user.created_at,
        last_sign_in_at=user.last_sign_in_at,
        has_password=user.has_password,
    )


class SessionOut(UserOut):
    """The signed-in account and its session."""

    expires_at: datetime = Field(description="The session's absolute end (it ends sooner when idle)")


class SignedInOut(SessionOut):
    token: str = Field(description="The session token: send it as `Authorization: Bearer <token>`")


class EndedOut(BaseModel):
    ended: int = Field(description="How many open sessions were ended")


class UserCreateIn(BaseModel):
    model_config = {"extra": "forbid"}
    username: str = Field(min_length=1, max_length=64)
    role: RoleName
    password: str | None = Field(default=None, max_length=1024, description="null: single sign-on only")


class PasswordIn(BaseModel):
    model_config = {"extra": "forbid"}
    password: str = Field(max_length=1024)


class PasswordChangeIn(BaseModel):
    """One's own new password, with the current one."""

    model_config = {"extra": "forbid"}
    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(max_length=1024, description="12 characters or more, not easy to guess")


class DeniedIn(BaseModel):
    """A request the dashboard refused (recorded in the audit trail)."""

    model_config = {"extra": "forbid"}
    resource: str = Field(min_length=1, max_length=128, description="Page path or callback output")
    reason: Literal["no session", "role"]


class LabelledValue(BaseModel):
    value: str
    label: str


class DecisionVocabularyOut(BaseModel):
    decisions: list[LabelledValue]
    override_reasons: list[LabelledValue]
    overrides: dict[str, list[str]] = Field(
        description="Model decision -> the officer decisions overriding it"
    )
    min_justification: int = Field(description="Characters an override's justification needs at least")


class DecisionIn(BaseModel):
    model_config = {"extra": "forbid"}
    decision: OfficerDecisionName
    reason_category: OverrideReasonName | None = Field(default=None, description="Required for an override")
    justification: str | None = Field(
        default=None, max_length=4000, description="Required (20 characters or more) for an override"
    )


class DecisionOut(BaseModel):
    id: int
    created_at: datetime
    username: str = Field(description="The officer who decided")
    decision: OfficerDecisionName
    model_decision: Decision
    override: bool
    reason_category: OverrideReasonName | None
    justification: str | None
    model_version: str
    probability: float
    threshold: float
    reasons: list[dict[str, Any]] = Field(description="The reasons shown with the score")
    counter_offer_amount: float | None
    offer: dict[str, Any] | None = Field(
        None,
        description="The terms a grant records, as computed when recorded: an accepted counter-offer's, or "
        "an accept's of an application the model did not offer as asked (a refusal, a referral): the "
        "application as asked priced at the grade of the model's PD (null otherwise, and for an accept of "
        "the model's own offer)",
    )
    status: DecisionStatusName = Field(
        "final",
        description="awaiting-approval: a grant above the authority limits, not final until a senior or an "
        "admin approves it (no letter meanwhile); rejected: the reviewer refused it",
    )
    reviewed_by: str | None = Field(None, description="Who approved or rejected it")
    reviewed_at: datetime | None = None
    review_note: str | None = Field(None, description="The reviewer's justification")


class BarredOut(BaseModel):
    """A decision no one may record for the client now, and why."""

    decision: OfficerDecisionName
    reason_code: str = Field(
        description="The limit the application as asked breaks (OUTSIDE_PRODUCT, PRICE_ABOVE_CAP, "
        "NOT_AFFORDABLE) for an accept; NO_COUNTER_OFFER for an accept of the counter-offer without one"
    )
    message: str = Field(description="Why, in the request's language: the text of the 422 recording it gives")


class DecisionHistoryOut(BaseModel):
    client_id: int
    decisions: list[DecisionOut] = Field(description="Newest first")
    overriding: list[str] = Field(
        description="The officer's decisions that would override the model's for this client now (each needs "
        "a reason category and a justification): the vocabulary's `overrides`, except accepting the "
        "counter-offer of an accepted risk whose application cannot be granted as asked"
    )
    barred: list[BarredOut] = Field(
        description="The decisions that cannot be recorded for this client now, whoever decides (a record "
        "of one is refused: 422 on `decision`), each with its reason: an accept of an application the lender "
        "may not grant as asked, an accept of the counter-offer when there is none"
    )


class OfficerMonthOut(BaseModel):
    officer: str
    month: str = Field(description="YYYY-MM (UTC)")
    decisions: int
    overrides: int
    override_rate: float | None


class OutcomeGroupOut(BaseModel):
    granted_with_outcome: int
    defaults: int
    default_rate: float | None


class OversightOutcomesOut(BaseModel):
    overridden: OutcomeGroupOut
    followed: OutcomeGroupOut


class WorklistMetricsOut(BaseModel):
    """The officer's worklist now, and how long referrals waited for a final decision (in the window)."""

    queue_size: int = Field(description="Referred clients without a final officer decision")
    taken: int = Field(description="Of which an officer has taken")
    awaiting_approval: int = Field(description="Of which the latest decision awaits a senior's approval")
    oldest_hours: float | None = Field(description="Age of the oldest referral in the queue")
    decided: int = Field(description="Referrals finally decided in the window")
    time_to_decision_median_hours: float | None = Field(description="From referral to final decision")
    time_to_decision_p90_hours: float | None = Field(description="90th percentile, same")


class OversightOut(BaseModel):
    decisions: int
    overrides: int
    override_rate: float | None
    per_officer_month: list[OfficerMonthOut]
    outcomes: OversightOutcomesOut | None = Field(
        description="Null until outcomes (the labels table) are known"
    )
    worklist: WorklistMetricsOut | None = Field(None, description="Queue size and time to decision")


class AuditRowOut(BaseModel):
    id: int = Field(description="Position in the hash chain")
    created_at: datetime
    actor: str
    actor_id: int | None = Field(description="The user's id, null for the service, the CLI or the system")
    role: str | None
    action: str
    client_hash: str | None = Field(description="Salted hash of the client ID (never the ID itself)")
    target: str | None
    detail: dict[str, Any]
    source: str | None = Field(description="The person's address")
    request_id: str | None


class AuditPageOut(BaseModel):
    rows: list[AuditRowOut] = Field(description="Newest first")
    next_before: int | None = Field(
        description="`before` of the next (older) page; null when this page holds the oldest rows"
    )


class VerificationOut(BaseModel):
    ok: bool = Field(description="The chain and its anchors both hold")
    rows: int
    first_id: int
    last_id: int
    head_hash: str
    problem: str | None = Field(description="The first row edited, inserted or deleted")
    problem_kind: Literal["edited", "inserted", "deleted"] | None
    problem_row: int | None
    anchors: int = Field(description="Signed anchors of the chain's end checked")
    last_anchored: int | None = Field(description="The newest row an anchor names")
    anchor_problem: str | None = Field(
        description="Rows cut at the end, a row differing from its anchor, an anchor with a wrong signature"
    )
