"""The synthetic generator: schema, keys, fan-out, calibration, consistency."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scoring.data.schema import DAYS_EMPLOYED_ANOMALY, TABLES
from scoring.data.synth import generate_tables
from scoring.data.twin_calibration import CALIBRATION_PATH, compute_calibration, load_calibration
from scoring.home import TEST_SHARE
from tests.data.synth_population import (
    BUREAU_BALANCE_PER_BUREAU,
    KAGGLE_ROWS_PER_TRAIN_CLIENT,
    OUTPUTS,
    calibrated,
)

# --- schema -------------------------------------------------------------------------------------------


def test_headers_equal_the_real_sample_headers(population: tuple[Path, object], real_sample: Path) -> None:
    out, _ = population
    for name in TABLES:
        generated = (out / f"{name}.csv").open().readline().strip()
        real = (real_sample / f"{name}.csv").open().readline().strip()
        assert generated == real, name
    assert (out / "ground_truth.csv").open().readline().strip() == "SK_ID_CURR,TRUE_PROBABILITY"


def test_headers_follow_the_schema_and_no_temporary_file_is_left(population: tuple[Path, object]) -> None:
    out, _ = population
    for name, table in TABLES.items():
        assert (out / f"{name}.csv").open().readline().strip().split(",") == table.column_names
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{name}.csv" for name in OUTPUTS)


def test_values_use_the_raw_kaggle_format(
    tables: dict[str, pd.DataFrame], population: tuple[Path, object]
) -> None:
    out, _ = population
    first_row = (out / "application_train.csv").open().readlines()[1].split(",")
    credit = first_row[TABLES["application_train"].column_names.index("AMT_CREDIT")]
    assert "." in credit  # floats written as floats, e.g. 180000.0
    assert (tables["application_train"]["ORGANIZATION_TYPE"] == "XNA").any()
    assert (tables["previous_application"]["CODE_REJECT_REASON"] == "XAP").any()
    assert (tables["previous_application"]["DAYS_FIRST_DRAWING"] == DAYS_EMPLOYED_ANOMALY).any()
    assert (tables["previous_application"]["DAYS_DECISION"] < 0).all()


# --- determinism, keys, fan-out --------------------------------------------------------------------------


def test_same_seed_gives_identical_files_and_another_seed_differs(tmp_path: Path) -> None:
    first, second, other = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate_tables(60, 5, first)
    generate_tables(60, 5, second)
    generate_tables(60, 6, other)
    for name in OUTPUTS:
        assert (first / f"{name}.csv").read_bytes() == (second / f"{name}.csv").read_bytes(), name
    assert (first / "bureau.csv").read_bytes() != (other / "bureau.csv").read_bytes()


def test_keys_are_consistent(tables: dict[str, pd.DataFrame]) -> None:
    train, test = tables["application_train"], tables["application_test"]
    clients = set(train["SK_ID_CURR"]) | set(test["SK_ID_CURR"])
    assert min(clients) == 100002 and len(clients) == len(train) + len(test)
    bureau, previous = tables["bureau"], tables["previous_application"]
    assert bureau["SK_ID_BUREAU"].is_unique and previous["SK_ID_PREV"].is_unique
    assert set(tables["bureau_balance"]["SK_ID_BUREAU"]) <= set(bureau["SK_ID_BUREAU"])
    pairs = set(zip(previous["SK_ID_PREV"], previous["SK_ID_CURR"], strict=True))
    for name in ("POS_CASH_balance", "installments_payments", "credit_card_balance"):
        child = tables[name]
        assert set(zip(child["SK_ID_PREV"], child["SK_ID_CURR"], strict=True)) <= pairs, name
    for name in ("bureau", "previous_application"):
        assert set(tables[name]["SK_ID_CURR"]) <= clients
    assert set(tables["ground_truth"]["SK_ID_CURR"]) == clients
    for name in ("test", "train"):
        owners = set(tables["application_" + name]["SK_ID_CURR"])
        assert owners & set(bureau["SK_ID_CURR"]), f"no bureau rows for {name} clients"


def test_fan_out_matches_kaggle(tables: dict[str, pd.DataFrame], population: tuple[Path, object]) -> None:
    _, summary = population
    for name, expected in KAGGLE_ROWS_PER_TRAIN_CLIENT.items():
        assert len(tables[name]) / summary.n_train == pytest.approx(expected, rel=0.15), name
    per_bureau = len(tables["bureau_balance"]) / len(tables["bureau"])
    assert per_bureau == pytest.approx(BUREAU_BALANCE_PER_BUREAU, rel=0.15)
    n_clients = summary.n_train + summary.n_test
    without = {
        name: 1 - tables[name]["SK_ID_CURR"].nunique() / n_clients for name in KAGGLE_ROWS_PER_TRAIN_CLIENT
    }
    assert 0.08 < without["bureau"] < 0.22  # Kaggle: 14% of clients without bureau rows
    assert 0.02 < without["previous_application"] < 0.09  # Kaggle: 5%
    assert 0.6 < without["credit_card_balance"] < 0.8  # Kaggle: 71%


def test_summary_counts_the_written_rows(
    tables: dict[str, pd.DataFrame], population: tuple[Path, object]
) -> None:
    _, summary = population
    assert summary.rows == {name: len(tables[name]) for name in OUTPUTS}
    assert summary.n_train == 2000 and summary.n_test == round(2000 * TEST_SHARE)
    assert "oracle AUC" in summary.describe()


def test_application_test_has_no_target_and_its_own_clients(tables: dict[str, pd.DataFrame]) -> None:
    train, test = tables["application_train"], tables["application_test"]
    assert "TARGET" not in test.columns and "TARGET" in train.columns
    assert not set(train["SK_ID_CURR"]) & set(test["SK_ID_CURR"])
    assert len(test) == round(len(train) * TEST_SHARE)


# --- calibration -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("application_train", "EXT_SOURCE_1"),
        ("application_train", "EXT_SOURCE_3"),
        ("application_train", "OCCUPATION_TYPE"),
        ("application_train", "APARTMENTS_AVG"),
        ("application_train", "AMT_REQ_CREDIT_BUREAU_YEAR"),
        ("bureau", "AMT_CREDIT_SUM_DEBT"),
        ("previous_application", "NAME_TYPE_SUITE"),
        ("previous_application", "AMT_DOWN_PAYMENT"),
    ],
)
def test_missing_rates_follow_the_calibration(
    tables: dict[str, pd.DataFrame], table: str, column: str
) -> None:
    expected = calibrated(table, column)["missing"]
    assert tables[table][column].isna().mean() == pytest.approx(expected, abs=0.05)


@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("application_train", "NAME_CONTRACT_TYPE"),
        ("application_train", "CODE_GENDER"),
        ("application_train", "NAME_EDUCATION_TYPE"),
        ("application_train", "NAME_INCOME_TYPE"),
        ("application_train", "ORGANIZATION_TYPE"),
        ("application_train", "WEEKDAY_APPR_PROCESS_START"),
        ("bureau", "CREDIT_ACTIVE"),
        ("bureau", "CREDIT_TYPE"),
        ("bureau_balance", "STATUS"),
        ("previous_application", "NAME_CONTRACT_TYPE"),
        ("previous_application", "NAME_CONTRACT_STATUS"),
        ("previous_application", "CODE_REJECT_REASON"),
    ],
)
def test_category_frequencies_follow_the_calibration(
    tables: dict[str, pd.DataFrame], table: str, column: str
) -> None:
    expected = calibrated(table, column)["frequencies"]
    observed = tables[table][column].dropna().value_counts(normalize=True).to_dict()
    distance = sum(abs(expected.get(k, 0) - observed.get(k, 0)) for k in set(expected) | set(observed)) / 2
    assert distance < 0.06


def test_retirement_anomaly_follows_the_calibration(tables: dict[str, pd.DataFrame]) -> None:
    share = (tables["application_train"]["DAYS_EMPLOYED"] == DAYS_EMPLOYED_ANOMALY).mean()
    assert share == pytest.approx(calibrated("application_train", "DAYS_EMPLOYED")["anomaly"], abs=0.03)


@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("application_train", "AMT_INCOME_TOTAL"),
        ("application_train", "AMT_CREDIT"),
        ("application_train", "AMT_ANNUITY"),
        ("application_train", "DAYS_BIRTH"),
        ("application_train", "EXT_SOURCE_2"),
        ("bureau", "DAYS_CREDIT"),
        ("previous_application", "DAYS_DECISION"),
    ],
)
def test_numeric_quartiles_follow_the_calibration(
    tables: dict[str, pd.DataFrame], table: str, column: str
) -> None:
    quantiles = calibrated(table, column)["quantiles"]
    expected = np.array([quantiles[25], quantiles[50], quantiles[75]])
    observed = tables[table][column].dropna().quantile([0.25, 0.5, 0.75]).to_numpy()
    np.testing.assert_allclose(observed, expected, rtol=0.15)


def test_calibration_of_the_sample_reproduces_the_packaged_file(real_sample: Path) -> None:
    packaged = json.loads(CALIBRATION_PATH.read_text())
    assert compute_calibration(real_sample) == packaged


def test_calibration_covers_every_raw_column() -> None:
    calibration = load_calibration()["tables"]
    for name, stats in calibration.items():
        keys = {c.name for c in TABLES[name].columns if c.kind != "key"}
        assert set(stats["columns"]) == keys, name


# --- consistency -------------------------------------------------------------------------------------------


def test_application_rows_are_consistent(tables: dict[str, pd.DataFrame]) -> None:
    app = tables["application_train"]
    assert (app["AMT_ANNUITY"].dropna() < app.loc[app["AMT_ANNUITY"].notna(), "AMT_CREDIT"]).all()
    assert (app["DAYS_BIRTH"] < 0).all()
    retired = app["DAYS_EMPLOYED"] == DAYS_EMPLOYED_ANOMALY
    assert ((app["ORGANIZATION_TYPE"] == "XNA") == retired).all()
    assert (app.loc[retired, "FLAG_EMP_PHONE"] == 0).all() and app.loc[
        retired, "OCCUPATION_TYPE"
    ].isna().all()
    working = app[~retired]
    assert (working["DAYS_EMPLOYED"] < 0).all()
    assert ((working["DAYS_EMPLOYED"] - working["DAYS_BIRTH"]) / 365.25 >= 17.99).all()
    assert (app["OWN_CAR_AGE"].isna() == (app["FLAG_OWN_CAR"] == "N")).all()
    family = app.dropna(subset=["CNT_FAM_MEMBERS"])
    assert (family["CNT_FAM_MEMBERS"] >= family["CNT_CHILDREN"] + 1).all()
    assert (app["DEF_30_CNT_SOCIAL_CIRCLE"].dropna() <= app["OBS_30_CNT_SOCIAL_CIRCLE"].dropna()).all()
    pensioners = app.loc[app["NAME_INCOME_TYPE"] == "Pensioner", "DAYS_BIRTH"]
    assert -pensioners.median() / 365.25 > -app["DAYS_BIRTH"].median() / 365.25 + 10


def test_bureau_rows_are_consistent(tables: dict[str, pd.DataFrame]) -> None:
    bureau = tables["bureau"]
    assert (bureau["DAYS_CREDIT"] <= 0).all()
    closed = bureau.dropna(subset=["DAYS_ENDDATE_FACT"])
    assert (closed["DAYS_ENDDATE_FACT"] >= closed["DAYS_CREDIT"]).all() and (
        closed["DAYS_ENDDATE_FACT"] <= 0
    ).all()
    assert (bureau["DAYS_CREDIT_UPDATE"] >= bureau["DAYS_CREDIT"]).all()
    assert (
        bureau["DAYS_CREDIT_ENDDATE"].dropna()
        >= bureau.loc[bureau["DAYS_CREDIT_ENDDATE"].notna(), "DAYS_CREDIT"]
    ).all()
    assert (bureau.loc[bureau["AMT_CREDIT_SUM_OVERDUE"] > 0, "CREDIT_DAY_OVERDUE"] > 0).all()
    assert (bureau["CREDIT_DAY_OVERDUE"] > 0).any()
    assert (bureau.loc[bureau["CREDIT_DAY_OVERDUE"] > 0, "CREDIT_ACTIVE"] == "Active").all()
    balance = tables["bureau_balance"].merge(bureau[["SK_ID_BUREAU", "CREDIT_ACTIVE"]], on="SK_ID_BUREAU")
    assert (balance.loc[balance["STATUS"] == "C", "CREDIT_ACTIVE"] != "Active").all()
    assert balance["MONTHS_BALANCE"].between(-96, 0).all()


def test_previous_applications_are_consistent(tables: dict[str, pd.DataFrame]) -> None:
    previous = tables["previous_application"]
    approved = previous["NAME_CONTRACT_STATUS"] == "Approved"
    assert previous.loc[~approved, "DAYS_FIRST_DUE"].isna().all()
    assert previous.loc[approved, "DAYS_FIRST_DUE"].notna().all()
    assert (previous.loc[approved, "CODE_REJECT_REASON"] == "XAP").all()
    priced = previous.dropna(subset=["AMT_GOODS_PRICE"])
    assert (priced["AMT_GOODS_PRICE"] == priced["AMT_APPLICATION"]).all()
    both = previous.dropna(subset=["AMT_ANNUITY", "CNT_PAYMENT"])
    assert (previous["AMT_ANNUITY"].isna() == previous["CNT_PAYMENT"].isna()).all()
    loans = both[both["CNT_PAYMENT"] > 0]
    assert (loans["AMT_ANNUITY"] * loans["CNT_PAYMENT"] >= loans["AMT_CREDIT"]).all()


def test_repayments_are_consistent(tables: dict[str, pd.DataFrame]) -> None:
    instalments = tables["installments_payments"]
    delay = instalments["DAYS_ENTRY_PAYMENT"] - instalments["DAYS_INSTALMENT"]
    assert 0.02 < (delay > 0).mean() < 0.2  # late payments exist, near the calibrated 8%
    assert (delay.abs().dropna() < 3000).all() and (instalments["DAYS_ENTRY_PAYMENT"].dropna() < 0).all()
    short = instalments["AMT_PAYMENT"] < instalments["AMT_INSTALMENT"]
    assert 0.03 < short.mean() < 0.2
    assert (
        instalments["AMT_PAYMENT"].dropna()
        <= instalments.loc[instalments["AMT_PAYMENT"].notna(), "AMT_INSTALMENT"]
    ).all()
    pos = tables["POS_CASH_balance"].dropna(subset=["CNT_INSTALMENT"])
    assert (pos["CNT_INSTALMENT_FUTURE"] <= pos["CNT_INSTALMENT"]).all()
    for name in ("POS_CASH_balance", "credit_card_balance"):
        table = tables[name]
        assert (table["SK_DPD_DEF"] <= table["SK_DPD"]).all() and (table["SK_DPD"] > 0).any()
        assert table["MONTHS_BALANCE"].between(-96, -1).all()
    cards = tables["credit_card_balance"]
    assert (cards["AMT_CREDIT_LIMIT_ACTUAL"] > 0).all()
    assert (cards["AMT_DRAWINGS_CURRENT"] <= cards["AMT_CREDIT_LIMIT_ACTUAL"]).all()
