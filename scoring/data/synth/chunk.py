"""One chunk of clients whose secondary tables are generated (and written) together."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scoring.data.synth.clients import Population
from scoring.data.synth.sampling import TableStats, rng_for

RISK_LOADING = 0.7


@dataclass(frozen=True)
class Chunk:
    """The chunk's clients, its random streams, calibration and the first free secondary identifiers."""

    index: int
    seed: int
    population: Population
    stats: dict[str, TableStats]
    relations: dict[str, dict]
    drift: dict[str, float]
    first_bureau_id: int
    first_prev_id: int

    @property
    def size(self) -> int:
        return self.population.size

    def rng(self, key: str) -> np.random.Generator:
        return rng_for(self.seed, key, self.index)

    def trait(self, key: str) -> np.ndarray:
        """A per-client standard-normal behaviour trait: partly the risk trait, partly its own noise."""
        noise = self.rng(f"trait-{key}").standard_normal(self.size)
        return RISK_LOADING * self.population.risk + np.sqrt(1.0 - RISK_LOADING**2) * noise
