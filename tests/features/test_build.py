"""The batch build: file layout, atomic writes, no target leakage, clear errors, the CLI command."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from scoring.cli import app
from scoring.features.build import build_features, compute_features
from scoring.features.catalog import feature_names
from scoring.features.duckdb_runner import FeatureError
from tests.features.tables import application, frame, write_interim

PREFIXES = ("APP_", "BUREAU_", "PREV_", "POS_", "INST_", "CC_")
VALUES = {"AMT_CREDIT": 300_000.0, "AMT_INCOME_TOTAL": 90_000.0, "DAYS_BIRTH": -12_000, "CODE_GENDER": "F"}


def interim_tables(targets: tuple[int, int] = (1, 0)) -> dict[str, pl.DataFrame]:
    train = pl.concat(
        [application(1, TARGET=targets[0], **VALUES), application(2, TARGET=targets[1], **VALUES)]
    )
    bureau = frame(
        "bureau",
        [
            {"SK_ID_CURR": c, "SK_ID_BUREAU": c * 10, "CREDIT_ACTIVE": "Active", "AMT_CREDIT_SUM": 5_000.0}
            for c in (1, 3)
        ],
    )
    return {"application_train": train, "application_test": application(3, **VALUES), "bureau": bureau}


def build(directory: Path, tables: dict[str, pl.DataFrame]):
    write_interim(directory / "interim", tables)
    out = directory / "processed"
    return build_features(directory / "interim", out / "features.parquet", out / "feature_dictionary.json")


def test_layout_of_the_feature_table_and_dictionary(tmp_path: Path) -> None:
    summary = build(tmp_path, interim_tables())
    table = pl.read_parquet(summary.features_path)
    assert table.columns == ["SK_ID_CURR", "TARGET", "SPLIT", *feature_names()]
    assert table.schema["SK_ID_CURR"] == pl.Int64 and table.schema["TARGET"] == pl.Int64
    assert table.schema["SPLIT"] == pl.String
    assert all(table.schema[name] == pl.Float32 for name in feature_names())
    assert all(name.startswith(PREFIXES) for name in feature_names())
    assert 400 <= len(feature_names()) <= 900
    assert table["SK_ID_CURR"].to_list() == [1, 2, 3]
    assert table["SPLIT"].to_list() == ["train", "train", "test"]
    assert table["TARGET"].to_list() == [1, 0, None]
    assert table["BUREAU_COUNT"].to_list() == [1.0, 0.0, 1.0]
    entries = json.loads(summary.dictionary_path.read_text("utf-8"))
    assert [e["name"] for e in entries] == feature_names()
    assert sorted(p.name for p in summary.features_path.parent.iterdir()) == [
        "feature_dictionary.json",
        "features.parquet",
    ]


def test_summary_names_rows_features_and_absent_tables(tmp_path: Path) -> None:
    summary = build(tmp_path, interim_tables())
    assert (summary.rows, summary.train_rows, summary.test_rows) == (3, 2, 1)
    assert summary.features == len(feature_names())
    assert set(summary.missing_tables) == {
        "bureau_balance",
        "previous_application",
        "POS_CASH_balance",
        "installments_payments",
        "credit_card_balance",
    }
    text = summary.describe()
    assert "3 rows (2 train, 1 test)" in text and f"x {summary.features} features" in text
    assert "credit_card_balance" in text


def test_target_never_changes_a_feature(tmp_path: Path) -> None:
    first = pl.read_parquet(build(tmp_path / "a", interim_tables((1, 0))).features_path)
    second = pl.read_parquet(build(tmp_path / "b", interim_tables((0, 1))).features_path)
    assert first["TARGET"].to_list() != second["TARGET"].to_list()
    assert first.drop("TARGET").equals(second.drop("TARGET"))


def test_train_and_test_rows_are_built_the_same_way(tmp_path: Path) -> None:
    table = pl.read_parquet(build(tmp_path, interim_tables()).features_path)
    train_row = table.filter(pl.col("SK_ID_CURR") == 1).select(feature_names())
    test_row = table.filter(pl.col("SK_ID_CURR") == 3).select(feature_names())
    assert train_row.equals(test_row)


def test_application_test_is_optional(tmp_path: Path) -> None:
    tables = interim_tables()
    del tables["application_test"]
    summary = build(tmp_path, tables)
    assert (summary.train_rows, summary.test_rows) == (2, 0)


def test_missing_application_train_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FeatureError, match="application_train.parquet"):
        build_features(tmp_path, tmp_path / "f.parquet", tmp_path / "d.json")


def test_missing_column_is_named_and_previous_output_kept(tmp_path: Path) -> None:
    summary = build(tmp_path, interim_tables())
    before = summary.features_path.read_bytes()
    tables = interim_tables()
    tables["bureau"] = tables["bureau"].drop("AMT_CREDIT_SUM_DEBT")
    with pytest.raises(FeatureError, match=r"bureau.*AMT_CREDIT_SUM_DEBT"):
        build(tmp_path, tables)
    assert summary.features_path.read_bytes() == before
    assert [p.name for p in summary.features_path.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_compute_features_input_errors() -> None:
    with pytest.raises(FeatureError, match="'application'"):
        compute_features({"bureau": frame("bureau", [])})
    with pytest.raises(FeatureError, match="burea"):
        compute_features({"application": application(1), "burea": frame("bureau", [])})
    bad = application(1).with_columns(pl.lit("lots").alias("AMT_CREDIT"))
    with pytest.raises(FeatureError, match="AMT_CREDIT"):
        compute_features({"application": bad})


def test_compute_features_keeps_input_order_and_ignores_target() -> None:
    rows = pl.concat([application(c, TARGET=c % 2, **VALUES) for c in (5, 2, 9)])
    result = compute_features({"application": rows})
    assert result.columns == ["SK_ID_CURR", *feature_names()]
    assert result["SK_ID_CURR"].to_list() == [5, 2, 9]


def test_cli_features_command(tmp_path: Path) -> None:
    interim = write_interim(tmp_path / "interim", interim_tables())
    out = tmp_path / "out" / "features.parquet"
    result = CliRunner().invoke(app, ["features", "--interim", str(interim), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "3 rows (2 train, 1 test)" in result.output
    assert out.exists() and (out.parent / "feature_dictionary.json").exists()
    failed = CliRunner().invoke(app, ["features", "--interim", str(tmp_path / "nowhere"), "--out", str(out)])
    assert failed.exit_code == 2
    assert "application_train" in failed.output
