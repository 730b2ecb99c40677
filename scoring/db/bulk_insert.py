"""Many rows into one table in one `executemany`, the statement compiled once per dialect, table and columns.

The prediction log and the audit trail deliver thousands of small rows a second; SQLAlchemy's own
`conn.execute(table.insert(), rows)` compiles nothing twice either, but builds each row's parameters through
its per-row bookkeeping, which cost more than SQLite's insertion of the row. Here the rows are bound as
SQLAlchemy binds them (each column's bind processor, in the compiled statement's order) and handed to the
driver's `executemany` (a test holds the stored rows equal to SQLAlchemy's). Other dialects than PostgreSQL
and SQLite go through SQLAlchemy's insert.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite

Compiled = tuple[str, bool, tuple[tuple[str, Callable[[object], object] | None], ...]]
_compiled: dict[tuple[type, str, str, tuple[str, ...], str | None], Compiled] = {}
DIALECTS = {"postgresql": postgresql, "sqlite": sqlite}


def _insert_of(
    conn: Connection, table: Table, columns: tuple[str, ...], skip_existing: str | None
) -> Compiled:
    """The INSERT of these columns in this dialect (skipping rows whose `skip_existing` value is stored),
    compiled once: its SQL, whether its parameters are positional, each parameter's column and bind
    processor."""
    dialect = conn.dialect
    key = (type(dialect), dialect.paramstyle, table.name, columns, skip_existing)
    found = _compiled.get(key)
    if found is None:
        statement = DIALECTS[dialect.name].insert(table)
        if skip_existing is not None:
            statement = statement.on_conflict_do_nothing(index_elements=[skip_existing])
        compiled = statement.compile(dialect=dialect, column_keys=list(columns), for_executemany=True)
        order = compiled.positiontup if compiled.positional else columns
        processors = tuple((n, table.c[n].type.dialect_impl(dialect).bind_processor(dialect)) for n in order)
        found = _compiled[key] = (compiled.string, compiled.positional, processors)
    return found


def insert_rows(conn: Connection, table: Table, rows: list[dict], skip_existing: str | None = None) -> None:
    """Insert `rows` (each with the first one's columns); with `skip_existing` (a unique column), those whose
    value is already stored are skipped (a batch delivered again)."""
    if not rows:
        return
    if conn.dialect.name not in DIALECTS:
        conn.execute(table.insert(), rows)
        return
    sql, positional, processors = _insert_of(conn, table, tuple(rows[0]), skip_existing)
    if positional:
        bound: list = [tuple([row[n] if p is None else p(row[n]) for n, p in processors]) for row in rows]
    else:
        bound = [{n: row[n] if p is None else p(row[n]) for n, p in processors} for row in rows]
    conn.exec_driver_sql(sql, bound)
