"""The product's vocabularies, one home each: decisions, feature kinds, kinds of scoring request, engines,
languages, roles, officers' decisions, their status and override reasons, strategy versions' status, audit
actions, monitoring alerts.

They are `StrEnum`s: each member equals its string value, which is what JSON, the database and the API carry.
"""

from __future__ import annotations

from enum import StrEnum


class Decision(StrEnum):
    """The automatic decision: accept, refuse, or refer to an officer (a strategy's rule or refer band).

    Without a strategy the bundle's single threshold decides (`at`): refuse when the probability of default
    reaches it, else accept. A referral is no final decision: the officer's decision follows.
    """

    ACCEPT = "accept"
    REFER = "refer"
    REFUSE = "refuse"

    @classmethod
    def at(cls, probability: float, threshold: float) -> Decision:
        return cls.REFUSE if probability >= threshold else cls.ACCEPT


class DecisionStatus(StrEnum):
    """Where an officer's decision stands: final, awaiting a second person's approval, or rejected by them."""

    FINAL = "final"
    AWAITING_APPROVAL = "awaiting-approval"
    REJECTED = "rejected"


class StrategyStatus(StrEnum):
    """Where a stored strategy version stands."""

    ACTIVE = "active"
    PROPOSED = "proposed"  # waiting for an approval
    REJECTED = "rejected"
    RETIRED = "retired"  # was active, replaced since


class FeatureKind(StrEnum):
    """How a feature's values are read: a number, the code of a level, a 0/1 flag or a count."""

    NUMERIC = "numeric"
    CATEGORICAL = "categorical"
    FLAG = "flag"
    COUNT = "count"


class ScoreKind(StrEnum):
    """What a logged score was: a stored client, a posted application, one of a batch, a what-if."""

    CLIENT = "client"
    APPLICATION = "application"
    BATCH = "batch"
    WHAT_IF = "what-if"


class Language(StrEnum):
    """The languages of the product's texts (reason codes, decision letters, dashboard)."""

    EN = "en"
    FR = "fr"


class Role(StrEnum):
    """Who a signed-in user is: what they may see and do is decided from this on the server."""

    OFFICER = "officer"
    SENIOR = "senior"  # an officer who may also approve another's accept above the authority limits
    ANALYST = "analyst"
    ADMIN = "admin"


class OfficerDecision(StrEnum):
    """The credit officer's final decision on an application, recorded beside the model's."""

    ACCEPT = "accept"
    ACCEPT_COUNTER_OFFER = "accept-counter-offer"
    REFUSE = "refuse"
    REFER = "refer"

    @property
    def label(self) -> str:
        return _DECISION_LABELS[self]

    def overrides(self, model: Decision) -> bool:
        """True when this decision goes against the model's: an override, which needs a reason.

        The model's counter-offer is the largest amount it still accepts, so accepting it follows a refusal
        and departs from an acceptance of the amount asked; a referral hands the decision on and overrides
        nothing (the senior officer records the final one). When the model referred, the officer decides:
        no decision of theirs is an override.
        """
        return self in _OVERRIDES[model]

    @property
    def announced(self) -> Decision | None:
        """The decision a letter announces after this one; None for a referral (no final decision yet)."""
        return _ANNOUNCED.get(self)


_DECISION_LABELS = {
    OfficerDecision.ACCEPT: "Accept",
    OfficerDecision.ACCEPT_COUNTER_OFFER: "Accept the counter-offer",
    OfficerDecision.REFUSE: "Refuse",
    OfficerDecision.REFER: "Refer to a senior officer",
}
_ANNOUNCED = {
    OfficerDecision.ACCEPT: Decision.ACCEPT,
    OfficerDecision.ACCEPT_COUNTER_OFFER: Decision.ACCEPT,
    OfficerDecision.REFUSE: Decision.REFUSE,
}
_OVERRIDES = {
    Decision.ACCEPT: {OfficerDecision.REFUSE, OfficerDecision.ACCEPT_COUNTER_OFFER},
    Decision.REFUSE: {OfficerDecision.ACCEPT},
    Decision.REFER: set(),
}


class OverrideReason(StrEnum):
    """Why an officer departs from the model: the category every override must name."""

    INFORMATION_OUTSIDE_MODEL = "information-outside-model"
    DATA_ERROR = "data-error"
    VERIFIED_INCOME = "verified-income"
    COLLATERAL_OR_GUARANTOR = "collateral-or-guarantor"
    EXISTING_RELATIONSHIP = "existing-relationship"
    AFFORDABILITY = "affordability"
    FRAUD_SUSPICION = "fraud-suspicion"
    POLICY_RULE = "policy-rule"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _REASON_LABELS[self]


_REASON_LABELS = {
    OverrideReason.INFORMATION_OUTSIDE_MODEL: "Information the model does not have (documents, interview)",
    OverrideReason.DATA_ERROR: "Error or out-of-date value in the application or history",
    OverrideReason.VERIFIED_INCOME: "Income or employment verified differently",
    OverrideReason.COLLATERAL_OR_GUARANTOR: "Collateral or a guarantor",
    OverrideReason.EXISTING_RELATIONSHIP: "Existing relationship with the lender",
    OverrideReason.AFFORDABILITY: "Affordability concern the score does not capture",
    OverrideReason.FRAUD_SUSPICION: "Suspected fraud or inconsistent documents",
    OverrideReason.POLICY_RULE: "Lending policy rule",
    OverrideReason.OTHER: "Other (explained in the justification)",
}


class AuditAction(StrEnum):
    """What an audit-trail row records."""

    SIGN_IN = "sign-in"
    SIGN_IN_FAILED = "sign-in-failed"
    ACCOUNT_LOCKED = "account-locked"  # written before sign-ins were throttled: kept to read older trails
    SIGN_OUT = "sign-out"
    ACCESS_DENIED = "access-denied"
    VIEW_CLIENT = "view-client"
    SCORE = "score"
    DECISION = "decision"
    OVERRIDE = "override"
    DECISION_APPROVED = "decision-approved"  # a second person approves an accept above the authority limits
    DECISION_REJECTED = "decision-rejected"
    CASE_TAKEN = "case-taken"  # an officer takes a referred client from the worklist
    LETTER_ISSUED = "letter-issued"
    MODEL_PROMOTED = "model-promoted"
    STRATEGY_ACTIVATED = "strategy-activated"
    STRATEGY_PROPOSED = "strategy-proposed"
    STRATEGY_REJECTED = "strategy-rejected"
    USER_CREATED = "user-created"
    USER_DISABLED = "user-disabled"
    USER_ENABLED = "user-enabled"
    PASSWORD_RESET = "password-reset"
    PASSWORD_CHANGED = "password-changed"  # by the account's owner
    AUDIT_EXPORTED = "audit-exported"
    AUDIT_PURGED = "audit-purged"


class Engine(StrEnum):
    """Where the feature build and batch scoring run: DuckDB in-process (one machine) or Apache Spark."""

    DUCKDB = "duckdb"
    SPARK = "spark"


class AlertKind(StrEnum):
    """What the monitoring loop tells people about (scoring/monitoring/alerts.json: meaning and action)."""

    DATA_DRIFT = "data_drift"
    PREDICTION_DRIFT = "prediction_drift"
    PERFORMANCE_DROP = "performance_drop"
    SEGMENT_DRIFT = "segment_drift"
    CALIBRATION_SHIFT = "calibration_shift"
    LATENCY = "latency"
    ERROR_RATE = "error_rate"
    MODEL_PROMOTED = "model_promoted"
