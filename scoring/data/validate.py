"""Checks of one raw table against the schema; each problem is one readable line without the file name.

Rows are numbered from `first_row`: ingestion passes 2 for CSV (header = line 1, so the first data row is
row 2) and 1 for Parquet and in-memory frames (the first data row is row 1).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import polars as pl

from scoring.data.schema import CAT, FLOAT, KEY, TARGET, Column, Table
from scoring.errors import ScoringError

_ROW = "__row__"


class TableError(ScoringError, ValueError):
    """Values of one table that break the schema: one line per problem."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


def missing_columns(table: Table, names: Iterable[str]) -> list[str]:
    """Schema columns absent from `names`, in schema order."""
    present = set(names)
    return [name for name in table.column_names if name not in present]


def parsed_number(column: Column, dtype: pl.DataType) -> pl.Expr:
    """The column as Float64 (strings stripped and parsed leniently: unparsable values become null)."""
    expr = pl.col(column.name)
    if dtype == pl.String:
        return expr.str.strip_chars().cast(pl.Float64, strict=False)
    return expr.cast(pl.Float64)


def _checks(table: Table, schema: pl.Schema) -> list[tuple[str, str, pl.Expr]]:
    """(column, what is wrong, mask of the bad rows) for every numeric column of the table."""
    checks = []
    for column in (c for c in table.columns if c.numeric):
        dtype = schema[column.name]
        number = parsed_number(column, dtype).fill_nan(None)
        unparsable = pl.lit(False)
        if dtype == pl.String:
            unparsable = (pl.col(column.name).str.strip_chars() != "").fill_null(False) & number.is_null()
            checks.append((column.name, "with a non-numeric value", unparsable))
        if column.kind != FLOAT and not dtype.is_integer():
            whole = (number == number.round(0)) & number.is_finite()
            checks.append((column.name, "with a non-integer value", number.is_not_null() & ~whole))
        if column.kind == KEY:
            checks.append((column.name, "with a missing key", number.is_null() & ~unparsable))
        if column.name == TARGET:
            outside = ~number.is_in([0.0, 1.0]).fill_null(False)
            checks.append((column.name, "not 0/1", outside & ~unparsable))
    return [(name, what, mask.fill_null(False)) for name, what, mask in checks]


def _shown(value: object) -> str:
    """A bad value as it reads in the file: integral floats without their '.0'."""
    if isinstance(value, float) and value.is_integer():
        return repr(str(int(value)))
    return repr("" if value is None else str(value))


def value_problems(table: Table, frame: pl.LazyFrame, first_row: int = 1) -> list[str]:
    """Non-numeric, non-integer and missing-key values, and TARGET outside 0/1, with counts and first row."""
    checks = _checks(table, frame.collect_schema())
    if not checks:
        return []
    aggregates = []
    for i, (name, _, mask) in enumerate(checks):
        aggregates += [
            mask.sum().alias(f"n{i}"),
            pl.col(_ROW).filter(mask).first().alias(f"row{i}"),
            pl.col(name).filter(mask).first().alias(f"value{i}"),
        ]
    found = frame.with_row_index(_ROW).select(aggregates).collect(engine="streaming").row(0, named=True)
    return [
        f"column {name}: {found[f'n{i}']:,} rows {what} "
        f"(first at row {found[f'row{i}'] + first_row}: {_shown(found[f'value{i}'])})"
        for i, (name, what, _) in enumerate(checks)
        if found[f"n{i}"]
    ]


def _key_text(names: Sequence[str], values: dict[str, object]) -> str:
    if len(names) == 1:
        return str(values[names[0]])
    return "(" + ", ".join(f"{n}={values[n]}" for n in names) + ")"


def duplicate_keys(table: Table, frame: pl.DataFrame) -> str | None:
    """The duplicate primary key problem of the table (smallest repeated key as example), or None."""
    names = list(table.primary_key)
    if not names:
        return None
    ordered = frame.select(names).sort(names)
    repeats = ordered.filter(pl.all_horizontal(pl.col(n) == pl.col(n).shift(1) for n in names))
    if repeats.is_empty():
        return None
    label = "column" if len(names) == 1 else "columns"
    distinct = repeats.n_unique()
    return (
        f"{label} {', '.join(names)}: {distinct:,} duplicate primary key values "
        f"over {repeats.height + distinct:,} rows (e.g. {_key_text(names, repeats.row(0, named=True))})"
    )


def unknown_levels(table: Table, frame: pl.DataFrame) -> list[str]:
    """Warnings for categorical values outside the schema's levels (kept as they are), with counts."""
    columns = [c for c in table.columns if c.kind == CAT and c.levels]
    masks = {c.name: pl.col(c.name).is_not_null() & ~pl.col(c.name).is_in(c.levels) for c in columns}
    if not masks:
        return []
    counts = frame.select(mask.sum().alias(name) for name, mask in masks.items()).row(0, named=True)
    warnings = []
    for name, count in counts.items():
        if count:
            seen = frame.get_column(name).filter(frame.select(masks[name]).to_series())
            counted = seen.value_counts().sort(["count", name], descending=[True, False])
            examples = ", ".join(repr(v) for v in counted.get_column(name).head(3))
            warnings.append(f"column {name}: {count:,} rows with a level not in the schema (e.g. {examples})")
    return warnings


def orphan_count(frame: pl.DataFrame, column: str, parent_keys: pl.Series) -> int:
    """Rows whose foreign key `column` is absent from the parent's keys."""
    return int(frame.select((~pl.col(column).is_in(parent_keys.implode())).sum()).item())
