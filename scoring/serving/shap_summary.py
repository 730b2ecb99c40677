"""The bundle's SHAP sample as summaries a page draws at once: importance, a binned SHAP summary (beeswarm)
and binned dependence curves, a few kilobytes instead of every sampled client's values.

Twin features (one quantity in two units, `scoring.explain.twins`: age in years and in days) are shown
once, as the feature in the unit people read: SHAP values add up, so the quantity's contribution for a
client is the sum of its twins', and its values are the readable twin's (or the other's divided by
`divide_by`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import polars as pl

from scoring.explain.twins import shown_as, twins
from scoring.modeling.bundle import IMPORTANCE_FILE, SHAP_FILE

SHAP_PREFIX = "SHAP__"
LOW_QUANTILE, HIGH_QUANTILE = 0.1, 0.9
DIGITS = 4  # significant digits of what is drawn: a figure shows no more, and the payload halves


def rounded(value: float, digits: int = DIGITS) -> float:
    """`value` to `digits` significant digits."""
    return float(f"{value:.{digits}g}")


@dataclass(frozen=True)
class Quantity:
    """A shown feature: the model features it stands for, its importance, values and contributions."""

    feature: str
    members: tuple[str, ...]
    mean_abs_shap: float
    gain: float | None
    values: np.ndarray  # NaN where missing; empty when the sample lacks the features
    shap: np.ndarray


def _values(feature: str, members: tuple[str, ...], sample: pl.DataFrame) -> np.ndarray:
    source = feature if feature in members else members[0]
    values = sample[source].cast(pl.Float64).fill_null(np.nan).to_numpy()
    return values if source == feature else values / twins()[source].divide_by


def quantities(importance: list[dict], sample: pl.DataFrame) -> list[Quantity]:
    """Every shown feature, twins merged, most important first (mean |SHAP| over the sample)."""
    groups: dict[str, list[dict]] = {}
    for entry in importance:
        groups.setdefault(shown_as(entry["feature"]), []).append(entry)
    found = []
    for feature, entries in groups.items():
        members = tuple(e["feature"] for e in entries)
        gains = [e.get("gain") for e in entries]
        gain = None if any(g is None for g in gains) else float(sum(gains))
        if all(f"{SHAP_PREFIX}{m}" in sample.columns and m in sample.columns for m in members):
            shap = np.sum([sample[f"{SHAP_PREFIX}{m}"].to_numpy() for m in members], axis=0)
            values = _values(feature, members, sample)
            importance_value = float(np.abs(shap).mean()) if len(shap) else 0.0
        else:
            shap, values = np.empty(0), np.empty(0)
            importance_value = float(sum(e["mean_abs_shap"] for e in entries))
        found.append(Quantity(feature, members, importance_value, gain, values, shap))
    return sorted(found, key=lambda q: -q.mean_abs_shap)


def value_ranks(values: np.ndarray) -> np.ndarray:
    """Each known value's rank in [0, 1] (NaN where missing): the colour of a beeswarm dot."""
    known = ~np.isnan(values)
    ranks = np.full(len(values), np.nan)
    count = int(known.sum())
    if count > 1:
        ranks[known] = values[known].argsort().argsort() / (count - 1)
    elif count:
        ranks[known] = 0.5
    return ranks


@dataclass(frozen=True)
class BeeswarmRow:
    """Clients of a feature per SHAP bin: how many, the mean rank of their known values, how many missing."""

    feature: str
    counts: list[int]
    value_rank: list[float | None]
    missing: list[int]


@dataclass(frozen=True)
class DependenceBin:
    """Clients whose value is in [low, high]: their contribution's mean and 10th-90th percentiles."""

    low: float
    high: float
    clients: int
    mean_shap: float
    low_shap: float
    high_shap: float


@dataclass(frozen=True)
class Dependence:
    feature: str
    bins: list[DependenceBin]
    missing_clients: int
    missing_mean_shap: float | None


@dataclass(frozen=True)
class GlobalSummary:
    clients: int
    importance: list[Quantity]
    edges: list[float]
    beeswarm: list[BeeswarmRow]
    dependence: list[Dependence]


def shap_edges(shown: list[Quantity], bins: int) -> np.ndarray:
    """Equal-width SHAP bins shared by every row, over the shown features' contributions."""
    values = np.concatenate([q.shap for q in shown]) if shown else np.empty(0)
    low, high = (float(values.min()), float(values.max())) if len(values) else (-1.0, 1.0)
    if high - low < 1e-9:
        low, high = low - 0.5, high + 0.5
    return np.linspace(low, high, bins + 1)


def beeswarm_row(quantity: Quantity, edges: np.ndarray) -> BeeswarmRow:
    index = np.clip(np.searchsorted(edges, quantity.shap, side="right") - 1, 0, len(edges) - 2)
    size = len(edges) - 1
    ranks = value_ranks(quantity.values)
    known = ~np.isnan(ranks)
    counts = np.bincount(index, minlength=size)
    known_counts = np.bincount(index[known], minlength=size)
    rank_sums = np.bincount(index[known], weights=ranks[known], minlength=size)
    mean_rank = [rounded(s / c, 3) if c else None for s, c in zip(rank_sums, known_counts, strict=True)]
    return BeeswarmRow(quantity.feature, counts.tolist(), mean_rank, (counts - known_counts).tolist())


def _bin(values: np.ndarray, shap: np.ndarray) -> DependenceBin:
    low_shap, high_shap = np.quantile(shap, [LOW_QUANTILE, HIGH_QUANTILE])
    return DependenceBin(
        rounded(values.min(), 6), rounded(values.max(), 6), len(values), rounded(shap.mean()),
        rounded(low_shap), rounded(high_shap),
    )  # fmt: skip


def dependence(quantity: Quantity, value_bins: int) -> Dependence:
    """The contribution against the value: one bin per distinct value when there are few (codes, flags,
    counts), else bins of equal client counts."""
    known = ~np.isnan(quantity.values)
    values, shap = quantity.values[known], quantity.shap[known]
    distinct = np.unique(values)
    if len(distinct) <= value_bins:
        index = np.searchsorted(distinct, values)
    else:
        cuts = np.unique(np.quantile(values, np.linspace(0, 1, value_bins + 1))[1:-1])
        index = np.searchsorted(cuts, values, side="right")
    bins = [_bin(values[index == i], shap[index == i]) for i in np.unique(index)]
    missing = quantity.shap[~known]
    return Dependence(quantity.feature, bins, len(missing), float(missing.mean()) if len(missing) else None)


def global_summary(
    importance: list[dict], sample: pl.DataFrame, top: int, bins: int, value_bins: int
) -> GlobalSummary:
    """Importance of every shown feature; SHAP bins and dependence curves of the `top` most important."""
    found = quantities(importance, sample)
    shown = [q for q in found if len(q.shap)][:top]
    edges = shap_edges(shown, bins)
    return GlobalSummary(
        clients=sample.height,
        importance=found,
        edges=[rounded(e, 6) for e in edges],
        beeswarm=[beeswarm_row(q, edges) for q in shown],
        dependence=[dependence(q, value_bins) for q in shown],
    )


@lru_cache(maxsize=8)
def bundle_summary(bundle_dir: Path, top: int, bins: int, value_bins: int) -> GlobalSummary:
    """`global_summary` of a bundle's importance and SHAP sample, computed once per bundle and settings."""
    importance = json.loads((bundle_dir / IMPORTANCE_FILE).read_text(encoding="utf-8"))
    return global_summary(importance, pl.read_parquet(bundle_dir / SHAP_FILE), top, bins, value_bins)
