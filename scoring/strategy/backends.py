"""One condition tree, three evaluations with the same result: vectorised over a pandas DataFrame, as a
DuckDB SQL expression and as a Spark SQL Column.

The SQL is generated from the tree alone (quoted known names, escaped literals), never from the rule's text.
Numbers are read as doubles with NaN taken as missing (as pandas reads them), a division by zero is missing
(`NULLIF`), and SQL's three-valued logic is pandas' nullable `boolean` (Kleene) logic; `fires` turns the
unknown into "does not fire" on every path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from scoring.errors import ScoringError
from scoring.strategy.conditions import (
    NUMBER,
    Arith,
    Col,
    Compare,
    InList,
    IsNull,
    Logic,
    Neg,
    Node,
    Not,
    Num,
    Str,
)

if TYPE_CHECKING:  # pyspark is optional: imported when a Spark column is asked for
    from pyspark.sql import Column

DUCKDB, SPARK = "duckdb", "spark"
SQL_OPS = {"=": "=", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


class DataError(ScoringError, ValueError):
    """The data lacks a column a condition reads, or holds a value of the wrong kind."""


def _column(frame: pd.DataFrame, node: Col) -> pd.Series:
    if node.name not in frame.columns:
        raise DataError(f"the data has no column {node.name} (read by a rule)")
    values = frame[node.name]
    try:
        if node.type == NUMBER:
            return pd.to_numeric(values, errors="raise").astype("Float64")
        return values.astype("string")
    except (TypeError, ValueError):
        raise DataError(f"column {node.name}: expected {node.type}s") from None


def _constant(value: float | str | None, frame: pd.DataFrame, dtype: str) -> pd.Series:
    return pd.Series([value] * len(frame), index=frame.index, dtype=dtype)


def _divide(left: pd.Series, right: pd.Series) -> pd.Series:
    divisor = right.copy()
    divisor[(right == 0).fillna(False).to_numpy(dtype=bool)] = pd.NA
    return left / divisor


def evaluate_pandas(node: Node, frame: pd.DataFrame) -> pd.Series:
    """The value of `node` on each row of `frame`: Float64, string or nullable boolean (NA = unknown)."""
    match node:
        case Num(value):
            return _constant(value, frame, "Float64")
        case Str(value):
            return _constant(value, frame, "string")
        case Col():
            return _column(frame, node)
        case Neg(operand):
            return -evaluate_pandas(operand, frame)
        case Arith(op, left, right):
            a, b = evaluate_pandas(left, frame), evaluate_pandas(right, frame)
            return {"+": a.add, "-": a.sub, "*": a.mul}[op](b) if op != "/" else _divide(a, b)
        case Compare(op, left, right):
            a, b = evaluate_pandas(left, frame), evaluate_pandas(right, frame)
            result = {"=": a.eq, "!=": a.ne, "<": a.lt, "<=": a.le, ">": a.gt, ">=": a.ge}[op](b)
            return result.astype("boolean")
        case IsNull(operand, negated):
            missing = evaluate_pandas(operand, frame).isna()
            return (~missing if negated else missing).astype("boolean")
        case InList(operand, values, negated):
            value = evaluate_pandas(operand, frame)
            found = value.isin([v.value for v in values]).astype("boolean")
            found[value.isna().to_numpy()] = pd.NA
            return ~found if negated else found
        case Logic(op, left, right):
            a, b = evaluate_pandas(left, frame), evaluate_pandas(right, frame)
            return a & b if op == "AND" else a | b
        case Not(operand):
            return ~evaluate_pandas(operand, frame)
    raise TypeError(f"not a condition node: {node!r}")


def fires_pandas(node: Node, frame: pd.DataFrame) -> np.ndarray:
    """Whether the condition is true on each row (unknown does not fire)."""
    return evaluate_pandas(node, frame).fillna(False).to_numpy(dtype=bool)


def _quote_name(name: str, dialect: str) -> str:
    return f"`{name}`" if dialect == SPARK else f'"{name}"'


def _quote_text(value: str, dialect: str) -> str:
    # conditions refuse backslashes, so escaping the quote is all each dialect needs
    return "'" + value.replace("'", "\\'" if dialect == SPARK else "''") + "'"


def number_sql(value: float) -> str:
    """A number literal read as a double by both dialects."""
    return f"CAST({value!r} AS DOUBLE)"


def to_sql(node: Node, dialect: str = DUCKDB) -> str:
    """The condition as one SQL expression of `dialect` (duckdb or spark), fully parenthesised."""
    match node:
        case Num(value):
            return number_sql(value)
        case Str(value):
            return _quote_text(value, dialect)
        case Col(name, kind):
            quoted = _quote_name(name, dialect)
            return f"NULLIF(CAST({quoted} AS DOUBLE), CAST('NaN' AS DOUBLE))" if kind == NUMBER else quoted
        case Neg(operand):
            return f"(- {to_sql(operand, dialect)})"
        case Arith("/", left, right):
            return f"({to_sql(left, dialect)} / NULLIF({to_sql(right, dialect)}, {number_sql(0.0)}))"
        case Arith(op, left, right):
            return f"({to_sql(left, dialect)} {op} {to_sql(right, dialect)})"
        case Compare(op, left, right):
            return f"({to_sql(left, dialect)} {SQL_OPS[op]} {to_sql(right, dialect)})"
        case IsNull(operand, negated):
            return f"({to_sql(operand, dialect)} IS {'NOT ' if negated else ''}NULL)"
        case InList(operand, values, negated):
            listed = ", ".join(to_sql(v, dialect) for v in values)
            return f"({to_sql(operand, dialect)} {'NOT ' if negated else ''}IN ({listed}))"
        case Logic(op, left, right):
            return f"({to_sql(left, dialect)} {op} {to_sql(right, dialect)})"
        case Not(operand):
            return f"(NOT {to_sql(operand, dialect)})"
    raise TypeError(f"not a condition node: {node!r}")


def fires_sql(node: Node, dialect: str = DUCKDB) -> str:
    """A SQL expression true exactly where the condition fires (unknown is false)."""
    return f"COALESCE({to_sql(node, dialect)}, FALSE)"


def spark_column(node: Node) -> Column:
    """The condition as a Spark Column (built from the generated Spark SQL, never from the rule's text)."""
    from pyspark.sql import functions as F  # noqa: N812 - the usual alias

    return F.expr(fires_sql(node, SPARK))
