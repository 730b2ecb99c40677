"""Ingestion: every error case, the warnings and the quirks of the raw data."""

from __future__ import annotations

import polars as pl
import pytest
from typer.testing import CliRunner

from scoring.cli import app
from scoring.data.ingest import ingest_tables
from scoring.data.interim import read_interim
from scoring.data.normalise import ANOMALY_FLAG, PREVIOUS_DAY_COLUMNS
from scoring.data.schema import DAYS_EMPLOYED_ANOMALY, TABLES, TARGET
from tests.data.raw_tables import ROWS, ingest_error, write_raw


def test_valid_tables_are_all_written_with_their_row_counts(tmp_path, raw):
    report = ingest_tables(write_raw(tmp_path / "raw", raw), tmp_path / "out")
    assert [t.name for t in report.tables] == list(TABLES)
    assert all(t.rows == ROWS for t in report.tables)
    assert report.warnings == []
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        [f"{name}.parquet" for name in TABLES] + ["manifest.json"]
    )


def test_missing_application_train_is_an_error(tmp_path, raw):
    raw_dir = write_raw(tmp_path / "raw", raw, ("bureau",))
    assert ingest_error(raw_dir, tmp_path / "out") == f"application_train.csv not found in {raw_dir}"


def test_only_application_train_is_required(tmp_path, raw):
    report = ingest_tables(write_raw(tmp_path / "raw", raw, ("application_train",)), tmp_path / "out")
    assert [t.name for t in report.tables] == ["application_train"]


def test_missing_column_names_file_and_columns(tmp_path, raw):
    del raw["application_train"]["AMT_CREDIT"], raw["application_train"]["CODE_GENDER"]
    message = ingest_error(write_raw(tmp_path / "raw", raw), tmp_path / "out")
    assert message == "application_train.csv: missing required column(s): CODE_GENDER, AMT_CREDIT"


def test_non_numeric_value_names_file_column_count_and_first_row(tmp_path, raw):
    raw["bureau"]["AMT_CREDIT_SUM"][1] = "abc"
    raw["bureau"]["AMT_CREDIT_SUM"][3] = "12,5"
    message = ingest_error(write_raw(tmp_path / "raw", raw), tmp_path / "out")
    assert (
        message
        == "bureau.csv: column AMT_CREDIT_SUM: 2 rows with a non-numeric value (first at row 3: 'abc')"
    )


def test_every_bad_column_of_a_file_is_reported(tmp_path, raw):
    raw["bureau"]["AMT_ANNUITY"][0] = "n/a"
    raw["bureau"]["DAYS_CREDIT"][2] = "yesterday"
    lines = ingest_error(write_raw(tmp_path / "raw", raw), tmp_path / "out").splitlines()
    assert lines == [
        "bureau.csv: column DAYS_CREDIT: 1 rows with a non-numeric value (first at row 4: 'yesterday')",
        "bureau.csv: column AMT_ANNUITY: 1 rows with a non-numeric value (first at row 2: 'n/a')",
    ]


def test_fraction_in_integer_column_is_an_error(tmp_path, raw):
    raw["POS_CASH_balance"]["SK_DPD"][2] = "1.5"
    message = ingest_error(write_raw(tmp_path / "raw", raw), tmp_path / "out")
    assert (
        message
        == "POS_CASH_balance.csv: column SK_DPD: 1 rows with a non-integer value (first at row 4: '1.5')"
    )


def test_integral_decimal_in_integer_column_is_accepted(tmp_path, raw):
    raw["application_train"]["CNT_CHILDREN"] = ["2.0", "0", " 3", None]
    ingest_tables(write_raw(tmp_path / "raw", raw, ("application_train",)), tmp_path / "out")
    column = read_interim(tmp_path / "out", "application_train").get_column("CNT_CHILDREN")
    assert column.dtype == pl.Int64
    assert column.to_list() == [2, 0, 3, None]


