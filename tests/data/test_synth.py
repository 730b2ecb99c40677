"""The synthetic generator: schema, keys, fan-out, calibration, consistency, truth, drift, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from scoring.cli import app
from scoring.config import TEST_SHARE
from scoring.data.calibration import CALIBRATION_PATH, compute_calibration, load_calibration
from scoring.data.schema import CAT, DAYS_EMPLOYED_ANOMALY, TABLES
from scoring.data.synth import DRIFT_KEYS, GenerationError, generate_tables, parse_drift
from scoring.data.synth import generate as generate_module
from scoring.data.synth.sampling import Categorical
from scoring.data.synth.truth import risk_score

OUTPUTS = (*TABLES, "ground_truth")
# Rows per train client of the full Kaggle files (secondary tables hold train and test clients).
KAGGLE_ROWS_PER_TRAIN_CLIENT = {
    "bureau": 1_716_428 / 307_511,
    "previous_application": 1_670_214 / 307_511,
    "POS_CASH_balance": 10_001_358 / 307_511,
    "installments_payments": 13_605_401 / 307_511,
    "credit_card_balance": 3_840_312 / 307_511,
}
BUREAU_BALANCE_PER_BUREAU = 27_299_925 / 1_716_428


def read(directory: Path, name: str) -> pd.DataFrame:
    """A generated CSV as raw text cells: empty = missing, XNA/XAP kept."""
    table = TABLES.get(name)
    dtypes = {c.name: str for c in table.columns if c.kind == CAT} if table else None
    return pd.read_csv(directory / f"{name}.csv", dtype=dtypes, keep_default_na=False, na_values=[""])


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    """2,000 train clients: enough for fan-out, frequencies, default rate and oracle AUC."""
    out = tmp_path_factory.mktemp("synth-2000")
    return out, generate_tables(2000, 11, out)


@pytest.fixture(scope="module")
def tables(population: tuple[Path, object]) -> dict[str, pd.DataFrame]:
    return {name: read(population[0], name) for name in OUTPUTS}


def calibrated(table: str, column: str) -> dict:
    return load_calibration()["tables"][table]["columns"][column]


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


# --- ground truth -------------------------------------------------------------------------------------------


def test_default_rate_and_oracle_auc(
    tables: dict[str, pd.DataFrame], population: tuple[Path, object]
) -> None:
    _, summary = population
    rate = dict(calibrated("application_train", "TARGET")["values"])[1.0]
    assert summary.default_rate == pytest.approx(rate, abs=0.025)
    assert tables["application_train"]["TARGET"].mean() == pytest.approx(summary.default_rate)
    assert 0.75 < summary.oracle_auc < 0.92
    truth = tables["ground_truth"]["TRUE_PROBABILITY"]
    assert truth.between(0, 1, inclusive="neither").all()


def _categorical(values: pd.Series) -> Categorical:
    levels = tuple(sorted(values.dropna().unique()))
    codes = values.map({level: i for i, level in enumerate(levels)}).fillna(-1).to_numpy(dtype=np.int16)
    return Categorical(codes, levels)


def _aggregates_from_files(tables: dict[str, pd.DataFrame], ids: pd.Index) -> dict[str, np.ndarray]:
    """The truth's per-client aggregates, recomputed from the written tables as a feature builder would."""
    inst, pos = tables["installments_payments"], tables["POS_CASH_balance"]
    bureau, balance = tables["bureau"], tables["bureau_balance"]
    previous, cards = tables["previous_application"], tables["credit_card_balance"]
    delay = inst["DAYS_ENTRY_PAYMENT"] - inst["DAYS_INSTALMENT"]
    status = pd.to_numeric(balance["STATUS"], errors="coerce").fillna(0.0)
    status = status.where(balance["STATUS"].isin(["1", "2", "3", "4", "5"]), 0.0)
    record_status = status.groupby(balance["SK_ID_BUREAU"]).max()
    per_client = {
        "inst_late_share": (delay > 0).groupby(inst["SK_ID_CURR"]).mean(),
        "inst_mean_days_late": delay.clip(lower=0).fillna(0).groupby(inst["SK_ID_CURR"]).mean(),
        "inst_short_share": (inst["AMT_PAYMENT"] < inst["AMT_INSTALMENT"]).groupby(inst["SK_ID_CURR"]).mean(),
        "pos_dpd_share": (pos["SK_DPD"] > 0).groupby(pos["SK_ID_CURR"]).mean(),
        "bureau_active_share": (bureau["CREDIT_ACTIVE"] == "Active").groupby(bureau["SK_ID_CURR"]).mean(),
        "bureau_overdue": (bureau["CREDIT_DAY_OVERDUE"] > 0).groupby(bureau["SK_ID_CURR"]).max(),
        "bureau_max_status": bureau["SK_ID_BUREAU"].map(record_status).groupby(bureau["SK_ID_CURR"]).max(),
        "prev_refused_share": (previous["NAME_CONTRACT_STATUS"] == "Refused")
        .groupby(previous["SK_ID_CURR"])
        .mean(),
        "cc_max_utilisation": (cards["AMT_BALANCE"] / cards["AMT_CREDIT_LIMIT_ACTUAL"])
        .groupby(cards["SK_ID_CURR"])
        .max(),
    }
    return {name: values.astype(float).reindex(ids).to_numpy() for name, values in per_client.items()}


