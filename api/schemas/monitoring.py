"""Response models of the monitoring-loop routes: model reload, outcomes by cohort, drift trend, model
history."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ReloadIn(BaseModel):
    """Which model to load; none: the champion named by models/champion.json."""

    model_config = {"extra": "forbid"}

    version: str | None = Field(default=None, pattern=r"^[0-9A-Za-z][0-9A-Za-z_.-]{0,63}$")


class WorkerOut(BaseModel):
    pid: int
    version: str | None
    request_id: str | None = Field(description="The last reload request this worker handled")
    updated_at: str
    error: str | None = Field(description="Why its last reload failed (it kept the model it had)")


class ReloadOut(BaseModel):
    request_id: str | None
    version: str | None = Field(description="Requested version (null: the champion)")
    requested_at: str | None
    done: bool = Field(description="Every live worker has handled this request")
    workers: list[WorkerOut]


class CohortOut(BaseModel):
    cohort: str = Field(description="Month of the score (UTC), YYYY-MM")
    applicants: int
    labelled: int
    labelled_share: float
    defaults: int | None
    default_rate: float | None = Field(description="Realised default rate of the labelled clients")
    mean_probability: float | None = Field(description="Mean probability of default the model gave them")
    auc: float | None = Field(description="Realised AUC (at least 30 labelled clients, both outcomes)")


class OutcomesOut(BaseModel):
    since: str | None
    until: str | None
    applicants: int
    labelled: int
    default_rate: float | None
    mean_probability: float | None
    auc: float | None
    cohorts: list[CohortOut]


class TrendPointOut(BaseModel):
    """One drift run's figures (oldest run first)."""

    name: str
    created_at: str | None
    current_source: str | None = None
    current_rows: int | None = None
    share_drifted: float | None = None
    psi_score: float | None = None
    psi_score_band: str | None = None
    psi_drifted_share: float | None = None
    estimated_auc: float | None = None
    estimated_default_rate: float | None = None
    estimated_cost_per_1000: float | None = None
    reference_auc: float | None = None
    segments_drifted: list[str] | None = Field(
        default=None, description="Drifted segment values (NAME_INCOME_TYPE=Pensioner...); null: none checked"
    )
    drift_detected: bool | None = None
    alert_kinds: list[str] = []


class RetrainDecisionOut(BaseModel):
    """One retrain decision: challenger against champion on the same out-of-time window."""

    decided_at: str
    outcome: str = Field(description="promoted, kept (champion stays) or skipped (could not compare)")
    champion: str | None
    challenger: str | None
    reasons: list[str]
    window: dict[str, Any] | None = None
    training: dict[str, Any] | None = None
    metrics: dict[str, Any] | None = None
    checks: list[dict[str, Any]] = []
    registry: dict[str, Any] | None = None


class FairnessGroupOut(BaseModel):
    """One group of a protected attribute in one period."""

    attribute: str = Field(description="CODE_GENDER (sex, from the client store) or age band (from the log)")
    group: str
    n: int = Field(description="Applicants of the group scored in the period (each once)")
    approval_rate: float = Field(description="Share not refused")
    judged: bool = Field(description="At least min_group applicants: fewer are shown but too few to judge")
    approval_ratio: float | None = Field(
        description="Approval rate / the highest of the attribute's judged groups (null: not judged)"
    )
    flagged: bool = Field(description="Ratio below the four-fifths rule (groups of at least min_group only)")


class FairnessPeriodOut(BaseModel):
    period: str = Field(description="Month of the score (UTC), YYYY-MM")
    applicants: int
    approval_rate: float
    known: dict[str, int] = Field(description="Per attribute: applicants whose group is known")
    groups: list[FairnessGroupOut]


class FairnessTrendOut(BaseModel):
    """Approval rates and ratios by sex and age band per month (monitored, never model inputs)."""

    method: str
    min_group: int
    four_fifths: float
    periods: list[FairnessPeriodOut]
