"""Reference statistics of the training features (for drift checks and the dashboard's ranges)."""

from __future__ import annotations

import numpy as np
import polars as pl

QUANTILES = {"q01": 0.01, "q05": 0.05, "q25": 0.25, "q50": 0.5, "q75": 0.75, "q95": 0.95, "q99": 0.99}


def _stat_exprs(name: str) -> list[pl.Expr]:
    col = pl.col(name).fill_nan(None)
    exprs = [
        col.mean().alias(f"{name}|mean"),
        col.std().alias(f"{name}|std"),
        col.min().alias(f"{name}|min"),
        col.max().alias(f"{name}|max"),
        col.null_count().truediv(pl.len()).alias(f"{name}|missing_share"),
    ]
    return exprs + [col.quantile(q, "linear").alias(f"{name}|{key}") for key, q in QUANTILES.items()]


def reference_stats(X: np.ndarray, names: list[str]) -> dict[str, dict[str, float | None]]:
    """Per feature: mean, std, min, max, quantiles and share of missing values (NaN = missing)."""
    frame = pl.from_numpy(X, schema=names)
    row = frame.select([e for n in names for e in _stat_exprs(n)]).row(0, named=True)
    stats: dict[str, dict[str, float | None]] = {n: {} for n in names}
    for key, value in row.items():
        name, stat = key.rsplit("|", 1)
        stats[name][stat] = None if value is None else float(value)
    return stats