@pytest.mark.parametrize("content", ["", ",".join(TABLES["bureau"].column_names) + "\n"])
def test_empty_file_is_an_error(tmp_path, raw, content):
    raw_dir = write_raw(tmp_path / "raw", raw, ("application_train",))
    (raw_dir / "bureau.csv").write_text(content)
    assert ingest_error(raw_dir, tmp_path / "out").startswith("bureau.csv: file is empty")


def test_duplicate_primary_key_is_an_error(tmp_path, raw):
    raw["application_train"]["SK_ID_CURR"] = ["100002", "100001", "100002", "100002"]
    message = ingest_error(write_raw(tmp_path / "raw", raw), tmp_path / "out")
    assert message == (
        "application_train.csv: column SK_ID_CURR: 1 duplicate primary key values over 3 rows (e.g. 100002)"
    )


def test_duplicate_composite_primary_key_is_an_error(tmp_path, raw):
    raw["bureau_balance"]["SK_ID_BUREAU"][1] = raw["bureau_balance"]["SK_ID_BUREAU"][0]
    raw["bureau_balance"]["MONTHS_BALANCE"][1] = raw["bureau_balance"]["MONTHS_BALANCE"][0]
    message = ingest_error(write_raw(tmp_path / "raw", raw), tmp_path / "out")
    assert message == (
        "bureau_balance.csv: columns SK_ID_BUREAU, MONTHS_BALANCE: 1 duplicate primary key values "
        "over 2 rows (e.g. (SK_ID_BUREAU=500001, MONTHS_BALANCE=0))"
    )


def test_installments_without_primary_key_accept_repeated_rows(tmp_path, raw):
    raw["installments_payments"] = {k: [v[0]] * ROWS for k, v in raw["installments_payments"].items()}
    report = ingest_tables(write_raw(tmp_path / "raw", raw), tmp_path / "out")
    assert next(t for t in report.tables if t.name == "installments_payments").rows == ROWS


def test_target_outside_0_1_is_an_error(tmp_path, raw):
    raw["application_train"][TARGET] = ["0", "1", "2", None]
    message = ingest_error(write_raw(tmp_path / "raw", raw), tmp_path / "out")
    assert message == "application_train.csv: column TARGET: 2 rows not 0/1 (first at row 4: '2')"


def test_missing_key_is_an_error(tmp_path, raw):
    raw["previous_application"]["SK_ID_CURR"][1] = None
    message = ingest_error(write_raw(tmp_path / "raw", raw), tmp_path / "out")
    assert (
        message
        == "previous_application.csv: column SK_ID_CURR: 1 rows with a missing key (first at row 3: '')"
    )


def test_malformed_csv_is_an_error_naming_the_file(tmp_path, raw):
    raw_dir = write_raw(tmp_path / "raw", raw)
    with open(raw_dir / "bureau.csv", "a") as handle:
        handle.write("1,2,3," * 10 + "\n")
    assert ingest_error(raw_dir, tmp_path / "out").startswith("bureau.csv: cannot be read as CSV: ")


