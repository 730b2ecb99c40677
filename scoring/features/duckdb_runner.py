"""DuckDB runner: expose the normalised tables (Parquet files or in-memory frames) as the query's relations.

Every relation the feature query reads always exists: a table with no file or no frame becomes an empty
relation with the schema's columns, so its features come out as counts of 0 and missing values.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import duckdb
import polars as pl

from scoring.data.schema import APPLICATION_TEST, CAT, FLOAT, SECONDARY_TABLES, TABLES, TARGET, Column
from scoring.errors import ScoringError
from scoring.features.application import ANOMALY_FLAG
from scoring.features.expr import quote_ident as q
from scoring.features.expr import quote_str

APPLICATION = "application"
_SQL_TYPES = {CAT: "VARCHAR", FLOAT: "DOUBLE"}
_POLARS_TYPES = {CAT: pl.String, FLOAT: pl.Float64}


class FeatureError(ScoringError, ValueError):
    """The input tables cannot be turned into features (missing file or column, wrong type)."""


def connect(threads: int | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection (all cores unless `threads`); row order comes from ORDER BY."""
    config: dict[str, str | int | bool] = {"preserve_insertion_order": False}
    if threads:
        config["threads"] = threads
    con = duckdb.connect(config=config)
    con.execute("SET enable_progress_bar = false")
    return con


def application_columns() -> list[Column]:
    """Columns an application relation must have: the schema's (without TARGET) plus the anomaly flag."""
    return [*APPLICATION_TEST.columns, Column(ANOMALY_FLAG, "int")]


def required_columns(table: str) -> list[Column]:
    return application_columns() if table == APPLICATION else list(TABLES[table].columns)


def check_columns(table: str, where: str, present: list[str]) -> None:
    """Fail naming the file (or frame) and the columns when `table` lacks required columns."""
    missing = [c.name for c in required_columns(table) if c.name not in present]
    if missing:
        shown = ", ".join(missing[:10]) + (f" and {len(missing) - 10} more" if len(missing) > 10 else "")
        raise FeatureError(f"{where}: table {table} lacks column(s) {shown}")


def empty_select(table: str) -> str:
    """SELECT of no rows with the table's required columns and types (a table that has no file)."""
    columns = ", ".join(
        f"CAST(NULL AS {_SQL_TYPES.get(c.kind, 'BIGINT')}) AS {q(c.name)}" for c in required_columns(table)
    )
    return f"SELECT {columns} LIMIT 0"


def _empty_view(con: duckdb.DuckDBPyConnection, table: str) -> None:
    con.execute(f"CREATE OR REPLACE VIEW {q(table)} AS {empty_select(table)}")


def check_application(path: Path, split: str) -> None:
    """Fail naming the file when an application file lacks a required column (TARGET for train)."""
    columns = list(pl.read_parquet_schema(path))
    check_columns(APPLICATION, str(path), columns)
    if split == "train" and TARGET not in columns:
        raise FeatureError(f"{path}: application_train lacks column {TARGET}")


def _application_select(path: Path, split: str) -> str:
    """SELECT of one application file with TARGET (null for test rows), SPLIT, _PART and _ORD."""
    check_application(path, split)
    target = q(TARGET) if split == "train" else f"CAST(NULL AS BIGINT) AS {q(TARGET)}"
    keep = ", ".join(q(c.name) for c in application_columns())
    part = 0 if split == "train" else 1
    return (
        f'SELECT {keep}, {target}, \'{split}\' AS "SPLIT", {part} AS "_PART", file_row_number AS "_ORD" '
        f"FROM read_parquet({quote_str(str(path))}, file_row_number = true)"
    )


def _register_file(con: duckdb.DuckDBPyConnection, table: str, path: Path) -> bool:
    """A view over the table's Parquet file, or an empty view when there is none; True if there was."""
    if not path.exists():
        _empty_view(con, table)
        return False
    check_columns(table, str(path), list(pl.read_parquet_schema(path)))
    con.execute(f"CREATE VIEW {q(table)} AS SELECT * FROM read_parquet({quote_str(str(path))})")
    return True


def register_parquet(con: duckdb.DuckDBPyConnection, interim_dir: Path) -> list[str]:
    """Views over data/interim/<table>.parquet; returns the secondary tables that have no file."""
    train, test = interim_dir / "application_train.parquet", interim_dir / "application_test.parquet"
    if not train.exists():
        raise FeatureError(f"{train}: application_train is required; run `scoring ingest` first")
    selects = [_application_select(train, "train")]
    if test.exists():
        selects.append(_application_select(test, "test"))
    con.execute(f"CREATE VIEW {APPLICATION} AS " + " UNION ALL ".join(selects))
    return [t for t in SECONDARY_TABLES if not _register_file(con, t, interim_dir / f"{t}.parquet")]


def _typed(table: str, frame: pl.DataFrame) -> pl.DataFrame:
    """The frame's required columns cast to the ingestion types (Int64, Float64, String)."""
    check_columns(table, "in-memory frame", frame.columns)
    columns = []
    for column in required_columns(table):
        dtype = _POLARS_TYPES.get(column.kind, pl.Int64)
        try:
            columns.append(frame.get_column(column.name).cast(dtype))
        except pl.exceptions.PolarsError as exc:
            raise FeatureError(f"table {table}, column {column.name}: cannot read as {dtype}: {exc}") from exc
    return pl.DataFrame(columns)


def register_frames(con: duckdb.DuckDBPyConnection, tables: Mapping[str, pl.DataFrame]) -> None:
    """Relations over in-memory normalised frames; key "application" is required, others optional."""
    if APPLICATION not in tables:
        raise FeatureError(f"tables: key '{APPLICATION}' (the application rows) is required")
    unknown = sorted(set(tables) - {APPLICATION, *SECONDARY_TABLES})
    if unknown:
        raise FeatureError(f"tables: unknown table name(s) {unknown}; expected {list(SECONDARY_TABLES)}")
    application = _typed(APPLICATION, tables[APPLICATION]).with_columns(
        pl.lit(0, pl.Int32).alias("_PART"), pl.int_range(pl.len(), dtype=pl.Int64).alias("_ORD")
    )
    con.register(APPLICATION, application)
    for table in SECONDARY_TABLES:
        if table in tables:
            con.register(table, _typed(table, tables[table]))
        else:
            _empty_view(con, table)
