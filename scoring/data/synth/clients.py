"""The synthetic clients: identifiers, the train/test split and the latent traits that tie columns together.

The latent traits only shape how columns are drawn (a Gaussian copula keeps every calibrated marginal);
the true default probability never reads them, only observable columns and table aggregates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scoring.data.synth.sampling import rng_for
from scoring.home import TEST_SHARE

FIRST_ID = 100002


@dataclass(frozen=True)
class Population:
    """All clients (train and test): SK_ID_CURR, test flag and standard-normal latent traits."""

    ids: np.ndarray
    is_test: np.ndarray
    risk: np.ndarray
    wealth: np.ndarray

    @property
    def size(self) -> int:
        return len(self.ids)

    def take(self, rows: slice) -> Population:
        return Population(self.ids[rows], self.is_test[rows], self.risk[rows], self.wealth[rows])


def n_test_clients(n_train: int) -> int:
    """Test clients beside n_train train clients, in Kaggle's proportion (48,744 per 307,511)."""
    return round(n_train * TEST_SHARE)


def draw_population(n_train: int, seed: int) -> Population:
    """Consecutive SK_ID_CURR from 100002 for train and test clients mixed at random, as in Kaggle."""
    n = n_train + n_test_clients(n_train)
    rng = rng_for(seed, "population")
    is_test = np.zeros(n, dtype=bool)
    is_test[rng.choice(n, n - n_train, replace=False)] = True
    return Population(
        ids=FIRST_ID + np.arange(n, dtype=np.int64),
        is_test=is_test,
        risk=rng.standard_normal(n),
        wealth=rng.standard_normal(n),
    )
