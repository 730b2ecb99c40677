"""Training on a tiny data set: selection, candidates, calibration, threshold, quality checks, card, CLI."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from scipy.special import expit
from typer.testing import CliRunner

from scoring.cli import app
from scoring.modeling.bundle import load_bundle
from scoring.modeling.candidates import pick
from scoring.modeling.cost import CostSpec
from scoring.modeling.dataset import load_training_data
from scoring.modeling.selection import MAX_FEATURES, SMALL_DATA_FEATURES, default_max_features
from scoring.modeling.threshold import curve_for
from scoring.modeling.train import ConfigError, TrainConfig, train_model
from tests.modeling.conftest import FAST_CONFIG, write_home


def test_candidates_are_compared_by_repeated_cv(trained) -> None:
    _, result = trained
    rows = result.metadata["candidates"]
    assert [r["candidate"] for r in rows] == [
        "dummy (prior)",
        "scorecard",
        "logistic regression",
        "LightGBM",
        "LightGBM undersample",
        "LightGBM + logistic regression",
        "LightGBM + logistic regression + scorecard",
    ]
    assert all(r["repeats"] == FAST_CONFIG.repeats for r in rows)
    assert all({"auc_std", "cost_per_1000_std", "ece_std"} <= set(r) for r in rows)
    assert rows[0]["auc"] == pytest.approx(0.5, abs=0.06)  # the prior ranks no one
    selected = [r for r in rows if r["selected"]]
    assert len(selected) == 1 and selected[0]["eligible"]
    assert selected[0] == pick(rows)
    assert result.metadata["candidate"] == selected[0]["candidate"]


def test_threshold_minimises_the_cost_of_the_calibrated_oof(trained) -> None:
    inputs, result = trained
    meta = result.metadata
    evaluated = result.comparison.evaluated[meta["candidate"]]
    data = load_training_data(inputs.features, inputs.dictionary)
    y = np.tile(data.y, evaluated.oof.repeats)
    curve = curve_for(y, evaluated.calibrated.ravel(), CostSpec())
    assert meta["threshold"] == curve.best_threshold
    m = meta["cv_metrics"]
    assert m["cost_per_1000"] == pytest.approx(1000 * curve.cost.min() / len(y))
    assert m["cost_per_1000"] < m["accept_all_cost_per_1000"]
    assert m["cost_per_1000"] <= m["cost_per_1000_at_0_5"]
    assert any("accept everyone" in line and line.endswith("OK") for line in result.quality_lines())
    assert any("oracle AUC" in line for line in result.quality_lines())


def test_undersampling_is_calibrated_out_of_fold(tmp_path: Path) -> None:
    """Forced undersampling: the raw model says far more than the default rate, the calibrated one not."""
    inputs = write_home(tmp_path, n=3_000, seed=9)
    config = replace(FAST_CONFIG, repeats=1, strategies=("undersample",), model="LightGBM undersample")
    result = train_model(inputs, config)
    meta = result.metadata
    assert meta["candidate"] == "LightGBM undersample" and meta["strategy"] == "undersample"
    oof = load_bundle(inputs.models).oof()
    observed = oof["TARGET"].mean()
    assert expit(oof["raw_score"].to_numpy()).mean() > 2.5 * observed
    m = meta["cv_metrics"]
    assert m["ece"] <= 0.02
    assert abs(m["mean_pd"] / m["observed_rate"] - 1) <= 0.10
    assert abs(meta["threshold"] - 1 / 11) < 0.04  # costs 10 : 1 on honest probabilities
    assert any("ECE" in line and line.endswith("OK") for line in result.quality_lines())


def test_model_card_has_figures_and_tables(trained) -> None:
    _, result = trained
    card = result.card_path.read_text()
    for image in ("roc.png", "cost.png", "confusion.png", "calibration.png", "importance.png"):
        assert f'src="{image}"' in card
        assert (result.card_path.parent / image).stat().st_size > 5_000
    for text in (
        "LightGBM undersample",
        "AUC std",
        "Champion and challenger",
        "Feature selection",
        "Scorecard points",
        "Monotone constraints",
        "venn_abers",
        "ECE",
        "Brier",
        "log-loss",
    ):
        assert text in card
    assert "CODE_GENDER" in card and "age band" in card and "approval ratio" in card
    selection = result.metadata["feature_selection"]
    assert selection["n_built"] == selection["n_input"] + 1  # APP_CODE_GENDER is built, never a model input
    counts = (
        f"{selection['n_built']} features built, {selection['n_selected']} selected, "
        f"the champion uses {len(result.metadata['features'])}"
    )
    assert counts in card
    fairness = result.metadata["fairness"]
    assert {r["attribute"] for r in fairness} == {"CODE_GENDER", "age band"}
    assert all(r["flagged"] == (r["approval_ratio"] < 0.8) for r in fairness)


def test_monetary_cost_is_reported_in_currency(tmp_path: Path) -> None:
    inputs = write_home(tmp_path, n=400, seed=3)
    spec = CostSpec(mode="monetary", loss_given_default=0.6)
    result = train_model(inputs, replace(FAST_CONFIG, cost=spec, repeats=1))
    meta = result.metadata
    assert meta["cost"]["mode"] == "monetary" and meta["cost"]["unit"] == "currency"
    oof = load_bundle(inputs.models).oof()
    amount = oof["APP_AMT_CREDIT"].to_numpy()
    y = oof["TARGET"].to_numpy()
    # accepting everyone loses 60% of the credit of every defaulter
    expected = 1000 * 0.6 * amount[y == 1].sum() / len(y)
    assert meta["cv_metrics"]["accept_all_cost_per_1000"] == pytest.approx(expected)
    assert "Cost per 1,000 applicants:" in result.describe() and " currency " in result.describe()


def test_tuning_runs_trials_and_keeps_their_parameters(tmp_path: Path) -> None:
    inputs = write_home(tmp_path, n=400, seed=4)
    config = replace(FAST_CONFIG, tune_trials=3, tune_metric="auc", repeats=1, model="LightGBM")
    result = train_model(inputs, config)
    tuning = result.metadata["tuning"]
    assert tuning["trials"] == 3 and tuning["metric"] == "auc"
    assert result.metadata["params"]["num_leaves"] == tuning["params"]["num_leaves"]
    assert 0.5 < tuning["score"] <= 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"tune_metric": "accuracy"}, "--tune-metric 'accuracy' is not one of cost, auc"),
        ({"folds": 1}, "--folds should be greater than or equal to 2, got 1"),
        ({"repeats": 0}, "--repeats should be greater than or equal to 1, got 0"),
        ({"max_features": -1}, "--max-features should be greater than or equal to 0, got -1"),
        ({"tune_trials": -1}, "--tune-trials should be greater than or equal to 0"),
        ({"tune_minutes": -0.5}, "--tune-minutes should be greater than or equal to 0"),
        ({"threads": "two"}, "--threads should be a valid integer"),
        ({"strategies": ("oversample",)}, "--strategies oversample: each must be one of"),
        ({"model": "random forest"}, "--model 'random forest' is not one of auto, scorecard"),
    ],
)
def test_invalid_settings_are_rejected(kwargs: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        TrainConfig(**kwargs)


def test_the_settings_validate_every_field_at_once_and_on_replace() -> None:
    with pytest.raises(ConfigError, match="--folds .*; --repeats "):
        TrainConfig(folds=1, repeats=0)
    with pytest.raises(ConfigError, match="--shap-rows"):
        replace(FAST_CONFIG, shap_rows=0)
    assert TrainConfig(CostSpec(), folds=3).folds == 3  # positional, as the CLI builds it


def test_cli_names_the_invalid_option_without_a_traceback() -> None:
    result = CliRunner().invoke(app, ["train", "--no-mlflow", "--folds", "1"])
    assert result.exit_code == 2
    assert "--folds should be greater than or equal to 2, got 1" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("rows", "cap"), [(6_999, SMALL_DATA_FEATURES), (19_999, SMALL_DATA_FEATURES), (20_000, MAX_FEATURES)]
)
def test_the_selection_keeps_fewer_features_of_a_small_data_set(rows: int, cap: int) -> None:
    assert default_max_features(rows) == cap


@pytest.mark.training  # a full training through the CLI (the tiers cannot follow a Typer app)
def test_cli_train_makes_the_scorecard_champion(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_home(tmp_path, n=300, seed=5)
    monkeypatch.setenv("SCORING_HOME", str(tmp_path))
    runner = CliRunner()
    args = ["train", "--no-mlflow", "--no-progress", "--folds", "2", "--repeats", "1", "--w-fn", "5"]
    result = runner.invoke(app, [*args, "--model", "scorecard", "--strategies", "none"])
    assert result.exit_code == 0, result.output
    assert "Threshold" in result.output and "promoted to champion" in result.output
    bundle = load_bundle(tmp_path / "models")
    meta = bundle.metadata
    selection, used = meta["feature_selection"], len(meta["features"])
    built, selected = selection["n_built"], selection["n_selected"]
    counts = f"Features: {built} features built, {selected} selected, the champion uses {used}"
    assert counts in result.output.splitlines()
    assert bundle.kind == "scorecard" and meta["cost"]["w_fn"] == 5 and meta["folds"] == 2
    assert meta["challenger"]["kind"] != "scorecard" and meta["scorecard"]
    bad = runner.invoke(app, ["train", "--no-mlflow", "--cost", "euros"])
    assert bad.exit_code == 2 and "cost mode 'euros'" in bad.output
    (tmp_path / "data" / "processed" / "features.parquet").unlink()
    missing = runner.invoke(app, ["train", "--no-mlflow"])
    assert missing.exit_code == 2 and "run `scoring features` first" in missing.output


def test_bundle_sample_matches_training_rows(trained) -> None:
    inputs, _ = trained
    bundle = load_bundle(inputs.models)
    sample = bundle.shap_sample()
    assert sample.height == FAST_CONFIG.shap_rows
    assert json.loads(json.dumps(bundle.metadata))["n_train"] == 600
    assert np.isin(sample["SK_ID_CURR"].to_numpy(), bundle.oof()["SK_ID_CURR"].to_numpy()).all()
