"""Hand-built normalised tables (the ingestion contract), for feature tests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import polars as pl

from scoring.data.schema import APPLICATION_TEST, CAT, FLOAT, TABLES, TARGET

_TYPES = {CAT: pl.String, FLOAT: pl.Float64}


def table_schema(table: str) -> dict[str, pl.DataType]:
    """Column -> dtype of a normalised table; "application" has DAYS_EMPLOYED_ANOM and no TARGET."""
    columns = APPLICATION_TEST.columns if table == "application" else TABLES[table].columns
    schema = {c.name: _TYPES.get(c.kind, pl.Int64) for c in columns}
    if table == "application":
        schema["DAYS_EMPLOYED_ANOM"] = pl.Int8
    return schema


def frame(table: str, rows: Sequence[Mapping[str, object]]) -> pl.DataFrame:
    """A normalised frame of `table` holding `rows`; columns not given are null."""
    schema = table_schema(table)
    if table == "application" and any(TARGET in row for row in rows):
        schema = {"SK_ID_CURR": pl.Int64, TARGET: pl.Int64, **schema}
    filled = [{name: row.get(name) for name in schema} for row in rows]
    return pl.DataFrame(filled, schema=schema)


def application(*clients: int, **values: object) -> pl.DataFrame:
    """Application rows of these clients, all with the same `values` (DAYS_EMPLOYED_ANOM 0 by default)."""
    return frame("application", [{"DAYS_EMPLOYED_ANOM": 0, **values, "SK_ID_CURR": c} for c in clients])


def write_interim(directory: Path, tables: Mapping[str, pl.DataFrame]) -> Path:
    """Write frames as data/interim/<table>.parquet files; returns the directory."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        table.write_parquet(directory / f"{name}.parquet")
    return directory
