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


def test_float_guard_is_a_plain_cast_in_spark_other_coalesces_stay() -> None:
    x = "CAST(x AS DOUBLE)"
    guarded = f"COALESCE(TRY_CAST({x} AS FLOAT), CAST(sign({x}) * 'inf'::DOUBLE AS FLOAT))"
    other = "COALESCE(TRY_CAST(y AS FLOAT), CAST(sign(z) * 'inf'::DOUBLE AS FLOAT))"
    sql = to_spark(f'SELECT {guarded} AS "A", {other} AS "B", COALESCE(a, 0) AS "C"')
    assert sql.startswith("SELECT CAST(CAST(x AS DOUBLE) AS FLOAT) AS `A`, COALESCE(TRY_CAST(y AS FLOAT)")
    assert "COALESCE(a, 0) AS `C`" in sql


def test_no_float_guard_is_left_in_the_feature_queries() -> None:
    queries = [application_query()] + [
        table_query(s, o) for s, o in zip(TABLE_SPECS, table_outputs(), strict=True)
    ]
    assert all("COALESCE(TRY_CAST" in q for q in queries)
    spark = [to_spark(q) for q in queries]
    assert not any("TRY_CAST" in q or "'inf'" in q for q in spark)
