"""Raw table files: find them in a directory (CSV or Parquet) and read them with the schema's types.

A table given both as `<name>.parquet` and `<name>.csv` is read from the Parquet file (typed, faster);
the CSV is ignored with a warning.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from scoring.data.schema import Table
from scoring.data.validate import TableError, missing_columns, value_problems

CSV_FIRST_ROW = 2
PARQUET_FIRST_ROW = 1


@dataclass(frozen=True)
class RawTable:
    """A table as read: the schema columns present, the ignored extra columns, and the first row number."""

    frame: pl.DataFrame
    extra_columns: list[str]
    first_row: int


def find_source(raw_dir: Path, name: str) -> tuple[Path | None, list[str]]:
    """The file of table `name` in `raw_dir` (Parquet preferred over CSV) and warnings about the choice."""
    parquet, csv = raw_dir / f"{name}.parquet", raw_dir / f"{name}.csv"
    if parquet.is_file() and csv.is_file():
        return parquet, [f"{csv.name}: ignored, {parquet.name} is read instead"]
    return next((p for p in (parquet, csv) if p.is_file()), None), []


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def _columns(table: Table, header: list[str]) -> tuple[list[str], list[str]]:
    """The schema columns to read (schema order) and the extra ones; TableError when some are missing."""
    missing = missing_columns(table, header)
    if missing:
        raise TableError([f"missing required column(s): {', '.join(missing)}"])
    known = set(table.column_names)
    return table.column_names, [name for name in header if name not in known]


def _read_csv(table: Table, path: Path) -> RawTable:
    try:
        header = pl.read_csv(path, n_rows=0, infer_schema=False).columns
    except pl.exceptions.NoDataError:
        raise TableError(["file is empty"]) from None
    except pl.exceptions.PolarsError as error:
        raise TableError([f"cannot be read as CSV: {_first_line(error)}"]) from None
    columns, extra = _columns(table, header)
    numbers = {c.name: pl.Float64 for c in table.columns if c.numeric}
    try:
        frame = pl.read_csv(path, columns=columns, infer_schema=False, schema_overrides=numbers)
    except pl.exceptions.PolarsError as error:
        raise _explain_csv_failure(table, path, columns, error) from None
    return RawTable(frame, extra, CSV_FIRST_ROW)


def _explain_csv_failure(table: Table, path: Path, columns: list[str], error: Exception) -> TableError:
    """Locate the values that made the typed read fail, by re-reading the file as text."""
    try:
        text = pl.scan_csv(path, infer_schema=False).select(columns)
        problems = value_problems(table, text, CSV_FIRST_ROW)
    except pl.exceptions.PolarsError:
        problems = []
    return TableError(problems or [f"cannot be read as CSV: {_first_line(error)}"])


def _read_parquet(table: Table, path: Path) -> RawTable:
    try:
        header = list(pl.read_parquet_schema(path))
        columns, extra = _columns(table, header)
        frame = pl.read_parquet(path, columns=columns)
    except pl.exceptions.PolarsError as error:
        raise TableError([f"cannot be read as Parquet: {_first_line(error)}"]) from None
    return RawTable(frame, extra, PARQUET_FIRST_ROW)


def read_source(table: Table, path: Path) -> RawTable:
    """Read the schema columns of `table` from `path` (numbers typed, text as strings); TableError if bad."""
    if path.stat().st_size == 0:
        raise TableError(["file is empty"])
    raw = _read_parquet(table, path) if path.suffix == ".parquet" else _read_csv(table, path)
    if raw.frame.is_empty():
        raise TableError(["file is empty (no data rows)"])
    return raw
