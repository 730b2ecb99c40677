"""Typed, cleaned tables: schema casts plus the known quirks of the raw Home Credit data.

Output contract: columns in schema order; key -> Int64 (never null), int -> Int64, float -> Float64 (NaN
becomes null), cat -> String (empty, "XNA" and "XAP" become null). Application tables: DAYS_EMPLOYED =
365243 becomes null and DAYS_EMPLOYED_ANOM (Int8, 1 where it was 365243, else 0) is appended.
previous_application: the 365243 placeholder in its five DAYS_* date columns becomes null (no flag).
"""

from __future__ import annotations

import polars as pl

from scoring.data.schema import CAT, DAYS_EMPLOYED_ANOMALY, FLOAT, MISSING_TOKENS, TABLES, Column, Table
from scoring.data.validate import TableError, missing_columns, parsed_number, value_problems

ANOMALY_FLAG = "DAYS_EMPLOYED_ANOM"
APPLICATION_TABLES = ("application_train", "application_test")
PREVIOUS_DAY_COLUMNS = (
    "DAYS_FIRST_DRAWING",
    "DAYS_FIRST_DUE",
    "DAYS_LAST_DUE_1ST_VERSION",
    "DAYS_LAST_DUE",
    "DAYS_TERMINATION",
)


def _typed(column: Column, dtype: pl.DataType) -> pl.Expr:
    """The column cast to its contract type."""
    if column.kind == CAT:
        text = pl.col(column.name).cast(pl.String)
        return pl.when(text.is_in([*MISSING_TOKENS, ""])).then(None).otherwise(text).alias(column.name)
    if dtype.is_integer() and column.kind != FLOAT:
        return pl.col(column.name).cast(pl.Int64)
    number = parsed_number(column, dtype).fill_nan(None)
    return number if column.kind == FLOAT else number.cast(pl.Int64)


def _anomaly_to_null(name: str) -> pl.Expr:
    return pl.when(pl.col(name) == DAYS_EMPLOYED_ANOMALY).then(None).otherwise(pl.col(name)).alias(name)


def _fix_quirks(table: str, frame: pl.DataFrame) -> pl.DataFrame:
    """Replace the 365243 'no date' placeholder by null (with a flag for DAYS_EMPLOYED)."""
    if table in APPLICATION_TABLES:
        flag = (pl.col("DAYS_EMPLOYED") == DAYS_EMPLOYED_ANOMALY).fill_null(False).cast(pl.Int8)
        return frame.with_columns(_anomaly_to_null("DAYS_EMPLOYED"), flag.alias(ANOMALY_FLAG))
    if table == "previous_application":
        return frame.with_columns(_anomaly_to_null(name) for name in PREVIOUS_DAY_COLUMNS)
    return frame


def normalise(table: str | Table, frame: pl.DataFrame, *, first_row: int = 1) -> pl.DataFrame:
    """Cast a raw frame of `table` to the contract types and fix the quirks; raise TableError on bad values.

    Every schema column must be present (extra columns are dropped); values may be strings or numbers.
    Problems name the column, the count of bad rows and the first one, counted from `first_row`.
    """
    spec = TABLES[table] if isinstance(table, str) else table
    missing = missing_columns(spec, frame.columns)
    if missing:
        raise TableError([f"missing required column(s): {', '.join(missing)}"])
    problems = value_problems(spec, frame.lazy(), first_row)
    if problems:
        raise TableError(problems)
    typed = frame.select(_typed(c, frame.schema[c.name]) for c in spec.columns)
    return _fix_quirks(spec.name, typed)
