"""What the offer reads of stored clients, loaded once: their application rows and their existing instalments.

The application rows are the ingested Kaggle rows (as `ScoringService.raw_application` reads them, without a
file scan per request). The existing instalments of a client are the sum of AMT_ANNUITY over the client's
ACTIVE credit-bureau credits that give one (monthly, like the application's annuity), with the number of
active credits and of those without an annuity (counted as 0: the bureau does not say).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from scoring.serving.facts import APPLICATION_TABLES

BUREAU = "bureau"
ACTIVE = "Active"


@dataclass(frozen=True)
class Existing:
    """Monthly instalments already owed, from where, over how many active credits (and how many lack one)."""

    instalments: float
    source: str
    credits: int = 0
    without_annuity: int = 0


NONE_KNOWN = Existing(0.0, "none")


def existing_from_rows(rows: Sequence[Mapping[str, object]] | None) -> Existing:
    """Existing instalments of posted bureau rows (none posted: 0, source "none")."""
    if not rows:
        return NONE_KNOWN
    active = [r for r in rows if r.get("CREDIT_ACTIVE") == ACTIVE]
    annuities = [float(r["AMT_ANNUITY"]) for r in active if r.get("AMT_ANNUITY") is not None]  # type: ignore[arg-type]
    return Existing(sum(annuities), BUREAU, len(active), len(active) - len(annuities))


def _float(value: object) -> float:
    return float("nan") if value is None else float(value)  # type: ignore[arg-type]


class OfferData:
    """Application rows by client ID and existing instalments by client ID, read on first use."""

    def __init__(self, interim_dir: Path) -> None:
        self.interim_dir = interim_dir
        self._lock = threading.Lock()
        self._frames: list[pl.DataFrame] | None = None
        self._rows: dict[int, tuple[int, int]] = {}
        self._existing: dict[int, Existing] = {}

    def _load(self) -> list[pl.DataFrame]:
        with self._lock:
            if self._frames is None:
                frames = []
                for table in APPLICATION_TABLES:
                    path = self.interim_dir / f"{table}.parquet"
                    if path.exists():
                        frame = pl.read_parquet(path)
                        for i, client in enumerate(frame["SK_ID_CURR"].to_list()):
                            self._rows.setdefault(int(client), (len(frames), i))
                        frames.append(frame)
                self._existing = self._bureau()
                self._frames = frames
            return self._frames

    def _bureau(self) -> dict[int, Existing]:
        path = self.interim_dir / f"{BUREAU}.parquet"
        if not path.exists():
            return {}
        sums = (
            pl.scan_parquet(path)
            .filter(pl.col("CREDIT_ACTIVE") == ACTIVE)
            .group_by("SK_ID_CURR")
            .agg(
                pl.col("AMT_ANNUITY").sum().alias("sum"),
                pl.len().alias("credits"),
                pl.col("AMT_ANNUITY").null_count().alias("missing"),
            )
            .collect()
        )
        return {int(c): Existing(float(s or 0.0), BUREAU, int(n), int(m)) for c, s, n, m in sums.iter_rows()}

    def application(self, client_id: int) -> dict[str, object] | None:
        """The ingested application row of a stored client, or None."""
        frames = self._load()
        found = self._rows.get(int(client_id))
        return None if found is None else frames[found[0]].row(found[1], named=True)

    def loans(self, client_ids: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        """(AMT_CREDIT, AMT_ANNUITY) of stored clients, NaN where unknown."""
        frames = self._load()
        credit, annuity = np.full(len(client_ids), np.nan), np.full(len(client_ids), np.nan)
        for k, client in enumerate(client_ids):
            found = self._rows.get(int(client))
            if found is not None:
                row = frames[found[0]].row(found[1], named=True)
                credit[k], annuity[k] = _float(row.get("AMT_CREDIT")), _float(row.get("AMT_ANNUITY"))
        return credit, annuity

    def existing(self, client_id: int) -> Existing:
        """The client's existing instalments from the bureau (none known when it has no bureau rows)."""
        self._load()
        return self._existing.get(int(client_id), Existing(0.0, BUREAU) if self._has_bureau() else NONE_KNOWN)

    def _has_bureau(self) -> bool:
        return (self.interim_dir / f"{BUREAU}.parquet").exists()
