"""Retrain -> challenger -> promote: the same out-of-time window for both models, the rule's margins, the
MLflow aliases, models/champion.json and the history of decisions."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine
from typer.testing import CliRunner

from scoring.cli import app
from scoring.home import Paths
from scoring.modeling.bundle import champion_version
from scoring.modeling.metrics import ece
from scoring.monitoring.challenger import PromotionRule
from scoring.monitoring.history import KEPT, PROMOTED, SKIPPED, read_history
from scoring.monitoring.labelled import retrain_data
from scoring.monitoring.labels import load_labels
from scoring.monitoring.retrain import RetrainRequest, retrain
from tests.monitoring.conftest import ID_OFFSET, SALT, SEASON_CLIENTS, copy_home, log_season
from tests.support.home import SMALL_HOME_TRAINING

WINDOW_DAYS = 60
LENIENT = PromotionRule(auc_margin=-1.0, cost_margin=-10.0, ece_tolerance=1.0, fairness_tolerance=1.0)
IMPOSSIBLE = PromotionRule(auc_margin=1.0)


def test_ece_of_calibrated_and_shifted_scores() -> None:
    import numpy as np

    rng = np.random.default_rng(0)
    p = rng.uniform(0.01, 0.5, 50_000)
    y = rng.random(50_000) < p
    assert ece(y, p) < 0.01
    assert ece(y, np.clip(p + 0.1, 0, 1)) == pytest.approx(0.1, abs=0.01)


@pytest.fixture(scope="module")
def home(monitoring_home: Paths, tmp_path_factory: pytest.TempPathFactory) -> tuple[Paths, Engine]:
    """A copy of the monitoring home with a labelled season in its log."""
    paths = Paths(tmp_path_factory.mktemp("retrain") / "home")
    copy_home(monitoring_home.home, paths.home)
    url = f"sqlite:///{paths.home / 'log.db'}"
    season = log_season(paths, url, paths.home / "season", seed=21, drift={"ext_source": -0.05})
    engine = create_engine(url)
    load_labels(season.labels_csv, engine, SALT.encode())
    return paths, engine


def _request(paths: Paths, engine: Engine, rule: PromotionRule, track: bool) -> RetrainRequest:
    config = replace(SMALL_HOME_TRAINING, track=track)
    return RetrainRequest(paths, engine, SALT.encode(), WINDOW_DAYS, 200, 10, rule, config)


def test_window_and_training_rows(home: tuple[Paths, Engine]) -> None:
    paths, engine = home
    data = retrain_data(paths.features, engine, SALT.encode(), WINDOW_DAYS)
    assert data.window["created_at"].min() >= data.start and data.training.height > 3_000
    assert data.from_log + data.window.height == SEASON_CLIENTS
    assert (data.training["SK_ID_CURR"] >= ID_OFFSET).sum() == data.from_log  # applicants: client-store rows
    assert {"CODE_GENDER", "DAYS_BIRTH"} <= {c.removeprefix("APP_") for c in data.window.columns}
    assert 0.25 < data.window.height / SEASON_CLIENTS < 0.4  # the last 60 of 182 days


@pytest.mark.slow
def test_retrain_promotes_keeps_and_records(home: tuple[Paths, Engine]) -> None:
    import mlflow

    paths, engine = home
    first = champion_version(paths.models)
    promoted = retrain(_request(paths, engine, LENIENT, track=True))
    assert promoted["outcome"] == PROMOTED and promoted["champion"] == first
    assert champion_version(paths.models) == promoted["challenger"] != first
    figures = promoted["metrics"]
    assert (
        figures["champion"]["version"] == first and figures["challenger"]["version"] == promoted["challenger"]
    )
    for side in ("champion", "challenger"):
        assert (
            0.5 < figures[side]["auc"] < 1
            and figures[side]["ece"] >= 0
            and figures[side]["cost_per_1000"] > 0
        )
        assert {"CODE_GENDER", "age band"} <= figures[side]["fairness"].keys()
    assert {c["check"] for c in promoted["checks"]} >= {"auc", "cost", "ece", "fairness: CODE_GENDER"}
    client = mlflow.MlflowClient(tracking_uri=f"sqlite:///{paths.mlflow_db}")
    version = promoted["registry"]["challenger"]
    for alias in ("champion", "challenger"):
        assert str(client.get_model_version_by_alias("credit-scoring", alias).version) == version

    kept = retrain(_request(paths, engine, IMPOSSIBLE, track=False))
    assert kept["outcome"] == KEPT and kept["champion"] == promoted["challenger"]
    assert champion_version(paths.models) == promoted["challenger"]
    assert any("failed auc" in r for r in kept["reasons"])
    assert kept["window"] == promoted["window"]  # the same out-of-time window for every comparison

    history = read_history(paths.model_history)
    assert [d["outcome"] for d in history] == [PROMOTED, KEPT]
    assert json.loads(paths.model_history.read_text()) == history


def test_small_window_is_skipped_and_recorded(home: tuple[Paths, Engine], tmp_path: Path) -> None:
    paths, engine = home
    before = len(read_history(paths.model_history))
    request = replace(_request(paths, engine, LENIENT, track=False), min_window=100_000)
    decision = retrain(request)
    assert decision["outcome"] == SKIPPED and "too small" in decision["reasons"][0]
    assert len(read_history(paths.model_history)) == before + 1


def test_cli_without_outcomes_records_a_skip(monitoring_home: Paths, tmp_path: Path) -> None:
    home = tmp_path / "home"
    copy_home(monitoring_home.home, home)
    env = {
        "SCORING_HOME": str(home),
        "SCORING_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}",
        "SCORING_LOG_SALT": SALT,
    }
    result = CliRunner().invoke(app, ["retrain", "--json", "--no-mlflow"], env=env)
    assert result.exit_code == 0, result.output
    decision = json.loads(result.output)
    assert decision["outcome"] == SKIPPED and "scoring labels" in decision["reasons"][0]
    assert read_history(Paths(home).model_history)[-1] == decision
    bad = CliRunner().invoke(app, ["retrain", "--auc-margin", "-1"], env=env)
    assert bad.exit_code == 2 and "promote_auc_margin" in bad.output
