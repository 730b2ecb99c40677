import csv

import pytest

from scoring.data.schema import CAT, MISSING_TOKENS, TABLES


@pytest.mark.parametrize("table", sorted(TABLES))
def test_schema_columns_equal_real_headers(real_sample, table):
    with open(real_sample / f"{table}.csv", newline="") as handle:
        header = next(csv.reader(handle))
    assert TABLES[table].column_names == header


@pytest.mark.parametrize("table", sorted(TABLES))
def test_real_categorical_values_are_levels_or_missing_tokens(real_sample, table):
    spec = TABLES[table]
    with open(real_sample / f"{table}.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for column in (c for c in spec.columns if c.kind == CAT):
        seen = {row[column.name] for row in rows} - {""} - set(MISSING_TOKENS)
        assert seen <= set(column.levels), (table, column.name, seen - set(column.levels))


def test_keys_are_columns_of_their_table():
    for spec in TABLES.values():
        for key in (*spec.primary_key, *spec.foreign_keys):
            assert key in spec.column_names, (spec.name, key)
