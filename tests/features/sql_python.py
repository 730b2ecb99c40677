"""Run an expression both ways, as SQL in DuckDB and as compiled Python, over rows of columns A, B and C."""

from __future__ import annotations

import math

import duckdb
import polars as pl

from scoring.features.expr import Expr

CON = duckdb.connect()


def sql_values(expr: Expr, rows: list[dict[str, float | None]]) -> list[float | None]:
    frame = pl.DataFrame(rows, schema={"A": pl.Float64, "B": pl.Float64, "C": pl.Float64})
    CON.register("t", frame)
    return [r[0] for r in CON.execute(f"SELECT {expr.sql()} FROM t").fetchall()]


def same(a: float | None, b: float | None) -> bool:
    return (a is None and b is None) or (
        a is not None and b is not None and math.isclose(a, b, rel_tol=1e-12)
    )


def agree(expr: Expr, rows: list[dict[str, float | None]]) -> bool:
    """SQL and Python give the same value (both missing, or equal within 1e-12 relative) on every row."""
    python = [expr.compile()(row) for row in rows]
    return all(same(p, s) for p, s in zip(python, sql_values(expr, rows), strict=True))
