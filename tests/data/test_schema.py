"""The schema against the headers and categorical values of the sample rows (real, else synthetic)."""

import csv

import pytest

from scoring.data.schema import CAT, MISSING_TOKENS, TABLES


@pytest.mark.parametrize("table", sorted(TABLES))
def test_schema_columns_equal_the_sample_headers(sample_rows, table):
    with open(sample_rows / f"{table}.csv", newline="") as handle:
        header = next(csv.reader(handle))
    assert TABLES[table].column_names == header


@pytest.mark.parametrize("table", sorted(TABLES))
def test_sample_categorical_values_are_levels_or_missing_tokens(sample_rows, table):
    spec = TABLES[table]
    with open(sample_rows / f"{table}.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for column in (c for c in spec.columns if c.kind == CAT):
        seen = {row[column.name] for row in rows} - {""} - set(MISSING_TOKENS)
        assert seen <= set(column.levels), (table, column.name, seen - set(column.levels))


def test_keys_are_columns_of_their_table():
    for spec in TABLES.values():
        for key in (*spec.primary_key, *spec.foreign_keys):
            assert key in spec.column_names, (spec.name, key)
