"""`scoring evaluate` on the sample rows (real, else synthetic): same features and scores as the training
pipeline, JSON output."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

from scoring.cli import app
from scoring.data.schema import SECONDARY_TABLES
from scoring.home import Paths
from scoring.modeling.bundle import load_bundle
from scoring.modeling.cost import CostSpec
from scoring.modeling.evaluate import evaluate_file
from scoring.modeling.metrics import decision_metrics, probability_metrics
from scoring.modeling.train import TrainInputs

pytestmark = pytest.mark.slow  # features of the sample rows' secondary tables, scored by the CLI

ROWS = 400  # the head of application_train: clients the demo home was trained on


@pytest.fixture(scope="module")
def real_home(
    demo_home: Path, sample_rows: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[TrainInputs, Path]:
    """The demo home (a model trained on the first sample rows, real else synthetic) and a CSV of
    application_train's head."""
    head = tmp_path_factory.mktemp("batch") / "application_train.csv"
    pl.read_csv(sample_rows / "application_train.csv", infer_schema=False).head(ROWS).write_csv(head)
    return TrainInputs.from_paths(Paths(demo_home)), head


def test_evaluation_equals_scoring_the_training_features(real_home, sample_rows: Path) -> None:
    inputs, head = real_home
    result = evaluate_file(head, inputs.models, raw_dir=sample_rows)
    assert set(result.tables) == set(SECONDARY_TABLES)  # all six are in the sample directory
    bundle = load_bundle(inputs.models)
    features = pl.read_parquet(inputs.features).filter(pl.col("SPLIT") == "train").head(ROWS)
    prob = bundle.predict_proba(bundle.matrix(features))
    y = features["TARGET"].to_numpy()
    amount = features["APP_AMT_CREDIT"].cast(pl.Float64).to_numpy()
    expected = decision_metrics(
        y, prob, bundle.threshold, CostSpec.from_dict(bundle.metadata["cost"]), amount
    ) | probability_metrics(y, prob)
    assert result.metrics == pytest.approx(expected)
    assert result.n_defaults == int(y.sum())


def test_cli_json_and_files_beside(real_home) -> None:
    inputs, head = real_home
    runner = CliRunner()
    env = {"SCORING_HOME": str(inputs.home)}
    # models live in <home>/models: the CLI finds them through SCORING_HOME
    out = runner.invoke(app, ["evaluate", "--data", str(head), "--json"], env=env)
    assert out.exit_code == 0, out.output
    report = json.loads(out.output)
    assert {"auc", "threshold", "cost_per_1000", "n", "n_defaults"} <= set(report)
    assert {"brier", "ece", "mean_pd", "observed_rate"} <= set(report)
    assert report["observed_rate"] == pytest.approx(report["n_defaults"] / report["n"])
    assert 0 < report["mean_pd"] < 0.3 and 0 <= report["ece"] < 0.2 and 0 < report["brier"] < 0.2
    assert report["n"] == ROWS and report["secondary_tables"] == []  # nothing beside the CSV
    assert 0.5 < report["auc"] <= 1 and np.isclose(report["threshold"], load_bundle(inputs.models).threshold)
    assert (
        report["expected_profit_per_1000"] == report["profit"]["expected_profit_per_1000"]
    )  # the offer's price
    text = runner.invoke(app, ["evaluate", "--data", str(head)], env=env)
    assert "confusion matrix" in text.output and "defaulted" in text.output
    assert "mean probability" in text.output and "ECE" in text.output


def test_cli_writes_one_score_per_row(real_home, tmp_path: Path) -> None:
    inputs, head = real_home
    env = {"SCORING_HOME": str(inputs.home)}
    target = tmp_path / "scores.csv"
    out = CliRunner().invoke(app, ["evaluate", "--data", str(head), "--out", str(target)], env=env)
    assert out.exit_code == 0, out.output
    scores = pl.read_csv(target)
    assert scores.columns == ["SK_ID_CURR", "probability", "decision"]
    expected = pl.read_csv(head, columns=["SK_ID_CURR"])["SK_ID_CURR"].to_list()
    assert scores["SK_ID_CURR"].to_list() == expected
    threshold = load_bundle(inputs.models).threshold
    expected_decisions = ["refuse" if p >= threshold else "accept" for p in scores["probability"]]
    assert scores["decision"].to_list() == expected_decisions
    assert set(expected_decisions) == {"accept", "refuse"}
    unwritable = CliRunner().invoke(
        app, ["evaluate", "--data", str(head), "--out", str(target / "x.csv")], env=env
    )
    assert unwritable.exit_code == 2 and "cannot be written" in unwritable.output


def test_unlabelled_file_is_refused(real_home, sample_rows: Path) -> None:
    inputs, _ = real_home
    out = CliRunner().invoke(
        app,
        ["evaluate", "--data", str(sample_rows / "application_test.csv")],
        env={"SCORING_HOME": str(inputs.home)},
    )
    assert out.exit_code == 2
    assert "application_test.csv: missing required column(s): TARGET" in out.output
