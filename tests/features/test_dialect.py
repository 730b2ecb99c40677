"""The feature SQL in Spark's dialect: syntax by sqlglot, DuckDB's decimal-literal semantics kept."""

from __future__ import annotations

from scoring.features.catalog import table_outputs
from scoring.features.dialect import to_spark
from scoring.features.specs import TABLE_SPECS
from scoring.features.sql import application_query, table_query


def test_identifiers_casts_and_strings() -> None:
    sql = to_spark("""SELECT "A B", x::DOUBLE, 'it''s "quoted"' FROM "t" ORDER BY "_PART\"""")
    assert sql == "SELECT `A B`, CAST(x AS DOUBLE), 'it\\'s \"quoted\"' FROM `t` ORDER BY `_PART` NULLS LAST"


def test_decimal_literals_become_doubles_integers_stay() -> None:
    sql = to_spark(
        "SELECT AVG(CASE WHEN s = '1.5' THEN 1.0 ELSE 0.0 END), SUM(CASE WHEN a THEN 1 ELSE 0 END), 2e3"
    )
    assert "CAST(1.0 AS DOUBLE)" in sql and "CAST(0.0 AS DOUBLE)" in sql and "CAST(2e3 AS DOUBLE)" in sql
    assert "THEN 1 ELSE 0" in sql and "'1.5'" in sql


def test_every_feature_query_transpiles() -> None:
    queries = [application_query()] + [
        table_query(s, o) for s, o in zip(TABLE_SPECS, table_outputs(), strict=True)
    ]
    for query in queries:
        spark = to_spark(query)
        assert '"' not in spark.replace('\\"', "")  # no DuckDB-quoted identifier left (Spark runs them all)