def test_truth_is_a_function_of_the_written_files(tables: dict[str, pd.DataFrame]) -> None:
    truth = tables["ground_truth"].set_index("SK_ID_CURR")["TRUE_PROBABILITY"]
    app = pd.concat([tables["application_train"], tables["application_test"]]).set_index("SK_ID_CURR")
    app = app.reindex(truth.index)
    columns = {
        name: _categorical(app[name]) if app[name].dtype == object else app[name].to_numpy(dtype=float)
        for name in app.columns
    }
    score = risk_score(columns, _aggregates_from_files(tables, truth.index))
    intercept = np.log(truth / (1 - truth)).to_numpy() - score
    assert np.ptp(intercept) < 1e-6


def test_truth_follows_application_and_repayment_behaviour(tables: dict[str, pd.DataFrame]) -> None:
    truth = tables["ground_truth"].set_index("SK_ID_CURR")["TRUE_PROBABILITY"]
    app = tables["application_train"].set_index("SK_ID_CURR")
    ext = app["EXT_SOURCE_2"].dropna()
    high, low = ext[ext > ext.quantile(0.8)].index, ext[ext < ext.quantile(0.2)].index
    assert truth[high].mean() < truth[low].mean()
    instalments = tables["installments_payments"]
    late = (
        (instalments["DAYS_ENTRY_PAYMENT"] > instalments["DAYS_INSTALMENT"])
        .groupby(instalments["SK_ID_CURR"])
        .mean()
    )
    assert truth[late[late > 0.25].index].mean() > 1.5 * truth[late[late == 0].index].mean()
    previous = tables["previous_application"]
    refused = (previous["NAME_CONTRACT_STATUS"] == "Refused").groupby(previous["SK_ID_CURR"]).mean()
    assert truth[refused[refused > 0.5].index].mean() > truth[refused[refused == 0].index].mean()


# --- drift --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def undrifted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    out = tmp_path_factory.mktemp("drift-base")
    return out, generate_tables(400, 21, out)


def _drifted(tmp_path: Path, spec: str) -> tuple[Path, object]:
    return tmp_path, generate_tables(400, 21, tmp_path, parse_drift(spec))


def test_income_drift_lowers_income_only(undrifted: tuple[Path, object], tmp_path: Path) -> None:
    out, _ = _drifted(tmp_path, "income=-0.2")
    base, drifted = read(undrifted[0], "application_train"), read(out, "application_train")
    ratio = drifted["AMT_INCOME_TOTAL"].mean() / base["AMT_INCOME_TOTAL"].mean()
    assert ratio == pytest.approx(0.8, abs=0.01)
    pd.testing.assert_series_equal(drifted["AMT_CREDIT"], base["AMT_CREDIT"])
    pd.testing.assert_series_equal(drifted["EXT_SOURCE_2"], base["EXT_SOURCE_2"])


def test_ext_source_drift_shifts_scores_and_raises_defaults(
    undrifted: tuple[Path, object], tmp_path: Path
) -> None:
    out, summary = _drifted(tmp_path, "ext_source=-0.15")
    base, drifted = read(undrifted[0], "application_train"), read(out, "application_train")
    assert drifted["EXT_SOURCE_3"].mean() < base["EXT_SOURCE_3"].mean() - 0.1
    base_truth, drifted_truth = read(undrifted[0], "ground_truth"), read(out, "ground_truth")
    assert drifted_truth["TRUE_PROBABILITY"].mean() > 1.3 * base_truth["TRUE_PROBABILITY"].mean()
    pd.testing.assert_series_equal(drifted["AMT_INCOME_TOTAL"], base["AMT_INCOME_TOTAL"])


