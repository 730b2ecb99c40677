"""Score points: the probability of default on the points scale of a scorecard.

points = offset + factor * ln(odds good : bad), with factor = pdo / ln 2 (pdo: points to double the odds)
and offset such that `points` points stand at odds `odds` : 1. By default 600 points at 19 : 1 and 50 points
to double the odds: a probability of default of 5 % scores 600, 2.5 % about 651, 10 % about 546. More points
mean less risk.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

EPSILON = 1e-9  # probabilities are clipped to [EPSILON, 1 - EPSILON] so that points stay finite


@dataclass(frozen=True)
class PointsScale:
    """The scaling of points: `points` at odds `odds` : 1 (good : bad), `pdo` points to double the odds."""

    points: float = 600.0
    odds: float = 19.0
    pdo: float = 50.0

    def __post_init__(self) -> None:
        if not (self.odds > 0 and self.pdo > 0 and math.isfinite(self.points)):
            raise ValueError(f"points scale: need odds > 0 and pdo > 0, got odds={self.odds}, pdo={self.pdo}")

    @functools.cached_property
    def factor(self) -> float:
        return self.pdo / math.log(2.0)

    @functools.cached_property
    def offset(self) -> float:
        return self.points - self.factor * math.log(self.odds)

    def of(self, probability: float) -> float:
        """Points of a probability of default."""
        p = min(max(float(probability), EPSILON), 1.0 - EPSILON)
        return self.offset + self.factor * math.log((1.0 - p) / p)

    def of_many(self, probability: np.ndarray) -> np.ndarray:
        """Points of each probability of default (vectorised `of`)."""
        p = np.clip(np.asarray(probability, dtype=np.float64), EPSILON, 1.0 - EPSILON)
        return self.offset + self.factor * np.log((1.0 - p) / p)

    def probability_at(self, points: float) -> float:
        """The probability of default that scores `points` (the inverse of `of`)."""
        return 1.0 / (1.0 + math.exp((points - self.offset) / self.factor))
