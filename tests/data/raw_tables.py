"""Valid raw tables of every Kaggle table, a few rows each, to break one way at a time in the tests."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from scoring.data.ingest import IngestError, ingest_tables
from scoring.data.schema import FLOAT, INT, KEY, TABLES, TARGET

ROWS = 4
FIRST_KEY = {"SK_ID_CURR": 100001, "SK_ID_BUREAU": 500001, "SK_ID_PREV": 900001}
Raw = dict[str, dict[str, list[str | None]]]


def _column(table: str, name: str, kind: str, levels: tuple[str, ...]) -> list[str | None]:
    """Valid text values: keys linking every child row to a parent row, small numbers, first levels."""
    if kind == KEY:
        start = FIRST_KEY[name] + (ROWS if (table, name) == ("application_test", "SK_ID_CURR") else 0)
        return [str(start + i) for i in range(ROWS)]
    if name == TARGET:
        return [str(i % 2) for i in range(ROWS)]
    if kind == INT:
        return [str(-i) for i in range(ROWS)]
    if kind == FLOAT:
        return [f"{i}.5" for i in range(ROWS)]
    return [levels[i % len(levels)] for i in range(ROWS)]


def valid_raw() -> Raw:
    """Text cells of all eight tables, consistent with the schema and with each other."""
    return {
        name: {c.name: _column(name, c.name, c.kind, c.levels) for c in table.columns}
        for name, table in TABLES.items()
    }


def write_raw(directory: Path, raw: Raw, tables: tuple[str, ...] | None = None) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name in tables or tuple(raw):
        frame = pl.DataFrame(raw[name], schema=dict.fromkeys(raw[name], pl.String))
        frame.write_csv(directory / f"{name}.csv")
    return directory


def ingest_error(raw_dir: Path, out_dir: Path) -> str:
    with pytest.raises(IngestError) as caught:
        ingest_tables(raw_dir, out_dir)
    return str(caught.value)
