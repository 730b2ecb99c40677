"""The feature SQL in Spark's dialect: the DuckDB text of `scoring.features.sql`, transpiled with sqlglot.

Only what truly differs is rewritten. sqlglot handles the syntax (identifiers quoted with backticks instead of
double quotes, `x::T` casts as CAST). One semantic difference is ours to fix: a literal with a decimal point
is a DECIMAL in both engines, but DuckDB averages a DECIMAL into a DOUBLE while Spark keeps a DECIMAL with
four more digits (AVG of 1.0/0.0 flags: 0.33333 instead of 0.333333...). Such literals become DOUBLE, which
gives DuckDB's values: sums of 0.0/1.0 are exact in both types.

sqlglot comes with the optional `spark` group, as pyspark: it is imported when a query is transpiled.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlglot import exp

READ, WRITE = "duckdb", "spark"


def _decimal_as_double(node: exp.Expression) -> exp.Expression:
    from sqlglot import exp

    if isinstance(node, exp.Literal) and not node.is_string and any(c in node.this for c in ".eE"):
        return exp.cast(node.copy(), exp.DataType.build("double"))
    return node


def to_spark(sql: str) -> str:
    """One DuckDB query of the feature build as Spark SQL with the same results."""
    import sqlglot

    tree = sqlglot.parse_one(sql, read=READ)
    return tree.transform(_decimal_as_double).sql(dialect=WRITE)
