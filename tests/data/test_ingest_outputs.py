"""Ingestion outputs: types, manifest, Parquet input, atomicity, normalisation, sample rows, round trip."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from scoring.data.ingest import IngestError, ingest_tables
from scoring.data.interim import read_interim
from scoring.data.normalise import ANOMALY_FLAG, normalise
from scoring.data.schema import CAT, DAYS_EMPLOYED_ANOMALY, FLOAT, INT, KEY, TABLES, TARGET
from scoring.data.synth.generate import generate_tables
from scoring.data.validate import TableError
from scoring.io import StagedWrites
from tests.data.raw_tables import ingest_error, write_raw

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
    generate_tables(300, 7, tmp_path / "raw", None)
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
