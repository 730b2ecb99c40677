"""Training on a tiny data set: candidates, threshold, quality checks, model card, CLI and tuning."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from scoring.cli import app
from scoring.modeling.bundle import load_bundle
from scoring.modeling.cost import CostSpec
from scoring.modeling.metrics import decision_metrics
from scoring.modeling.threshold import curve_for
from scoring.modeling.train import ConfigError, TrainConfig, train_model
from tests.modeling.conftest import FAST_CONFIG, write_home


def test_candidates_table_compares_baselines_and_strategies(trained) -> None:
    _, result = trained
    rows = result.metadata["candidates"]
    assert [r["candidate"] for r in rows] == [
        "dummy (prior)",
        "logistic regression",
        "LightGBM none",
        "LightGBM class_weight",
        "LightGBM undersample",
        "LightGBM smote",
    ]
    dummy = rows[0]  # a constant per fold: pooled out-of-fold AUC is about 0.5
    assert dummy["auc"] == pytest.approx(0.5, abs=0.05)
    selected = [r for r in rows if r["selected"]]
    assert len(selected) == 1 and selected[0]["model"] == "lightgbm"
    cheapest = min(r["cost_per_1000"] for r in rows if r["model"] == "lightgbm")
    assert selected[0]["cost_per_1000"] == cheapest
    assert result.metadata["strategy"] == selected[0]["strategy"]


def test_threshold_minimises_the_out_of_fold_cost(trained) -> None:
    inputs, result = trained
    meta = result.metadata
    oof = load_bundle(inputs.models).oof()
    y, prob = oof["TARGET"].to_numpy(), oof["probability"].to_numpy()
    curve = curve_for(y, prob, CostSpec())
    assert meta["threshold"] == curve.best_threshold
    m = meta["cv_metrics"]
    assert m["cost_per_1000"] == pytest.approx(1000 * curve.cost.min() / len(y))
    assert m["cost_per_1000"] < m["accept_all_cost_per_1000"]
    assert m["cost_per_1000"] <= m["cost_per_1000_at_0_5"]
    again = decision_metrics(y, prob, meta["threshold"], CostSpec())
    assert again["auc"] == pytest.approx(m["auc"])
    assert any("accept everyone" in line and line.endswith("OK") for line in result.quality_lines())
    assert any("oracle AUC" in line for line in result.quality_lines())


def test_model_card_has_figures_and_tables(trained) -> None:
    _, result = trained
    card = result.card_path.read_text()
    for image in ("roc.png", "cost.png", "confusion.png", "calibration.png", "importance.png"):
        assert f'src="{image}"' in card
        assert (result.card_path.parent / image).stat().st_size > 5_000
    assert "LightGBM smote" in card and "logistic regression" in card
    assert "CODE_GENDER" in card and "age band" in card and "approval ratio" in card
    fairness = result.metadata["fairness"]
    assert {r["attribute"] for r in fairness} == {"CODE_GENDER", "age band"}
    assert all(r["flagged"] == (r["approval_ratio"] < 0.8) for r in fairness)


def test_monetary_cost_is_reported_in_currency(tmp_path: Path) -> None:
    inputs = write_home(tmp_path, n=400, seed=3)
    spec = CostSpec(mode="monetary", loss_given_default=0.6)
    result = train_model(inputs, replace(FAST_CONFIG, cost=spec))
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
    result = train_model(inputs, replace(FAST_CONFIG, tune_trials=3, tune_metric="auc"))
    tuning = result.metadata["tuning"]
    assert tuning["trials"] == 3 and tuning["metric"] == "auc"
    assert result.metadata["params"]["num_leaves"] == tuning["params"]["num_leaves"]
    assert 0.5 < tuning["score"] <= 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"tune_metric": "accuracy"}, "tuning metric"),
        ({"folds": 1}, "folds = 1"),
        ({"tune_trials": -1}, "negative"),
    ],
)
def test_invalid_settings_are_rejected(kwargs: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        TrainConfig(**kwargs)


def test_cli_train_and_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_home(tmp_path, n=300, seed=5)
    monkeypatch.setenv("SCORING_HOME", str(tmp_path))
    runner = CliRunner()
    args = ["train", "--no-mlflow", "--no-progress", "--folds", "2", "--compare-folds", "2", "--w-fn", "5"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Threshold" in result.output and "promoted to champion" in result.output
    meta = load_bundle(tmp_path / "models").metadata
    assert meta["cost"]["w_fn"] == 5 and meta["folds"] == 2
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
