"""Risk-based price: the grade of a calibrated probability of default and the nominal annual rate per grade.

The one reader of `pricing.json`. Grades are bands of the PD by their upper bound (increasing); a grade's
rate = cost of funds + operating cost + margin + expected loss, the expected loss being the grade's upper PD
times the loss given default, spread over the mean outstanding life of a loan of the reference term
((n + 1) / 24 years for n monthly instalments). The rate is rounded up to the policy's step. Both the bands
and the rate formula are increasing, so a higher PD never gets a lower rate.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

POLICY_FILE = Path(__file__).with_name("pricing.json")


@dataclass(frozen=True)
class Grade:
    """One risk grade: its name, the PD band [pd_min, pd_max) and its nominal annual rate."""

    name: str
    pd_min: float
    pd_max: float
    annual_rate: float
    expected_loss: float


@dataclass(frozen=True)
class PricingPolicy:
    """The cost components, the loss given default, the reference term and the grade bands."""

    cost_of_funds: float
    operating_cost: float
    margin: float
    loss_given_default: float
    expected_loss_term_months: int
    rate_step: float
    bands: tuple[tuple[str, float], ...]

    def __post_init__(self) -> None:
        edges = [pd for _, pd in self.bands]
        if not self.bands or edges != sorted(set(edges)) or edges[0] <= 0 or edges[-1] < 1.0:
            raise ValueError("pricing: grade bands need increasing upper PDs, the last one covering PD 1")
        for name in ("cost_of_funds", "operating_cost", "margin", "loss_given_default", "rate_step"):
            if not (math.isfinite(getattr(self, name)) and getattr(self, name) >= 0):
                raise ValueError(f"pricing: {name} must be a non-negative number")

    @classmethod
    def of(cls, document: Mapping) -> PricingPolicy:
        return cls(
            float(document["cost_of_funds"]),
            float(document["operating_cost"]),
            float(document["margin"]),
            float(document["loss_given_default"]),
            int(document["expected_loss_term_months"]),
            float(document["rate_step"]),
            tuple((str(g["grade"]), float(g["pd_max"])) for g in document["grades"]),
        )

    @property
    def years_outstanding(self) -> float:
        """Mean outstanding life (years) of a loan of the reference term: (n + 1) / 24."""
        return (self.expected_loss_term_months + 1) / 24.0

    def rate_for(self, pd: float) -> tuple[float, float]:
        """(nominal annual rate, annualised expected loss) that covers a PD, rounded up to the step."""
        expected_loss = pd * self.loss_given_default / self.years_outstanding
        rate = self.cost_of_funds + self.operating_cost + self.margin + expected_loss
        if self.rate_step:
            rate = math.ceil(round(rate / self.rate_step, 9)) * self.rate_step
        return round(rate, 6), expected_loss

    @property
    def grades(self) -> tuple[Grade, ...]:
        """Every grade with its band and rate, best first."""
        lows = (0.0, *(pd for _, pd in self.bands[:-1]))
        return tuple(
            Grade(name, low, high, *self.rate_for(high))
            for (name, high), low in zip(self.bands, lows, strict=True)
        )


@cache
def pricing_policy() -> PricingPolicy:
    """The packaged policy (read once)."""
    return PricingPolicy.of(json.loads(POLICY_FILE.read_text(encoding="utf-8")))


class Pricer:
    """Grades and rates of a policy as arrays, for vectorised lookups."""

    def __init__(self, policy: PricingPolicy | None = None) -> None:
        self.policy = policy or pricing_policy()
        self.grades = self.policy.grades
        self.names = np.array([g.name for g in self.grades], dtype=object)
        self.upper = np.array([g.pd_max for g in self.grades])
        self.rates = np.array([g.annual_rate for g in self.grades])

    def grade_index(self, probability: np.ndarray | float) -> np.ndarray:
        """Index of the grade of each PD (the first band whose upper PD is above it; the last for PD 1)."""
        p = np.atleast_1d(np.asarray(probability, dtype=np.float64))
        return np.minimum(np.searchsorted(self.upper, p, side="right"), len(self.upper) - 1)

    def rate(self, index: np.ndarray) -> np.ndarray:
        """Nominal annual rate of each grade index."""
        return self.rates[np.asarray(index)]

    def name(self, index: int) -> str:
        return str(self.names[index])
