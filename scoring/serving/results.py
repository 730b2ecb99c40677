"""What the scoring service returns: a scored application, its explanation, a similar client."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scoring.explain.points import PointsScale
from scoring.explain.reasons import CodeReason, Reason
from scoring.serving.strategy_state import ActiveStrategy
from scoring.vocabulary import Decision


@dataclass(frozen=True)
class Explanation:
    """Why a score: base value + contributions (non-zero only, log-odds of the raw model) = raw score; the
    same summed per reason code (`codes`, strongest first); the principal reasons (codes pushing towards the
    decision) and the features raising and lowering the risk most; the calibrated probabilities at the two
    end points (average client, this client)."""

    base_value: float
    raw_score: float
    contributions: dict[str, float]
    raising: list[Reason]
    lowering: list[Reason]
    codes: list[CodeReason]
    reasons: list[CodeReason]
    base_probability: float
    probability: float


@dataclass(frozen=True)
class ScoreResult:
    """One scored application (`scale`: the points scale its points are on; `rules_fired`: the policy codes
    of the strategy's rules that fired; `strategy`: the strategy that decided, None: the bundle's
    threshold)."""

    probability: float
    decision: Decision
    threshold: float
    model_version: str
    features: np.ndarray
    points: float
    threshold_points: float
    explanation: Explanation | None = None
    client_id: int | None = None
    scale: PointsScale = PointsScale()
    rules_fired: tuple[str, ...] = ()
    strategy: ActiveStrategy | None = None

    @property
    def distance(self) -> float:
        """Probability minus threshold: negative = accepted, by that margin."""
        return self.probability - self.threshold


@dataclass(frozen=True)
class Neighbour:
    client_id: int
    distance: float
    probability: float
    decision: str
    target: int | None
