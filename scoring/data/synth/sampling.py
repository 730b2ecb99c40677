"""Vectorised draws from the calibration statistics: inverse CDFs, categorical codes, missing cells."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import expit, ndtr, ndtri

from scoring.data.schema import CAT, DAYS_EMPLOYED_ANOMALY
from scoring.data.twin_calibration import STRATUM_SEPARATOR, load_calibration


@dataclass(frozen=True)
class Categorical:
    """A categorical column as integer codes into levels; code -1 is a missing cell."""

    codes: np.ndarray
    levels: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.codes)

    def code(self, level: str) -> int:
        return self.levels.index(level)

    def isin(self, *levels: str) -> np.ndarray:
        return np.isin(self.codes, [self.levels.index(v) for v in levels if v in self.levels])

    def take(self, index: np.ndarray) -> Categorical:
        return Categorical(self.codes[index], self.levels)


Values = np.ndarray | Categorical


def rng_for(seed: int, *keys: str | int) -> np.random.Generator:
    """An independent random stream per (seed, component, chunk...), stable across runs and machines."""
    ints = [k if isinstance(k, int) else zlib.crc32(k.encode()) for k in keys]
    return np.random.default_rng([seed, *ints])


def gaussian_uniform(rng: np.random.Generator, n: int, *loadings: tuple[float, np.ndarray]) -> np.ndarray:
    """Uniforms of a Gaussian copula: Phi(sum(coef * z) + noise) with unit variance overall."""
    total = np.zeros(n)
    explained = 0.0
    for coef, z in loadings:
        total += coef * z
        explained += coef * coef
    total += np.sqrt(max(1.0 - explained, 0.0)) * rng.standard_normal(n)
    return ndtr(total)


def quantize(values: np.ndarray, step: float) -> np.ndarray:
    """Round to a multiple of step, with a short decimal representation (step 0: unchanged)."""
    if step <= 0:
        return values
    decimals = max(0, int(np.ceil(-np.log10(step))) + 1)
    return np.round(np.round(values / step) * step, decimals)


def inverse_cdf(stats: dict[str, Any], u: np.ndarray) -> np.ndarray:
    """Numeric values at probability levels u: discrete frequencies, or interpolated quantiles."""
    if "values" in stats:
        table = np.asarray(stats["values"], dtype=float)
        cumulative = np.cumsum(table[:, 1])
        index = np.searchsorted(cumulative / cumulative[-1], u, side="right")
        return table[np.minimum(index, len(table) - 1), 0]
    if "quantiles" not in stats:
        return np.full(len(u), np.nan)
    quantiles = np.asarray(stats["quantiles"], dtype=float)
    grid = np.linspace(0.0, 1.0, len(quantiles))
    return quantize(np.interp(u, grid, quantiles), stats["step"])


def category_codes(
    stats: dict[str, Any], levels: tuple[str, ...], u: np.ndarray, order: tuple[str, ...] = ()
) -> np.ndarray:
    """Codes into levels at probability levels u; order lists levels first (ordinal draws from a copula)."""
    frequencies = stats["frequencies"]
    names = [v for v in order if v in frequencies] + [v for v in frequencies if v not in order]
    cumulative = np.cumsum([frequencies[v] for v in names])
    index = np.searchsorted(cumulative / cumulative[-1], u, side="right")
    mapping = np.array([levels.index(v) for v in names], dtype=np.int16)
    return mapping[np.minimum(index, len(names) - 1)]


class TableStats:
    """The calibration statistics of one raw table, with per-stratum views where calibrated."""

    def __init__(self, stats: dict[str, Any], columns: dict[str, Any] | None = None) -> None:
        self._stats = stats
        self.columns: dict[str, Any] = {**stats["columns"], **(columns or {})}

    def levels(self, name: str) -> tuple[str, ...]:
        return tuple(self._stats["columns"][name]["frequencies"])

    def missing(self, name: str) -> float:
        return float(self.columns[name]["missing"])

    def median(self, name: str) -> float:
        return float(inverse_cdf(self.columns[name], np.array([0.5]))[0])

    def strata(self) -> dict[str, dict[str, Any]]:
        return self._stats.get("strata", {}).get("groups", {})

    def stratum(self, *values: str) -> TableStats:
        """The statistics conditional on a stratum (columns not calibrated there fall back to the table)."""
        group = self.strata().get(STRATUM_SEPARATOR.join(values))
        return TableStats(self._stats, group["columns"] if group else None)

    def draw(
        self,
        name: str,
        rng: np.random.Generator,
        n: int,
        u: np.ndarray | None = None,
        missing_u: np.ndarray | None = None,
        order: tuple[str, ...] = (),
    ) -> Values:
        """n values of a column: calibrated distribution (u: copula levels), anomaly share, missing cells."""
        stats = self.columns[name]
        u = rng.random(n) if u is None else u
        missing_u = rng.random(n) if missing_u is None else missing_u
        missing = missing_u < stats["missing"]
        if stats["kind"] == CAT:
            levels = self.levels(name)
            codes = category_codes(stats, levels, u, order)
            return Categorical(np.where(missing, np.int16(-1), codes), levels)
        values = inverse_cdf(stats, u)
        if "anomaly" in stats:
            values = np.where(rng.random(n) < stats["anomaly"], float(DAYS_EMPLOYED_ANOMALY), values)
        return np.where(missing, np.nan, values)


def draw_by_stratum(
    table: TableStats, name: str, rng: np.random.Generator, strata: Categorical, u: np.ndarray | None = None
) -> Values:
    """A column drawn row by row from the statistics of each row's stratum (strata: one label per row)."""
    n = len(strata)
    u = rng.random(n) if u is None else u
    missing_u = rng.random(n)
    whole = table.draw(name, rng, n, u, missing_u)
    for code, label in enumerate(strata.levels):
        rows = np.flatnonzero(strata.codes == code)
        if rows.size and label in table.strata():
            part = table.stratum(label).draw(name, rng, rows.size, u[rows], missing_u[rows])
            _assign(whole, rows, part)
    return whole


def _assign(target: Values, rows: np.ndarray, part: Values) -> None:
    if isinstance(target, Categorical):
        target.codes[rows] = part.codes
    else:
        target[rows] = part


def load_tables() -> dict[str, TableStats]:
    """Every calibrated table's statistics, from the packaged calibration file."""
    return {name: TableStats(stats) for name, stats in load_calibration()["tables"].items()}


_NORMAL_GRID = ndtri(np.linspace(0.0005, 0.9995, 1000))


def intercept_for_mean(target: float, slope: float) -> float:
    """a such that the mean of expit(a + slope * Z) over a standard normal Z equals target (bisection)."""
    low, high = -40.0, 40.0
    for _ in range(80):
        middle = (low + high) / 2
        if expit(middle + slope * _NORMAL_GRID).mean() > target:
            high = middle
        else:
            low = middle
    return (low + high) / 2
