"""How many rows each owner gets in a child table, and per-owner aggregates of child rows.

The fan-out matches the full Kaggle files: row counts and the number of clients with at least one row,
over its 356,255 train and test clients.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scoring.data.synth.sampling import inverse_cdf

KAGGLE_CLIENTS = 307_511 + 48_744
DAYS_PER_MONTH = 30.4375
MAX_MONTHS = 96
SMOOTHING_MONTHS = 4


@dataclass(frozen=True)
class FanOut:
    """Rows per owner: none for a share of owners, else 1 + negative binomial (mean per present owner)."""

    present_share: float
    mean_present: float
    dispersion: float

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        extra = self.mean_present - 1.0
        counts = 1 + rng.negative_binomial(self.dispersion, self.dispersion / (self.dispersion + extra), n)
        return np.where(rng.random(n) < self.present_share, counts, 0).astype(np.int64)


BUREAU_FANOUT = FanOut(305_811 / KAGGLE_CLIENTS, 1_716_428 / 305_811, 1.5)
PREVIOUS_FANOUT = FanOut(338_857 / KAGGLE_CLIENTS, 1_670_214 / 338_857, 1.25)
BUREAU_BALANCE_ROWS_PER_RECORD = 27_299_925 / 1_716_428
CARD_ROWS_PER_CARD = 3_840_312 / 104_307


def expand(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For child rows laid out owner after owner: each row's owner index and its position (0, 1, ...)."""
    owner = np.repeat(np.arange(len(counts)), counts)
    starts = np.cumsum(counts) - counts
    return owner, np.arange(owner.size) - starts[owner]


def owner_mean(values: np.ndarray, owner: np.ndarray, n: int) -> np.ndarray:
    """Mean of the rows' values per owner (NaN values count as 0; owners without rows get NaN)."""
    counts = np.bincount(owner, minlength=n)
    sums = np.bincount(owner, weights=np.nan_to_num(values.astype(float)), minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / counts, np.nan)


def owner_max(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Max of the rows' values per owner, rows laid out owner after owner (owners without rows: NaN)."""
    result = np.full(len(counts), np.nan)
    present = counts > 0
    if values.size:
        starts = (np.cumsum(counts) - counts)[present]
        result[present] = np.fmax.reduceat(values.astype(float), starts)
    return result


def history_length_law(months_stats: dict) -> tuple[np.ndarray, np.ndarray]:
    """Lengths 1..96 months and their probabilities, such that contracts with rows at months -L..-1
    reproduce a calibrated MONTHS_BALANCE law.

    A row at month -k exists for every contract with L >= k, so P(L >= k) is proportional to the
    (smoothed) density of MONTHS_BALANCE at -k.
    """
    months = np.round(inverse_cdf(months_stats, np.linspace(0.0, 1.0, 20001)))
    lengths = np.arange(1, MAX_MONTHS + 1)
    density = np.array([np.mean(months == -k) for k in lengths])
    window = np.ones(2 * SMOOTHING_MONTHS + 1)
    smooth = np.convolve(density, window, "same") / np.convolve(np.ones(lengths.size), window, "same")
    survival = np.minimum.accumulate(smooth / max(smooth[0], 1e-12))
    pmf = survival - np.append(survival[1:], 0.0)
    return lengths, pmf / pmf.sum()
