"""Business cost of credit decisions: a defaulter wrongly accepted costs far more than a good client refused.

Positive class = default (TARGET = 1); a client is refused when the predicted probability of default is at
or above the threshold. FN = defaulter accepted, FP = good client refused.

Two modes:
- ``count``: ``cost = w_fn * FN + w_fp * FP`` (default ``w_fn = 10, w_fp = 1``);
- ``monetary``: a missed defaulter costs the credit amount times the loss given default, a refused good
  client costs the lost margin (``margin`` times the credit amount), in the currency of AMT_CREDIT.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from scoring.errors import ScoringError

COUNT = "count"
MONETARY = "monetary"
MODES = (COUNT, MONETARY)


class CostError(ScoringError, ValueError):
    """A cost specification or its inputs are invalid."""


@dataclass(frozen=True)
class CostSpec:
    """How much each wrong decision costs."""

    mode: str = COUNT
    w_fn: float = 10.0
    w_fp: float = 1.0
    loss_given_default: float = 1.0
    margin: float = 0.19

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise CostError(f"cost mode {self.mode!r} is not one of {', '.join(MODES)}")
        for name in ("w_fn", "w_fp", "loss_given_default", "margin"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0):
                raise CostError(f"cost parameter {name} must be a positive number, got {value}")

    @property
    def unit(self) -> str:
        return "currency" if self.mode == MONETARY else "cost units"

    @property
    def beta(self) -> float:
        """F-beta's beta: recall weighs (cost of a FN / cost of a FP) times as much as precision."""
        ratio = self.loss_given_default / self.margin if self.mode == MONETARY else self.w_fn / self.w_fp
        return math.sqrt(ratio)

    def client_costs(self, n: int, amount: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Per client: the cost if a defaulter is accepted (FN) and if a good client is refused (FP)."""
        if self.mode == COUNT:
            return np.full(n, self.w_fn), np.full(n, self.w_fp)
        if amount is None:
            raise CostError("monetary cost needs the credit amount (APP_AMT_CREDIT) of every client")
        credit = np.asarray(amount, dtype=np.float64)
        if credit.shape != (n,):
            raise CostError(f"monetary cost: {credit.shape[0]} credit amounts for {n} clients")
        bad = ~np.isfinite(credit) | (credit < 0)
        if bad.any():
            raise CostError(
                f"monetary cost: APP_AMT_CREDIT is missing or negative for {int(bad.sum())} of {n} clients"
            )
        return credit * self.loss_given_default, credit * self.margin

    def to_dict(self) -> dict[str, float | str]:
        return {**asdict(self), "unit": self.unit, "beta": self.beta}

    @classmethod
    def from_dict(cls, data: dict) -> CostSpec:
        keys = ("mode", "w_fn", "w_fp", "loss_given_default", "margin")
        return cls(**{k: data[k] for k in keys if k in data})


def total_cost(y_true: np.ndarray, refused: np.ndarray, fn_cost: np.ndarray, fp_cost: np.ndarray) -> float:
    """Sum of FN costs of accepted defaulters and FP costs of refused good clients."""
    y = np.asarray(y_true).astype(bool)
    refused = np.asarray(refused).astype(bool)
    return float(fn_cost[y & ~refused].sum() + fp_cost[~y & refused].sum())


def decision_cost(
    y_true: np.ndarray, refused: np.ndarray, spec: CostSpec, amount: np.ndarray | None = None
) -> float:
    """Business cost of a set of accept/refuse decisions under ``spec``."""
    fn_cost, fp_cost = spec.client_costs(len(y_true), amount)
    return total_cost(y_true, refused, fn_cost, fp_cost)