def test_cli_prints_the_error_and_exits_2(tmp_path, raw):
    raw["bureau"]["AMT_CREDIT_SUM"][0] = "abc"
    raw_dir = write_raw(tmp_path / "raw", raw)
    result = CliRunner().invoke(app, ["ingest", "--raw", str(raw_dir), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "error: bureau.csv: column AMT_CREDIT_SUM: 1 rows with a non-numeric value" in result.output


def test_cli_prints_the_report(tmp_path, raw):
    raw_dir = write_raw(tmp_path / "raw", raw, ("application_train", "bureau"))
    result = CliRunner().invoke(app, ["ingest", "--raw", str(raw_dir), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "application_train" in result.output and "bureau" in result.output
    assert (tmp_path / "out" / "bureau.parquet").exists()


def test_orphan_foreign_keys_are_counted_warnings(tmp_path, raw):
    raw["bureau"]["SK_ID_CURR"][:3] = ["1", "2", "3"]
    raw["credit_card_balance"]["SK_ID_PREV"][0] = "7"
    report = ingest_tables(write_raw(tmp_path / "raw", raw), tmp_path / "out")
    assert report.warnings == [
        "bureau.csv: column SK_ID_CURR: 3 of 4 rows without a parent in application_train/application_test",
        "credit_card_balance.csv: column SK_ID_PREV: 1 of 4 rows without a parent in previous_application",
    ]
    assert read_interim(tmp_path / "out", "bureau").height == ROWS


def test_keys_of_application_test_are_parents_too(tmp_path, raw):
    raw["bureau"]["SK_ID_CURR"][0] = raw["application_test"]["SK_ID_CURR"][0]
    assert ingest_tables(write_raw(tmp_path / "raw", raw), tmp_path / "out").warnings == []


def test_no_orphan_check_without_the_parent_table(tmp_path, raw):
    raw["bureau_balance"]["SK_ID_BUREAU"] = ["1", "2", "3", "4"]
    raw_dir = write_raw(tmp_path / "raw", raw, ("application_train", "bureau_balance"))
    assert ingest_tables(raw_dir, tmp_path / "out").warnings == []


def test_unknown_levels_are_kept_and_counted(tmp_path, raw):
    raw["application_train"]["CODE_GENDER"] = ["F", "U", "U", "Q"]
    report = ingest_tables(write_raw(tmp_path / "raw", raw, ("application_train",)), tmp_path / "out")
    assert report.warnings == [
        "application_train.csv: column CODE_GENDER: 3 rows with a level not in the schema (e.g. 'U', 'Q')"
    ]
    gender = read_interim(tmp_path / "out", "application_train").get_column("CODE_GENDER")
    assert gender.to_list() == ["F", "U", "U", "Q"]


def test_extra_columns_are_dropped_with_a_warning(tmp_path, raw):
    raw["bureau"]["NOTE"] = ["a", "b", "c", "d"]
    report = ingest_tables(write_raw(tmp_path / "raw", raw), tmp_path / "out")
    assert report.warnings == ["bureau.csv: ignored column(s) not in the schema: NOTE"]
    assert read_interim(tmp_path / "out", "bureau").columns == TABLES["bureau"].column_names


def test_quirks_are_normalised(tmp_path, raw):
    app_train = raw["application_train"]
    app_train["DAYS_EMPLOYED"] = [str(DAYS_EMPLOYED_ANOMALY), "-100", None, str(DAYS_EMPLOYED_ANOMALY)]
    app_train["ORGANIZATION_TYPE"] = ["XNA", "School", "", "XAP"]
    app_train["EXT_SOURCE_1"] = ["NaN", "0.5", None, "0.25"]
    for name in PREVIOUS_DAY_COLUMNS:
        raw["previous_application"][name] = [f"{DAYS_EMPLOYED_ANOMALY}.0", "-5.0", None, "10.0"]
    raw["previous_application"]["CODE_REJECT_REASON"] = ["XAP", "XNA", "HC", "SCO"]
    ingest_tables(write_raw(tmp_path / "raw", raw), tmp_path / "out")
    train = read_interim(tmp_path / "out", "application_train")
    assert train.get_column("DAYS_EMPLOYED").to_list() == [None, -100, None, None]
    assert train.get_column(ANOMALY_FLAG).to_list() == [1, 0, 0, 1]
    assert train.get_column("ORGANIZATION_TYPE").to_list() == [None, "School", None, None]
    assert train.get_column("EXT_SOURCE_1").to_list() == [None, 0.5, None, 0.25]
    previous = read_interim(tmp_path / "out", "previous_application")
    for name in PREVIOUS_DAY_COLUMNS:
        assert previous.get_column(name).to_list() == [None, -5.0, None, 10.0]
    assert previous.get_column("CODE_REJECT_REASON").to_list() == [None, None, "HC", "SCO"]
