"""The legal maximum price: the usury threshold (maximum APR) of a consumer loan by its amount band.

The one reader of `usury.json` (the Banque de France thresholds of one quarter, with their dates).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

POLICY_FILE = Path(__file__).with_name("usury.json")
TOLERANCE = 1e-12  # an APR equal to the threshold is lawful


@dataclass(frozen=True)
class UsuryPolicy:
    """Thresholds by amount band (upper amounts increasing; the last band has none) and their quarter."""

    quarter: str
    applies_from: str
    applies_to: str
    upper_amounts: tuple[float, ...]
    max_aprs: tuple[float, ...]

    def __post_init__(self) -> None:
        if len(self.max_aprs) != len(self.upper_amounts) + 1 or list(self.upper_amounts) != sorted(
            self.upper_amounts
        ):
            raise ValueError("usury: bands need increasing upper amounts and a last band without one")

    @classmethod
    def of(cls, document: Mapping) -> UsuryPolicy:
        bands = document["bands"]
        if bands[-1]["max_amount"] is not None or any(b["max_amount"] is None for b in bands[:-1]):
            raise ValueError("usury: only the last band is open-ended")
        return cls(
            str(document["quarter"]),
            str(document["applies_from"]),
            str(document["applies_to"]),
            tuple(float(b["max_amount"]) for b in bands[:-1]),
            tuple(float(b["max_apr"]) for b in bands),
        )

    def max_apr(self, amount: np.ndarray | float) -> np.ndarray:
        """The maximum APR of each amount (a band includes its upper amount)."""
        index = np.searchsorted(np.array(self.upper_amounts), np.atleast_1d(amount), side="left")
        return np.array(self.max_aprs)[index]

    def above(self, rate: np.ndarray | float, amount: np.ndarray | float) -> np.ndarray:
        """Whether each APR is above the threshold of its amount (it cannot be offered)."""
        return np.asarray(rate, dtype=np.float64) > self.max_apr(amount) + TOLERANCE


@cache
def usury_policy() -> UsuryPolicy:
    """The packaged thresholds (read once)."""
    return UsuryPolicy.of(json.loads(POLICY_FILE.read_text(encoding="utf-8")))
