"""Compile the feature definitions into SQL: one query for the application features, one per secondary table.

The `application` relation holds the normalised application rows plus `_PART` and `_ORD` (output order)
and, for the batch build, `TARGET` and `SPLIT`. Each secondary query returns one row per client with rows
in that table; `scoring.features.build` aligns them on the application rows. Features come out as FLOAT.
"""

from __future__ import annotations

from collections.abc import Sequence

from scoring.features.aggregation import Output, TableSpec
from scoring.features.application import application_features
from scoring.features.expr import quote_ident as q

KEY = "SK_ID_CURR"


def _cte(name: str, body: str) -> str:
    return f"{q(name)} AS (\n{body}\n)"


def _rollup_ctes(spec: TableSpec) -> tuple[list[str], str]:
    """CTEs of the rolled-up children, and the FROM clause joining them to the parent's rows."""
    ctes, joins, columns = [], [], []
    for i, rollup in enumerate(spec.rollups):
        name, alias, key = f"{spec.prefix}__{rollup.table}", f"r{i}", q(rollup.key)
        select = ", ".join([key, *(f"{d.sql} AS {q(d.name)}" for d in rollup.columns)])
        ctes.append(_cte(name, f"SELECT {select} FROM {q(rollup.table)} GROUP BY {key}"))
        joins.append(f"LEFT JOIN {q(name)} {alias} ON t.{key} = {alias}.{key}")
        columns.extend(f"{alias}.{q(d.name)}" for d in rollup.columns)
    if not ctes:
        return [], q(spec.table)
    return ctes, f"(SELECT t.*, {', '.join(columns)} FROM {q(spec.table)} t {' '.join(joins)})"


def table_ctes(spec: TableSpec, outs: Sequence[Output]) -> list[str]:
    """CTEs computing one table's per-client features as `<PREFIX>__features` (one row per client)."""
    ctes, source = _rollup_ctes(spec)
    derived = "".join(f", {d.sql} AS {q(d.name)}" for d in spec.derived)
    ctes.append(_cte(f"{spec.prefix}__rows", f"SELECT *{derived} FROM {source}"))
    aggregates = ", ".join(f"{o.sql} AS {q(o.feature.name)}" for o in outs if not o.post)
    ctes.append(
        _cte(
            f"{spec.prefix}__agg",
            f"SELECT {q(spec.key)}, {aggregates} FROM {q(spec.prefix + '__rows')} GROUP BY {q(spec.key)}",
        )
    )
    post = "".join(f", {o.sql} AS {q(o.feature.name)}" for o in outs if o.post)
    ctes.append(_cte(f"{spec.prefix}__features", f"SELECT *{post} FROM {q(spec.prefix + '__agg')}"))
    return ctes


def _as_float(expression: str, name: str) -> str:
    """The value as FLOAT; beyond float32's range it becomes +/-inf (as numpy's cast does), not an error."""
    x = f"CAST({expression} AS DOUBLE)"
    return f"COALESCE(TRY_CAST({x} AS FLOAT), CAST(sign({x}) * 'inf'::DOUBLE AS FLOAT)) AS {q(name)}"


def application_select(head: Sequence[str] = (KEY,)) -> str:
    """Head columns then every application feature, one row per application row, in no given order."""
    columns = [q(c) for c in head]
    columns += [_as_float(a.expr.sql(), a.feature.name) for a in application_features()]
    return "SELECT " + ",\n".join(columns) + "\nFROM application"


def application_query(head: Sequence[str] = (KEY,)) -> str:
    """`application_select` in output order (`_PART`, then `_ORD`)."""
    return application_select(head) + '\nORDER BY "_PART", "_ORD"'


def table_query(spec: TableSpec, outs: Sequence[Output]) -> str:
    """SK_ID_CURR then every feature of one secondary table, one row per client that has rows in it."""
    columns = [q(spec.key), *(_as_float(q(o.feature.name), o.feature.name) for o in outs)]
    features = q(spec.prefix + "__features")
    return "WITH " + ",\n".join(table_ctes(spec, outs)) + f"\nSELECT {', '.join(columns)} FROM {features}"
