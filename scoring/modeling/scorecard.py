"""The scorecard as served: bins, weights of evidence, a logistic regression and points, in plain numbers.

Each characteristic (feature) is cut into bins (numeric: ``[-inf, s0), [s0, s1), ..., [sk, inf)`` plus a bin
for missing values; categorical: groups of codes, unseen codes count as the average client). Each bin has a
weight of evidence oriented to risk, ``woe = ln(share of defaulters in the bin / share of repaid clients)``
(smoothed towards 0 for small bins), and the raw score is ``intercept + sum_j beta_j * woe_j`` with
``beta_j >= 0``: a characteristic moves the risk in the direction of its bins' default rates, which follow
the monotone policy where it declares a direction. Contributions are exact: characteristic j adds
``beta_j * (woe_j - mean woe_j)`` log-odds to the base value ``intercept + sum_j beta_j * mean woe_j``.

Points use PDO scaling: ``score = offset + factor * ln(odds of repaying)``, ``factor = pdo / ln 2``, the
offset putting ``base_points`` at odds ``base_odds``; each bin's points are ``-factor * beta_j * woe`` plus an
equal share of the intercept's points, so a client's points add up to the score. This module needs numpy
only (the API serves it); fitting, with OptBinning, is in ``scorecard_fit``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

PDO = 20.0
BASE_POINTS = 600.0
BASE_ODDS = 50.0
NUMERIC = "numeric"
CATEGORICAL = "categorical"


@dataclass(frozen=True)
class Characteristic:
    """One feature's bins: numeric splits or categorical code groups, the WoE of each bin and of missing."""

    name: str
    kind: str
    splits: tuple[float, ...]
    groups: tuple[tuple[float, ...], ...]
    woe: tuple[float, ...]
    missing_woe: float
    beta: float
    mean_woe: float
    bins: tuple[dict, ...] = ()  # per bin (then missing): label, count, defaults, default_rate

    @property
    def n_bins(self) -> int:
        return len(self.splits) + 1 if self.kind == NUMERIC else len(self.groups)

    def bin_of(self, x: np.ndarray) -> np.ndarray:
        """Bin of each value: 0..n_bins-1, n_bins for missing values, -1 for a category never seen."""
        values = np.asarray(x, dtype=np.float64)
        index = np.full(values.shape, self.n_bins)
        present = np.isfinite(values)
        if self.kind == NUMERIC:
            index[present] = np.searchsorted(np.asarray(self.splits), values[present], side="right")
            return index
        lookup = {code: i for i, group in enumerate(self.groups) for code in group}
        index[present] = [lookup.get(float(v), -1) for v in values[present]]
        return index

    def woe_of(self, x: np.ndarray) -> np.ndarray:
        """WoE of each value (an unseen category counts as the average client)."""
        table = np.array([*self.woe, self.missing_woe, self.mean_woe])
        index = self.bin_of(x)
        return table[np.where(index < 0, self.n_bins + 1, index)]

    def bin_labels(self) -> list[str]:
        if self.kind == CATEGORICAL:
            return ["codes " + ", ".join(f"{c:g}" for c in group) for group in self.groups]
        edges = [-math.inf, *self.splits, math.inf]
        return [f"[{lo:.6g}, {hi:.6g})" for lo, hi in zip(edges[:-1], edges[1:], strict=True)]

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "kind": self.kind,
            "splits": list(self.splits),
            "groups": [list(g) for g in self.groups],
            "woe": list(self.woe),
            "missing_woe": self.missing_woe,
            "beta": self.beta,
            "mean_woe": self.mean_woe,
            "bins": list(self.bins),
        }

    @classmethod
    def from_dict(cls, data: dict) -> Characteristic:
        return cls(
            name=data["name"],
            kind=data["kind"],
            splits=tuple(float(s) for s in data["splits"]),
            groups=tuple(tuple(float(c) for c in g) for g in data["groups"]),
            woe=tuple(float(w) for w in data["woe"]),
            missing_woe=float(data["missing_woe"]),
            beta=float(data["beta"]),
            mean_woe=float(data["mean_woe"]),
            bins=tuple(data.get("bins", ())),
        )


@dataclass(frozen=True)
class Scorecard:
    """Characteristics in model order and the logistic intercept."""

    characteristics: tuple[Characteristic, ...]
    intercept: float

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.characteristics]

    @property
    def base_value(self) -> float:
        return self.intercept + sum(c.beta * c.mean_woe for c in self.characteristics)

    def woe(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X)
        return np.column_stack([c.woe_of(X[:, j]) for j, c in enumerate(self.characteristics)])

    def contributions(self, X: np.ndarray) -> np.ndarray:
        """Log-odds each characteristic adds to the base value (rows x characteristics)."""
        beta = np.array([c.beta for c in self.characteristics])
        mean = np.array([c.mean_woe for c in self.characteristics])
        return (self.woe(X) - mean) * beta

    def raw_score(self, X: np.ndarray) -> np.ndarray:
        return self.contributions(X).sum(axis=1) + self.base_value

    def points_table(self, labels: dict[str, str] | None = None) -> list[dict]:
        """One row per bin (and missing) of each characteristic: its points under PDO scaling."""
        labels = labels or {}
        factor = PDO / math.log(2)
        offset = BASE_POINTS - factor * math.log(BASE_ODDS)
        share = (offset - factor * self.intercept) / max(len(self.characteristics), 1)
        rows = []
        for c in self.characteristics:
            names = [*c.bin_labels(), "missing"]
            for i, (name, woe) in enumerate(zip(names, [*c.woe, c.missing_woe], strict=True)):
                stats = c.bins[i] if i < len(c.bins) else {}
                rows.append(
                    {
                        "feature": c.name,
                        "label": labels.get(c.name, c.name),
                        "bin": name,
                        "clients": stats.get("count"),
                        "default_rate": stats.get("default_rate"),
                        "woe": woe,
                        "points": round(share - factor * c.beta * woe, 1),
                    }
                )
        return rows

    def to_dict(self) -> dict:
        return {
            "characteristics": [c.to_dict() for c in self.characteristics],
            "intercept": self.intercept,
            "pdo": PDO,
            "base_points": BASE_POINTS,
            "base_odds": BASE_ODDS,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Scorecard:
        return cls(
            tuple(Characteristic.from_dict(c) for c in data["characteristics"]), float(data["intercept"])
        )
