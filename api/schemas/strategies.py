"""Request and response models of the decision strategies: versions with their review, a simulation (the
figures of `scoring strategy simulate --json` and the chart's points), a proposal and a rejection."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from scoring.db.strategies import Reviewed
from scoring.strategy.definition import MAX_CHARACTERS

StatusName = Literal["active", "proposed", "rejected", "retired"]
DecisionName = Literal["accept", "refer", "refuse"]


class StrategyOut(BaseModel):
    """The decision strategy in force: its name, stored version and cut-offs (calibrated PD)."""

    name: str
    version: int
    accept_below: float = Field(ge=0, le=1, description="Accepted below this PD when no rule fires")
    refuse_from: float = Field(ge=0, le=1, description="Refused from this PD; referred between the two")


class StrategyIn(BaseModel):
    """A strategy file's YAML text (`docs/strategy.md`)."""

    model_config = ConfigDict(extra="forbid")
    yaml: str = Field(min_length=1, max_length=MAX_CHARACTERS, description="The strategy file's text")


class RejectIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str | None = Field(default=None, max_length=500, description="Why (kept in the audit trail)")


class StrategyVersionOut(BaseModel):
    """One stored version of a strategy and where it stands."""

    version: int
    name: str
    sha256: str
    author: str
    created_at: datetime
    proposed_by: str | None
    proposed_at: datetime | None
    approved_by: str | None = Field(description="Who made it active (the last time)")
    approved_at: datetime | None
    active: bool
    activated_at: datetime | None
    status: StatusName = Field(description="active, proposed (waiting for approval), rejected or retired")
    rejected_by: str | None
    rejected_at: datetime | None
    yaml: str


def strategy_out(reviewed: Reviewed) -> StrategyVersionOut:
    s = reviewed.stored
    return StrategyVersionOut(
        version=s.version,
        name=s.name,
        sha256=s.sha256,
        author=s.author,
        created_at=s.created_at,
        proposed_by=s.proposed_by,
        proposed_at=s.proposed_at,
        approved_by=s.approved_by,
        approved_at=s.approved_at,
        active=s.active,
        activated_at=s.activated_at,
        status=reviewed.status.value,
        rejected_by=reviewed.rejected_by,
        rejected_at=reviewed.rejected_at,
        yaml=s.yaml,
    )


class ActiveStrategyOut(BaseModel):
    active: StrategyVersionOut | None = Field(description="None: the bundle's single threshold decides")
    example: str = Field(description="The product's example strategy, to start from when none is active")


class GroupOut(BaseModel):
    count: int
    expected_bad_rate: float | None = Field(description="Mean calibrated PD")
    observed_bad_rate: float | None = Field(description="Default rate where the outcome is known")
    outcomes_known: int


class RuleFiredOut(BaseModel):
    code: str
    title: str | None = Field(
        default=None, description="The rule's policy reason title, in the request's language"
    )
    action: Literal["refuse", "refer"]
    when: str
    fires: int
    fire_rate: float
    changes: int = Field(
        description="Decisions this rule changes: the rows the other rules and the cut-offs would decide "
        "otherwise without it"
    )


class CurrentOut(BaseModel):
    """The strategy in force (the active one, else the bundle's threshold) on the same population."""

    strategy: str = Field(description="How to name it, in English (the CLI's words)")
    name: str | None = Field(description="The active strategy's name (null: the bundle's threshold decides)")
    version: int | None = Field(description="The active strategy's version (null: the bundle's threshold)")
    threshold: float = Field(description="The bundle's threshold (what decides without an active strategy)")
    approval_rate: float
    refer_rate: float
    refusal_rate: float
    expected_bad_rate: float | None
    observed_bad_rate: float | None
    expected_loss: float = Field(
        description="Expected loss of its accepted loans the offer can price lawfully (sum of PD x LGD x "
        "amount)"
    )
    profit: float | None = Field(description="Expected profit of its accepted at the offer's prices")


class ChartPointOut(BaseModel):
    approval_rate: float
    bad_rate: float | None


class ChartCurveOut(BaseModel):
    role: Literal["current", "simulated"]
    label: str
    accept_below: float
    approval_rate: list[float | None]
    bad_rate: list[float | None]
    point: ChartPointOut = Field(description="At the strategy's own accept cut-off")


class ChartOut(BaseModel):
    bad_rate: Literal["observed", "expected"]
    population: str
    curves: list[ChartCurveOut]


class SimulationOut(BaseModel):
    """The simulation's figures, as `scoring strategy simulate --json` prints them, and its chart."""

    strategy: str
    sha256: str
    population: str = Field(description="The applications simulated, in English (the CLI's words)")
    bundle_version: str | None = Field(
        description="The bundle whose out-of-fold clients were simulated (null: a data file)"
    )
    n: int
    approval_rate: float
    refer_rate: float
    refusal_rate: float
    counts: dict[DecisionName, int]
    expected_bad_rate: float | None
    observed_bad_rate: float | None
    outcomes_known: int
    expected_loss: float
    expected_loss_per_accepted: float | None
    accepted_without_amount: int
    lgd: float
    profit: float | None
    profit_per_1000: float | None
    realised_profit_per_1000: float | None
    above_price_cap: int
    scores_per_day: float | None
    refer_per_day: float | None
    traffic_days: int
    rules: list[RuleFiredOut]
    current: CurrentOut
    swap_in: GroupOut
    swap_out: GroupOut
    transitions: dict[DecisionName, dict[DecisionName, int]]
    chart: ChartOut
