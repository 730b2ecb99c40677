"""Monotonicity along the policy's levers, end to end: raw application fields moved, features recomputed by
the feature layer, probability of default from the served (calibrated) model.

For each client, the lever's fields are multiplied together by each factor of a grid (``0.5`` to ``3`` in 12
steps by default); the other features of the client stay as stored. Along the grid, the probability must move
in the lever's direction times the sign of the fields' values (``DAYS_EMPLOYED`` is negative: multiplying it
by a larger factor means a longer employment). A step against that direction by more than ``TOLERANCE`` is a
violation. Clients whose fields are missing or zero are skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from scoring.data.interim import read_interim
from scoring.features.monotone import Lever

FACTORS = tuple(np.linspace(0.5, 3.0, 12).tolist())
TOLERANCE = 1e-9
Rescore = Callable[[np.ndarray, Sequence[Mapping[str, object]]], np.ndarray]


@dataclass(frozen=True)
class LeverCheck:
    """Violations of one lever over the clients checked."""

    lever: Lever
    clients: int
    steps: int
    violations: int
    clients_violated: int
    largest_drop: float

    def describe(self) -> str:
        return (
            f"{self.lever.name} ({' & '.join(self.lever.fields)}, x{FACTORS[0]:g} -> x{FACTORS[-1]:g}): "
            f"{self.violations} violation(s) in {self.steps:,} steps over {self.clients:,} clients"
            + (f", largest move against the policy {self.largest_drop:.3g}" if self.violations else "")
        )


def _sign(application: Mapping[str, object], fields: tuple[str, ...]) -> int:
    """+1 / -1 when every field is a non-zero number of that sign, 0 otherwise (client skipped)."""
    values = [application.get(f) for f in fields]
    if any(not isinstance(v, int | float) or not np.isfinite(v) or v == 0 for v in values):
        return 0
    signs = {int(np.sign(v)) for v in values}
    return signs.pop() if len(signs) == 1 else 0


def check_lever(
    lever: Lever,
    vectors: np.ndarray,
    applications: Sequence[Mapping[str, object]],
    rescore: Rescore,
    factors: Sequence[float] = FACTORS,
) -> LeverCheck:
    """Probabilities of each client along the lever's grid; count the steps against the policy.

    ``rescore(X, rows)`` recomputes the application features of the rows of ``X`` from the raw ``rows`` and
    returns the calibrated probabilities.
    """
    clients = steps = violations = violated = 0
    largest = 0.0
    for vector, application in zip(vectors, applications, strict=True):
        sign = _sign(application, lever.fields)
        if sign == 0:
            continue
        rows = [{**application, **{f: float(application[f]) * k for f in lever.fields}} for k in factors]
        probability = rescore(np.repeat(vector[None, :], len(rows), axis=0), rows)
        moves = np.diff(probability) * lever.direction * sign
        against = moves < -TOLERANCE
        clients += 1
        steps += len(moves)
        violations += int(against.sum())
        violated += int(against.any())
        largest = max(largest, float(-moves.min(initial=0.0)))
    return LeverCheck(lever, clients, steps, violations, violated, largest if violations else 0.0)


def stored_applications(interim_dir: Path, ids: Sequence[int]) -> list[dict[str, object] | None]:
    """The ingested application rows (normalised Kaggle fields) of clients ``ids``, in that order (None when
    a client has no row)."""
    wanted = pl.Series("SK_ID_CURR", list(ids), dtype=pl.Int64)
    rows: dict[int, dict[str, object]] = {}
    for table in ("application_train", "application_test"):
        frame = read_interim(interim_dir, table)
        if frame is None:
            continue
        for row in frame.filter(pl.col("SK_ID_CURR").is_in(wanted.implode())).iter_rows(named=True):
            rows.setdefault(int(row["SK_ID_CURR"]), row)
    return [rows.get(int(i)) for i in ids]
