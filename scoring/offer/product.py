"""The loan product: the amounts and standard terms that can be offered, and the fees.

The one reader of `product.json`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from scoring.offer.apr import implied_months_of

POLICY_FILE = Path(__file__).with_name("product.json")
HALF_CENT = 0.005  # how far an instalment stated to the cent may lie from its exact annuity


@dataclass(frozen=True)
class ProductPolicy:
    """Amount range and step, standard terms (monthly instalments), default term, fee rate."""

    min_amount: float
    max_amount: float
    amount_step: float
    terms: tuple[int, ...]
    default_term: int
    fee_rate: float

    def __post_init__(self) -> None:
        if not 0 < self.min_amount < self.max_amount or self.amount_step <= 0:
            raise ValueError("product: need 0 < min_amount < max_amount and a positive amount_step")
        if not self.terms or list(self.terms) != sorted(set(self.terms)) or self.terms[0] < 1:
            raise ValueError("product: terms must be increasing positive numbers of months")
        if self.default_term not in self.terms or not 0 <= self.fee_rate < 1:
            raise ValueError("product: the default term must be a standard term and the fee rate in [0, 1)")

    @classmethod
    def of(cls, document: Mapping) -> ProductPolicy:
        return cls(
            float(document["min_amount"]),
            float(document["max_amount"]),
            float(document["amount_step"]),
            tuple(int(t) for t in document["terms"]),
            int(document["default_term"]),
            float(document["fee_rate"]),
        )

    def fees(self, amount: np.ndarray | float) -> np.ndarray:
        """Fees paid at the draw-down, to the cent."""
        return np.round(np.asarray(amount, dtype=np.float64) * self.fee_rate, 2)

    def round_down(self, amount: float) -> float:
        """`amount` rounded down to the amount step."""
        return math.floor(round(amount / self.amount_step, 9)) * self.amount_step

    def asked_term(self, amount: float, annuity: float | None, annual_rate: float) -> int:
        """The standard term of an application (`asked_terms` of one loan)."""
        posted = np.nan if annuity is None else annuity
        return int(self.asked_terms(np.array([amount]), np.array([posted]), np.array([annual_rate]))[0])

    def asked_terms(self, amount: np.ndarray, annuity: np.ndarray, annual_rate: np.ndarray) -> np.ndarray:
        """The standard term of each application: the shortest one at or above the number of monthly
        instalments of `annuity` that repay `amount` at `annual_rate` (the longest when they never do; the
        default term without an annuity). An instalment is stated to the cent: one that rounds an exact
        annuity down (an offer's, applied to the application) still repays in that annuity's term."""
        terms = np.array(self.terms, dtype=np.float64)
        payment = np.asarray(annuity, dtype=np.float64)
        months = implied_months_of(amount, payment + HALF_CENT, annual_rate)
        index = np.minimum(np.searchsorted(terms, months - 1e-9, side="left"), len(terms) - 1)
        found = np.where(np.isnan(months), terms[-1], terms[index])
        return np.where(np.isfinite(payment) & (payment > 0), found, float(self.default_term))

    def longer_terms(self, term: int) -> tuple[int, ...]:
        """The standard terms longer than `term`."""
        return tuple(t for t in self.terms if t > term)


@cache
def product_policy() -> ProductPolicy:
    """The packaged product (read once)."""
    return ProductPolicy.of(json.loads(POLICY_FILE.read_text(encoding="utf-8")))