def test_contract_type_and_unemployed_drift_set_their_shares(tmp_path: Path) -> None:
    out, _ = _drifted(tmp_path, "contract_type=0.5,unemployed=0.4")
    app = read(out, "application_train")
    assert (app["NAME_CONTRACT_TYPE"] == "Revolving loans").mean() == pytest.approx(0.5, abs=0.07)
    assert (app["DAYS_EMPLOYED"] == DAYS_EMPLOYED_ANOMALY).mean() == pytest.approx(0.4, abs=0.07)


def test_late_payment_drift_makes_late_payments_more_frequent(
    undrifted: tuple[Path, object], tmp_path: Path
) -> None:
    out, _ = _drifted(tmp_path, "late_payments=4")

    def late_share(directory: Path) -> float:
        rows = read(directory, "installments_payments")
        return float((rows["DAYS_ENTRY_PAYMENT"] > rows["DAYS_INSTALMENT"]).mean())

    assert late_share(out) > 1.8 * late_share(undrifted[0])
    pd.testing.assert_frame_equal(read(out, "bureau"), read(undrifted[0], "bureau"))


def test_age_drift_ages_the_population(undrifted: tuple[Path, object], tmp_path: Path) -> None:
    out, _ = _drifted(tmp_path, "age=5")
    base, drifted = read(undrifted[0], "application_train"), read(out, "application_train")
    years = (base["DAYS_BIRTH"] - drifted["DAYS_BIRTH"]).mean() / 365.25
    assert years == pytest.approx(5, abs=0.01)


def test_parse_drift_reads_a_spec() -> None:
    assert parse_drift("income=-0.2, contract_type=0.3") == {"income": -0.2, "contract_type": 0.3}
    assert parse_drift(None) is None and parse_drift("  ") is None


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        ("salary=0.1", "'salary'"),
        ("income", "'income'"),
        ("income=abc", "income"),
        ("contract_type=1.5", "contract_type"),
        ("income=-1", "income"),
        ("age=1,age=2", "'age'"),
    ],
)
def test_bad_drift_spec_is_refused_with_its_key(spec: str, fragment: str) -> None:
    with pytest.raises(GenerationError, match=fragment):
        parse_drift(spec)


def test_unknown_drift_key_lists_the_valid_keys() -> None:
    with pytest.raises(GenerationError) as error:
        parse_drift("salary=0.1")
    assert all(key in str(error.value) for key in DRIFT_KEYS)


# --- failures, CLI ------------------------------------------------------------------------------------------


def test_too_few_clients_is_refused(tmp_path: Path) -> None:
    with pytest.raises(GenerationError, match="clients"):
        generate_tables(3, 1, tmp_path)


def test_a_failing_generation_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("card generation broke")

    monkeypatch.setattr(generate_module, "card_table", broken)
    with pytest.raises(RuntimeError, match="card generation broke"):
        generate_tables(40, 1, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_cli_generate_writes_the_tables(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["generate", "--clients", "50", "--seed", "3", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "oracle AUC" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{name}.csv" for name in OUTPUTS)


def test_cli_generate_refuses_a_bad_drift(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["generate", "--clients", "50", "--out", str(tmp_path), "--drift", "wage=1"]
    )
    assert result.exit_code == 2
    assert "wage" in result.output
    assert list(tmp_path.iterdir()) == []


def test_cli_calibrate_writes_the_statistics(sample_rows: Path, tmp_path: Path) -> None:
    target = tmp_path / "calibration.json"
    result = CliRunner().invoke(app, ["calibrate", "--sample", str(sample_rows), "--out", str(target)])
    assert result.exit_code == 0, result.output
    assert json.loads(target.read_text())["tables"].keys() == load_calibration()["tables"].keys()


def test_cli_calibrate_names_a_missing_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["calibrate", "--sample", str(tmp_path), "--out", str(tmp_path / "c.json")]
    )
    assert result.exit_code == 2
    assert "application_train.csv" in result.output
