"""`scoring retrain --reject-inference METHOD`: the flag reaches the retrain, an unknown method is a clear
error, and a reject-inference retrain records its method in the challenger and in the decision."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine
from typer.testing import CliRunner

from scoring.cli import app
from scoring.home import Paths
from scoring.modeling.bundle import load_bundle
from scoring.monitoring.challenger import PromotionRule
from scoring.monitoring.history import SKIPPED
from scoring.monitoring.labels import load_labels
from scoring.monitoring.retrain import RetrainRequest, describe, retrain
from scoring.reject_inference.augment import FUZZY, RejectInferenceError, policy
from tests.monitoring.conftest import SALT, log_season, monitoring_home  # noqa: F401 - the fixture
from tests.support.home import SMALL_HOME_TRAINING

LENIENT = PromotionRule(auc_margin=-1.0, cost_margin=-10.0, ece_tolerance=1.0, fairness_tolerance=1.0)


def _env(tmp_path: Path) -> dict[str, str]:
    return {
        "SCORING_HOME": str(tmp_path / "home"),
        "SCORING_DATABASE_URL": f"sqlite:///{tmp_path / 'log.db'}",
        "SCORING_LOG_SALT": SALT,
    }


def test_the_flag_reaches_the_retrain(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[RetrainRequest] = []

    def fake(request: RetrainRequest) -> dict:
        seen.append(request)
        return {"outcome": SKIPPED, "champion": None, "challenger": None, "reasons": ["recorded"]}

    monkeypatch.setattr("scoring.monitoring.retrain.retrain", fake)
    for argv, method in ((["--reject-inference", "fuzzy"], "fuzzy"), ([], policy().default)):
        result = CliRunner().invoke(app, ["retrain", "--no-mlflow", *argv], env=_env(tmp_path))
        assert result.exit_code == 0, result.output
        assert seen[-1].reject_inference == method


def test_an_unknown_method_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["retrain", "--reject-inference", "augur"], env=_env(tmp_path))
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "--reject-inference 'augur' is not one of none, fuzzy, parcelling" in result.output


def test_the_library_refuses_an_unknown_method_before_training(tmp_path: Path) -> None:
    request = RetrainRequest(Paths(tmp_path), create_engine("sqlite://"), b"salt", reject_inference="augur")
    with pytest.raises(RejectInferenceError, match="--reject-inference"):
        retrain(request)


@pytest.fixture(scope="module")
def home(monitoring_home: Paths, tmp_path_factory: pytest.TempPathFactory) -> tuple[Paths, Engine]:  # noqa: F811
    """A copy of the monitoring home with a labelled season in its log."""
    paths = Paths(tmp_path_factory.mktemp("reject-inference") / "home")
    shutil.copytree(monitoring_home.home, paths.home)
    url = f"sqlite:///{paths.home / 'log.db'}"
    season = log_season(paths, url, paths.home / "season", seed=23)
    engine = create_engine(url)
    load_labels(season.labels_csv, engine, SALT.encode())
    return paths, engine


@pytest.mark.slow
def test_a_fuzzy_retrain_records_its_method(home: tuple[Paths, Engine]) -> None:
    paths, engine = home
    config = replace(SMALL_HOME_TRAINING, track=False)
    request = RetrainRequest(
        paths, engine, SALT.encode(), 60, 200, 10, LENIENT, config, reject_inference=FUZZY
    )
    decision = retrain(request)
    rejects = decision["training"]["reject_inference"]
    assert rejects["method"] == FUZZY and rejects["refused"] > 0
    assert rejects["rows_added"] == 2 * rejects["refused"]  # each refused applicant as bad and as good
    assert 0 < rejects["inferred_defaults"] < rejects["refused"]
    challenger = load_bundle(paths.models, decision["challenger"])
    assert challenger.metadata["settings"]["reject_inference"] == FUZZY
    assert challenger.metadata["n_train"] == decision["training"]["clients"] + rejects["rows_added"]
    assert {c["check"] for c in decision["checks"]} >= {"auc", "cost", "ece"}
    card = (paths.home / decision["registry"]["model_card"]).read_text()
    assert "Reject inference <b>fuzzy</b>" in card
    assert "through the door" in card  # the card says why, with the figures the default was chosen on
    assert f"reject inference fuzzy: {rejects['rows_added']:,} rows inferred" in describe(decision)
