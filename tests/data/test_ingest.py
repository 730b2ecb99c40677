"""Ingestion: every error case, the warnings, the quirks, the output types, atomicity and the real sample."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from scoring.cli import app
from scoring.data.ingest import IngestError, ingest_tables
from scoring.data.io import read_interim
from scoring.data.normalise import ANOMALY_FLAG, PREVIOUS_DAY_COLUMNS, normalise
from scoring.data.schema import CAT, DAYS_EMPLOYED_ANOMALY, FLOAT, INT, KEY, TABLES, TARGET
from scoring.data.validate import TableError
from scoring.io import StagedWrites

ROWS = 4
FIRST_KEY = {"SK_ID_CURR": 100001, "SK_ID_BUREAU": 500001, "SK_ID_PREV": 900001}
Raw = dict[str, dict[str, list[str | None]]]


def _column(table: str, name: str, kind: str, levels: tuple[str, ...]) -> list[str | None]:
    """Valid text values: keys linking every child row to a parent row, small numbers, first levels."""
    if kind == KEY:
        start = FIRST_KEY[name] + (ROWS if (table, name) == ("application_test", "SK_ID_CURR") else 0)
        return [str(start + i) for i in range(ROWS)]
    if name == TARGET:
        return [str(i % 2) for i in range(ROWS)]
    if kind == INT:
        return [str(-i) for i in range(ROWS)]
    if kind == FLOAT:
        return [f"{i}.5" for i in range(ROWS)]
    return [levels[i % len(levels)] for i in range(ROWS)]


def valid_raw() -> Raw:
    """Text cells of all eight tables, consistent with the schema and with each other."""
    return {
        name: {c.name: _column(name, c.name, c.kind, c.levels) for c in table.columns}
        for name, table in TABLES.items()
    }


def write_raw(directory: Path, raw: Raw, tables: tuple[str, ...] | None = None) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name in tables or tuple(raw):
        frame = pl.DataFrame(raw[name], schema=dict.fromkeys(raw[name], pl.String))
        frame.write_csv(directory / f"{name}.csv")
    return directory


def ingest_error(raw_dir: Path, out_dir: Path) -> str:
    with pytest.raises(IngestError) as caught:
        ingest_tables(raw_dir, out_dir)
    return str(caught.value)


@pytest.fixture
def raw() -> Raw:
    return valid_raw()


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


CONTRACT_TYPES = {KEY: pl.Int64, INT: pl.Int64, FLOAT: pl.Float64, CAT: pl.String}


def test_output_columns_and_types_follow_the_contract(tmp_path, raw):
    ingest_tables(write_raw(tmp_path / "raw", raw), tmp_path / "out")
    for name, table in TABLES.items():
        frame = read_interim(tmp_path / "out", name)
        expected = {c.name: CONTRACT_TYPES[c.kind] for c in table.columns}
        if name.startswith("application"):
            expected[ANOMALY_FLAG] = pl.Int8
        assert dict(frame.schema) == expected, name
        assert list(frame.schema) == list(expected), name
        keys = [c.name for c in table.columns if c.kind == KEY]
        assert frame.select(keys).null_count().sum_horizontal().item() == 0


def test_manifest_lists_tables_rows_and_warnings(tmp_path, raw):
    raw["bureau"]["SK_ID_CURR"][0] = "1"
    raw_dir = write_raw(tmp_path / "raw", raw, ("application_train", "bureau"))
    ingest_tables(raw_dir, tmp_path / "out")
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["source_dir"] == str(raw_dir.resolve())
    assert manifest["tables"]["bureau"] == {
        "file": "bureau.parquet",
        "source": "bureau.csv",
        "rows": 4,
        "columns": 17,
    }
    assert list(manifest["tables"]) == ["application_train", "bureau"]
    assert manifest["ground_truth"] is None
    assert len(manifest["warnings"]) == 1 and manifest["created"]


def test_ground_truth_is_copied(tmp_path, raw):
    raw_dir = write_raw(tmp_path / "raw", raw, ("application_train",))
    (raw_dir / "ground_truth.csv").write_text("SK_ID_CURR,TRUE_PROBABILITY\n100001,0.125\n100002,0.5\n")
    report = ingest_tables(raw_dir, tmp_path / "out")
    truth = read_interim(tmp_path / "out", "ground_truth")
    assert truth.to_dict(as_series=False) == {
        "SK_ID_CURR": [100001, 100002],
        "TRUE_PROBABILITY": [0.125, 0.5],
    }
    assert report.ground_truth.rows == 2
    assert (
        json.loads((tmp_path / "out" / "manifest.json").read_text())["ground_truth"] == "ground_truth.parquet"
    )


def test_parquet_input_gives_the_same_tables_as_csv(tmp_path, raw):
    csv_dir = write_raw(tmp_path / "csv", raw)
    ingest_tables(csv_dir, tmp_path / "from_csv")
    parquet_dir = tmp_path / "parquet"
    parquet_dir.mkdir()
    for name in TABLES:
        typed = pl.read_csv(csv_dir / f"{name}.csv", infer_schema_length=None)
        typed.write_parquet(parquet_dir / f"{name}.parquet")
    report = ingest_tables(parquet_dir, tmp_path / "from_parquet")
    assert {t.source.suffix for t in report.tables} == {".parquet"}
    for name in TABLES:
        assert read_interim(tmp_path / "from_parquet", name).equals(read_interim(tmp_path / "from_csv", name))


def test_parquet_rows_are_numbered_from_1(tmp_path, raw):
    raw["application_train"][TARGET][2] = "3"
    frame = pl.DataFrame(raw["application_train"])
    (tmp_path / "raw").mkdir()
    frame.write_parquet(tmp_path / "raw" / "application_train.parquet")
    message = ingest_error(tmp_path / "raw", tmp_path / "out")
    assert message == "application_train.parquet: column TARGET: 1 rows not 0/1 (first at row 3: '3')"


def test_parquet_is_preferred_over_csv_with_a_warning(tmp_path, raw):
    raw_dir = write_raw(tmp_path / "raw", raw, ("application_train",))
    raw["application_train"]["SK_ID_CURR"] = ["7", "8", "9", "10"]
    pl.DataFrame(raw["application_train"]).write_parquet(raw_dir / "application_train.parquet")
    report = ingest_tables(raw_dir, tmp_path / "out")
    assert report.tables[0].source.name == "application_train.parquet"
    assert report.warnings == ["application_train.csv: ignored, application_train.parquet is read instead"]
    assert read_interim(tmp_path / "out", "application_train").get_column("SK_ID_CURR").to_list() == [
        7,
        8,
        9,
        10,
    ]


def test_failed_run_changes_nothing_in_the_output_dir(tmp_path, raw, monkeypatch):
    out = tmp_path / "out"
    ingest_tables(write_raw(tmp_path / "first", raw), out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    raw["application_train"]["AMT_CREDIT"] = ["1", "2", "3", "4"]
    raw["credit_card_balance"]["AMT_BALANCE"][0] = "lots"
    with pytest.raises(IngestError, match="credit_card_balance.csv"):
        ingest_tables(write_raw(tmp_path / "second", raw), out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_interrupted_run_changes_nothing_in_the_output_dir(tmp_path, raw, monkeypatch):
    out = tmp_path / "out"
    ingest_tables(write_raw(tmp_path / "raw", raw), out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    staged = StagedWrites.parquet

    def interrupt_at_bureau(self: StagedWrites, path: Path, frame: pl.DataFrame) -> None:
        if path.name == "bureau.parquet":
            raise KeyboardInterrupt
        staged(self, path, frame)

    monkeypatch.setattr(StagedWrites, "parquet", interrupt_at_bureau)
    with pytest.raises(KeyboardInterrupt):
        ingest_tables(tmp_path / "raw", out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_outputs_of_absent_tables_are_removed(tmp_path, raw):
    out = tmp_path / "out"
    ingest_tables(write_raw(tmp_path / "all", raw), out)
    report = ingest_tables(write_raw(tmp_path / "some", raw, ("application_train", "bureau")), out)
    assert sorted(p.name for p in out.iterdir()) == [
        "application_train.parquet",
        "bureau.parquet",
        "manifest.json",
    ]
    assert (
        "POS_CASH_balance.parquet: removed, a previous run's table absent from the source" in report.warnings
    )
    assert read_interim(out, "POS_CASH_balance") is None


def test_normalise_types_one_posted_application():
    posted = {c.name: [None] for c in TABLES["application_test"].columns}
    posted |= {"SK_ID_CURR": [123], "DAYS_EMPLOYED": [DAYS_EMPLOYED_ANOMALY], "AMT_CREDIT": [5e5]}
    posted |= {"CNT_CHILDREN": ["2"], "CODE_GENDER": ["XNA"], "NAME_CONTRACT_TYPE": ["Cash loans"]}
    frame = normalise("application_test", pl.DataFrame(posted))
    row = frame.row(0, named=True)
    assert (row["SK_ID_CURR"], row["CNT_CHILDREN"], row["AMT_CREDIT"]) == (123, 2, 5e5)
    assert (row["DAYS_EMPLOYED"], row[ANOMALY_FLAG], row["CODE_GENDER"]) == (None, 1, None)
    assert row["NAME_CONTRACT_TYPE"] == "Cash loans"
    assert frame.schema["CNT_CHILDREN"] == pl.Int64 and frame.schema["CODE_GENDER"] == pl.String


def test_normalise_rejects_bad_values_with_rows_from_1():
    posted = {c.name: ["1"] for c in TABLES["application_test"].columns}
    posted["AMT_CREDIT"] = ["lots"]
    expected = r"^column AMT_CREDIT: 1 rows with a non-numeric value \(first at row 1: 'lots'\)$"
    with pytest.raises(TableError, match=expected):
        normalise("application_test", pl.DataFrame(posted))


def test_sample_rows_are_ingested_as_is(tmp_path, sample_rows):
    report = ingest_tables(sample_rows, tmp_path / "out")
    for table in report.tables:
        with open(table.source, "rb") as handle:
            assert table.rows == sum(1 for _ in handle) - 1, table.name
    assert [t.name for t in report.tables] == list(TABLES)
    train = read_interim(tmp_path / "out", "application_train")
    anomalies = pl.read_csv(sample_rows / "application_train.csv", columns=["DAYS_EMPLOYED"])
    expected = (anomalies.get_column("DAYS_EMPLOYED") == DAYS_EMPLOYED_ANOMALY).sum()
    assert expected > 0
    assert train.get_column(ANOMALY_FLAG).sum() == expected
    assert train.get_column("DAYS_EMPLOYED").max() < 0
    assert train.get_column(TARGET).is_in([0, 1]).all()
    organisation = train.get_column("ORGANIZATION_TYPE")
    assert "XNA" not in organisation.to_list() and organisation.null_count() > 0


def test_generated_tables_round_trip_through_ingest(tmp_path):
    synth = pytest.importorskip("scoring.data.synth", reason="the synthetic generator is not written yet")
    synth.generate_tables(300, 7, tmp_path / "raw", None)
    report = ingest_tables(tmp_path / "raw", tmp_path / "out")
    assert [t.name for t in report.tables] == list(TABLES)
    assert not [w for w in report.warnings if "level not in the schema" in w]
    for table in report.tables:
        assert table.rows == pl.read_csv(table.source, infer_schema=False).height, table.name
    raw_train = pl.read_csv(tmp_path / "raw" / "application_train.csv", infer_schema_length=None)
    train = read_interim(tmp_path / "out", "application_train")
    assert train.height == 300 and train.get_column(TARGET).is_in([0, 1]).all()
    assert train.get_column("AMT_CREDIT").equals(raw_train.get_column("AMT_CREDIT").cast(pl.Float64))
    anomalies = (raw_train.get_column("DAYS_EMPLOYED") == DAYS_EMPLOYED_ANOMALY).sum()
    assert train.get_column(ANOMALY_FLAG).sum() == anomalies
    test = read_interim(tmp_path / "out", "application_test")
    truth = read_interim(tmp_path / "out", "ground_truth")
    clients = pl.concat([train.get_column("SK_ID_CURR"), test.get_column("SK_ID_CURR")])
    assert truth.get_column("SK_ID_CURR").sort().equals(clients.sort())
    assert truth.get_column("TRUE_PROBABILITY").is_between(0, 1).all()
