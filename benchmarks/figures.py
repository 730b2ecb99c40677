"""The figures a benchmark measured, kept as data (benchmarks/figures/<bench>.json) for the benchmark page.

Each benchmark records its rows when it runs (`record`); a row is replaced by the next run that measures it
and keeps the date, the machine's cores and its load average at that time, so a figure taken while other jobs
shared the cores is marked on the page. `docs/benchmarks.md` is generated from these files
(`python -m benchmarks.page`), never edited by hand.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from scoring.io import write_json_atomic

FIGURES = Path(__file__).resolve().parent / "figures"
BUSY = 1.5  # load average per core above which a wall time is an upper bound


@dataclass(frozen=True)
class Figure:
    """One row of the benchmark table: a stable key, what was measured, the figures, the target; once
    recorded, the date, the cores and the load average then (None when not known), and whether other jobs
    shared the cores (the row's wall times are then upper bounds)."""

    key: str
    step: str
    measured: str
    target: str = "printed"
    on: str = ""
    cores: int = 0
    load: float | None = None
    shared: bool = False


def machine() -> tuple[str, int, float]:
    """Today's date, the cores this process may use and the 1-minute load average."""
    return datetime.now(UTC).date().isoformat(), len(os.sched_getaffinity(0)), os.getloadavg()[0]


def load(bench: str) -> list[Figure]:
    """The rows `bench` recorded last, in their order."""
    path = FIGURES / f"{bench}.json"
    if not path.exists():
        return []
    return [Figure(**row) for row in json.loads(path.read_text())]


def record(bench: str, figures: Sequence[Figure]) -> None:
    """Store `figures` as measured now: each replaces the row of the same key, new keys are appended."""
    on, cores, load_average = machine()
    busy = load_average / cores > BUSY
    fresh = {
        f.key: Figure(f.key, f.step, f.measured, f.target, on, cores, round(load_average, 1), busy)
        for f in figures
    }
    rows = [fresh.pop(row.key, row) for row in load(bench)] + list(fresh.values())
    FIGURES.mkdir(exist_ok=True)
    path = write_json_atomic(FIGURES / f"{bench}.json", [asdict(row) for row in rows])
    print(f"recorded {len(figures)} figure(s) in {path.relative_to(FIGURES.parent.parent)}")
