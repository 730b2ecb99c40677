"""Every path that loads a model verifies its signature, not only the API: `scoring score`, `scoring
evaluate`, `scoring drift`, promotion, the retraining loop and the MLflow pyfunc refuse the issue's tampering
(an intercept of -13 written into `linear.json` and its checksum recomputed in `metadata.json`)
with the reason and no traceback, and load the bundle as the product signed it."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from scoring.cli import app
from scoring.home import Paths
from scoring.modeling.bundle import METADATA_FILE, BundleError, champion_version, load_bundle, promote
from scoring.modeling.integrity import write_checksums
from scoring.modeling.models import LINEAR_FILE
from scoring.modeling.pyfunc import BundleModel
from scoring.modeling.signing import SIGNATURE
from scoring.modeling.train import TrainInputs, train_model
from scoring.monitoring.retrain import RetrainError, RetrainRequest, retrain
from scoring.vocabulary import Engine
from tests.support.home import FAST_TRAINING

REFUSED = "is not trusted: the signature of metadata.json does not match its content"


@pytest.fixture(scope="module")
def linear_home(demo_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo home whose champion is a logistic regression (`linear.json`), signed by its key."""
    home = tmp_path_factory.mktemp("linear") / "home"
    shutil.copytree(demo_home, home, ignore=shutil.ignore_patterns("serving", "mlruns", "reports"))
    train_model(TrainInputs.from_paths(Paths(home)), replace(FAST_TRAINING, model="logistic regression"))
    return home


@pytest.fixture
def home(linear_home: Path, tmp_path: Path) -> Path:
    """A fresh copy of that home for one test (free to tamper with)."""
    copy = tmp_path / "home"
    shutil.copytree(linear_home, copy)
    return copy


def bundle_dir(home: Path) -> Path:
    models = Paths(home).models
    return models / champion_version(models)


def tamper(directory: Path) -> None:
    """The issue's attack: refused clients turned into accepted ones, the checksum recomputed to match."""
    path = directory / LINEAR_FILE
    linear = json.loads(path.read_text())
    linear["intercept"] = -13.0
    path.write_text(json.dumps(linear))
    write_checksums(directory)


def run(home: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env={"SCORING_HOME": str(home)})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_the_champion_is_linear_and_signed(home: Path) -> None:
    directory = bundle_dir(home)
    metadata = json.loads((directory / METADATA_FILE).read_text())
    assert metadata["model"]["linear"] == LINEAR_FILE and len(metadata[SIGNATURE]["value"]) == 64
    assert load_bundle(Paths(home).models).version == directory.name  # the home's own key by default


def test_batch_scoring_refuses_a_rehashed_change(home: Path, tmp_path: Path) -> None:
    code, output = run(home, "score", "--out", str(tmp_path / "scores"), "--no-reasons")
    assert code == 0, output
    tamper(bundle_dir(home))
    code, output = run(home, "score", "--out", str(tmp_path / "again"), "--no-reasons")
    assert code == 2 and f"error: bundle {bundle_dir(home).name} {REFUSED}" in output
    assert "Traceback" not in output and not (tmp_path / "again").exists()


def test_evaluate_refuses_a_rehashed_change(home: Path) -> None:
    data = str(home / "data" / "raw" / "application_train.csv")
    code, output = run(home, "evaluate", "--data", data, "--json")
    assert code == 0, output
    tamper(bundle_dir(home))
    code, output = run(home, "evaluate", "--data", data, "--json")
    assert code == 2 and f"bundle {bundle_dir(home).name} {REFUSED}" in output and "Traceback" not in output


def test_drift_refuses_a_rehashed_change(home: Path) -> None:
    tamper(bundle_dir(home))
    code, output = run(home, "drift", "--current", "test")
    assert code == 2 and f"bundle {bundle_dir(home).name} {REFUSED}" in output and "Traceback" not in output
    assert not (home / "reports" / "drift").exists() or not any((home / "reports" / "drift").iterdir())


def test_promotion_and_retraining_refuse_it(home: Path) -> None:
    directory = bundle_dir(home)
    tamper(directory)
    with pytest.raises(BundleError, match="not promoted: not trusted: the signature of metadata.json"):
        promote(Paths(home).models, directory.name)
    request = RetrainRequest(Paths(home), Engine.DUCKDB, b"salt")
    with pytest.raises(RetrainError, match=f"no champion to compare with: bundle {directory.name} {REFUSED}"):
        retrain(request)


def test_the_pyfunc_verifies_with_the_key_of_its_home(home: Path, tmp_path: Path) -> None:
    """As MLflow loads it: the bundle copied among the run's artifacts, away from the home's key file."""
    artifact = tmp_path / "mlruns" / "artifacts" / "bundle"
    shutil.copytree(bundle_dir(home), artifact)
    model = BundleModel(home)
    model.load_context(SimpleNamespace(artifacts={"bundle": str(artifact)}))
    assert model.bundle is not None and model.bundle.kind == "linear"
    tamper(artifact)
    with pytest.raises(BundleError, match=REFUSED):
        BundleModel(home).load_context(SimpleNamespace(artifacts={"bundle": str(artifact)}))
    with pytest.raises(BundleError, match="not trusted: no model signing key"):  # a home without a key
        BundleModel(tmp_path / "elsewhere").load_context(SimpleNamespace(artifacts={"bundle": str(artifact)}))
