"""The synthetic generator: ground truth, drift, failures and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from scoring.cli import app
from scoring.data.schema import DAYS_EMPLOYED_ANOMALY
from scoring.data.synth import DRIFT_KEYS, GenerationError, generate_tables, parse_drift
from scoring.data.synth import generate as generate_module
from scoring.data.synth.sampling import Categorical
from scoring.data.synth.truth import risk_score
from scoring.data.twin_calibration import load_calibration
from tests.data.synth_population import OUTPUTS, calibrated, read

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
