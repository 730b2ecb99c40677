"""The lender's history on the synthetic twin: a champion trained on an earlier population scores the
through-the-door applicants and accepts those below its threshold; only the accepted get an outcome.

What a training may see is a `LenderHistory`: the accepted applicants with their outcomes and the refused
ones' features, no outcome. The oracle's outcomes of the refused stay in the `Population` the history was
drawn from, which only the measurement reads.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scoring.features.monotone import MonotonePolicy
from scoring.modeling.dataset import TrainingData
from scoring.reject_inference.twin import Population
from scoring.reject_inference.weighted_fit import FitSettings, WeightedModel, fit_weighted


@dataclass(frozen=True)
class LenderHistory:
    """Accepted applicants (features and outcome), refused ones (features only) and the champion."""

    accepted: TrainingData
    rejected_X: np.ndarray
    rejected_ids: np.ndarray
    champion: WeightedModel

    @property
    def acceptance_rate(self) -> float:
        return self.accepted.n / (self.accepted.n + len(self.rejected_ids))


def train_champion(earlier: Population, policy: MonotonePolicy, settings: FitSettings) -> WeightedModel:
    """The champion: fitted on every applicant of an earlier population, with their outcomes."""
    data = earlier.data
    return fit_weighted(data, np.ones(data.n), np.arange(data.n), policy, settings)


def accepted_mask(champion: WeightedModel, applicants: Population) -> np.ndarray:
    """Applicants the champion accepts (PD below its threshold)."""
    return champion.predict(applicants.data.X) < champion.threshold


def simulate_history(champion: WeightedModel, through_the_door: Population) -> LenderHistory:
    """The champion's decisions on the through-the-door applicants; only the accepted keep their outcome."""
    accepted = accepted_mask(champion, through_the_door)
    refused = np.flatnonzero(~accepted)
    return LenderHistory(
        through_the_door.data.subset(np.flatnonzero(accepted)),
        through_the_door.data.X[refused],
        through_the_door.data.ids[refused],
        champion,
    )
