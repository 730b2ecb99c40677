"""Affordability: the debt-service ratio cap, the stressed rate and the residual income per household member.

The one reader of `affordability.json`. Income and instalments are monthly (the period the data defines). For
a household of monthly `income`, `members` members and `existing` monthly instalments already owed, the new
loan's instalment taken at its rate plus the stress points may be at most

    max_instalment = min(max_debt_service_ratio * income - existing,
                         income - existing - min_residual_income_per_member * members)

(0 when the income is unknown or nothing is left). The amount that fits follows from the annuity factor at
the stressed rate: amount <= max_instalment / annuity_factor(rate + stress, term).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from scoring.offer.apr import annuity_factor
from scoring.settings import ScoringSettings

POLICY_FILE = Path(__file__).with_name("affordability.json")


@dataclass(frozen=True)
class AffordabilityPolicy:
    """The cap on all instalments over income, the stress of the rate, the residual income per member."""

    max_debt_service_ratio: float
    stress_rate_points: float
    min_residual_income_per_member: float
    default_members: int
    period: str = "monthly"

    def __post_init__(self) -> None:
        if not 0 < self.max_debt_service_ratio <= 1:
            raise ValueError(
                f"affordability: max_debt_service_ratio must be in (0, 1], got {self.max_debt_service_ratio}"
            )
        if self.stress_rate_points < 0 or self.min_residual_income_per_member < 0 or self.default_members < 1:
            raise ValueError(
                "affordability: stress, residual income and default members must be non-negative"
            )

    @classmethod
    def of(cls, document: Mapping) -> AffordabilityPolicy:
        return cls(
            float(document["max_debt_service_ratio"]),
            float(document["stress_rate_points"]),
            float(document["min_residual_income_per_member"]),
            int(document["default_members"]),
            str(document["period"]),
        )


OVERRIDDEN = ("max_debt_service_ratio", "stress_rate_points")  # by SCORING_<NAME> when set


@cache
def affordability_policy() -> AffordabilityPolicy:
    """The packaged policy (read once), with SCORING_MAX_DEBT_SERVICE_RATIO and SCORING_STRESS_RATE_POINTS
    in place of its figures when they are set."""
    document = json.loads(POLICY_FILE.read_text(encoding="utf-8"))
    settings = ScoringSettings()
    overrides = {name: getattr(settings, name) for name in OVERRIDDEN if getattr(settings, name) is not None}
    return AffordabilityPolicy.of({**document, **overrides})


@dataclass(frozen=True)
class Household:
    """What the affordability check knows of the applicant: monthly income, members, existing instalments.

    `existing_source` says where the existing instalments come from: "bureau" (the annuities of the active
    credit-bureau credits that give one), or "none" (no bureau rows known: taken as 0)."""

    income: float | None
    members: int
    existing: float
    existing_source: str = "bureau"
    existing_credits: int = 0
    credits_without_annuity: int = 0

    @classmethod
    def of(
        cls,
        application: Mapping[str, object],
        existing: float,
        source: str,
        credits: int = 0,
        without_annuity: int = 0,
        policy: AffordabilityPolicy | None = None,
    ) -> Household:
        """The household of an application (Kaggle fields) with its known existing instalments."""
        policy = policy or affordability_policy()
        return cls(
            _number(application.get("AMT_INCOME_TOTAL")),
            _members(application.get("CNT_FAM_MEMBERS"), policy.default_members),
            max(float(existing), 0.0),
            source,
            credits,
            without_annuity,
        )


def _number(value: object) -> float | None:
    if value is None:
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number


def _members(value: object, default: int) -> int:
    number = _number(value)
    return int(household_members(np.nan if number is None else number, default))


def household_members(values: np.ndarray | float, default: int) -> np.ndarray:
    """Household members of each application: CNT_FAM_MEMBERS rounded, `default` where missing or below 1."""
    number = np.asarray(values, dtype=np.float64)
    return np.where(np.isfinite(number) & (number >= 1), np.round(number), float(default))


def max_instalment(household: Household, policy: AffordabilityPolicy | None = None) -> float:
    """The largest monthly instalment of the new loan (at the stressed rate) the household can carry."""
    income = np.nan if household.income is None else household.income
    return float(max_instalments(income, household.existing, household.members, policy))


def max_instalments(
    income: np.ndarray | float,
    existing: np.ndarray | float,
    members: np.ndarray | float,
    policy: AffordabilityPolicy | None = None,
) -> np.ndarray:
    """`max_instalment` of each household (0 where the income is unknown or not positive)."""
    policy = policy or affordability_policy()
    income = np.asarray(income, dtype=np.float64)
    by_ratio = policy.max_debt_service_ratio * income - existing
    residual = income - existing - policy.min_residual_income_per_member * np.asarray(members)
    room = np.maximum(np.minimum(by_ratio, residual), 0.0)
    return np.where(np.isfinite(income) & (income > 0), room, 0.0)


def max_affordable_amount(
    room: float,
    annual_rate: np.ndarray | float,
    months: np.ndarray | float,
    policy: AffordabilityPolicy | None = None,
) -> np.ndarray:
    """The largest amount whose instalment at the stressed rate fits in `room` (a max_instalment)."""
    policy = policy or affordability_policy()
    return room / annuity_factor(np.asarray(annual_rate) + policy.stress_rate_points, months)


def stressed_instalment(
    amount: np.ndarray | float,
    annual_rate: np.ndarray | float,
    months: np.ndarray | float,
    policy: AffordabilityPolicy | None = None,
) -> np.ndarray:
    """The instalment of `amount` at the rate plus the stress points."""
    policy = policy or affordability_policy()
    return np.asarray(amount, dtype=np.float64) * annuity_factor(
        np.asarray(annual_rate) + policy.stress_rate_points, months
    )


def debt_service_ratios(
    instalment: np.ndarray | float,
    stressed: np.ndarray | float,
    existing: np.ndarray | float,
    income: np.ndarray | float,
) -> tuple[np.ndarray, np.ndarray]:
    """(new instalment + existing instalments) / income, at the loan's rate and at the stressed rate (NaN
    where the income is unknown or not positive)."""
    income = np.asarray(income, dtype=np.float64)
    known = np.isfinite(income) & (income > 0)
    divisor = np.where(known, income, np.nan)
    return (np.asarray(instalment) + existing) / divisor, (np.asarray(stressed) + existing) / divisor


def residual_income_per_member(
    income: np.ndarray | float,
    existing: np.ndarray | float,
    stressed: np.ndarray | float,
    members: np.ndarray | float,
) -> np.ndarray:
    """What stays of the income after every instalment (the new one stressed), per household member (NaN
    where the income is unknown or not positive)."""
    income = np.asarray(income, dtype=np.float64)
    known = np.isfinite(income) & (income > 0)
    return np.where(known, (income - existing - np.asarray(stressed)) / np.asarray(members), np.nan)


def debt_service_ratio(household: Household, instalment: float) -> float | None:
    """(new instalment + existing instalments) / income; None when the income is unknown or zero."""
    income = np.nan if household.income is None else household.income
    ratio = float(debt_service_ratios(instalment, instalment, household.existing, income)[0])
    return None if np.isnan(ratio) else ratio
