"""The feature SQL in Spark's dialect: the DuckDB text of `scoring.features.sql`, transpiled with sqlglot.

Only what truly differs is rewritten. sqlglot handles the syntax (identifiers quoted with backticks instead of
double quotes, `x::T` casts as CAST). One semantic difference is ours to fix: a literal with a decimal point
is a DECIMAL in both engines, but DuckDB averages a DECIMAL into a DOUBLE while Spark keeps a DECIMAL with
four more digits (AVG of 1.0/0.0 flags: 0.33333 instead of 0.333333...). Such literals become DOUBLE, which
gives DuckDB's values: sums of 0.0/1.0 are exact in both types.

One rewrite only makes the plan lighter: DuckDB's TRY_CAST of a double beyond float32's range to FLOAT is
NULL, hence `scoring.features.sql`'s COALESCE with +/-inf; Spark's cast already gives +/-inf (ANSI mode
too), so that COALESCE is a plain CAST there, with the same values and half the expression per feature
(600 of them: smaller generated code, less to evaluate per row).

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


def _is_float(node: exp.Expression, kind: type[exp.Cast]) -> bool:
    from sqlglot import exp

    return type(node) is kind and node.to.this == exp.DataType.Type.FLOAT


def _float_cast(node: exp.Expression) -> exp.Expression:
    """COALESCE(TRY_CAST(x AS FLOAT), CAST(sign(x) * inf AS FLOAT)) as CAST(x AS FLOAT): Spark's cast
    already gives +/-inf beyond float32's range, where DuckDB's TRY_CAST gives NULL."""
    from sqlglot import exp

    if not isinstance(node, exp.Coalesce) or len(node.expressions) != 1:
        return node
    first, fallback = node.this, node.expressions[0]
    if not (_is_float(first, exp.TryCast) and _is_float(fallback, exp.Cast)):
        return node
    product = fallback.this
    if not (isinstance(product, exp.Mul) and isinstance(product.this, exp.Sign)):
        return node
    if product.this.this != first.this:
        return node
    return exp.cast(first.this.copy(), exp.DataType.build("float"))


def to_spark(sql: str) -> str:
    """One DuckDB query of the feature build as Spark SQL with the same results."""
    import sqlglot

    tree = sqlglot.parse_one(sql, read=READ)
    return tree.transform(_float_cast).transform(_decimal_as_double).sql(dialect=WRITE)
