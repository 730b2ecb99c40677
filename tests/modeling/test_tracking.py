"""MLflow: the run logs parameters, metrics and artifacts; the promoted model gets the champion alias."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from scoring.modeling.bundle import load_bundle
from scoring.modeling.tracking import CHALLENGER_ALIAS, CHAMPION_ALIAS, MODEL_NAME, tracking_uri
from scoring.modeling.train import train_model
from tests.modeling.conftest import FAST_CONFIG, write_home

pytestmark = pytest.mark.slow  # MLflow


@pytest.mark.slow
def test_training_is_tracked_and_registered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    inputs = write_home(tmp_path, n=300, seed=7)
    first = train_model(inputs, replace(FAST_CONFIG, track=True))
    second = train_model(inputs, replace(FAST_CONFIG, track=True, seed=8))
    console = capfd.readouterr()
    for noise in ("CloudPickle", "registered model", "Created version", "Downloading artifacts", " INFO "):
        assert noise.lower() not in (console.out + console.err).lower(), noise  # MLflow registers quietly
    assert "MLFLOW_TRACKING_URI" not in os.environ  # not left pointing at this home's store
    assert (tmp_path / "mlflow.db").exists()

    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri(tmp_path))
    champion = client.get_model_version_by_alias(MODEL_NAME, CHAMPION_ALIAS)
    challenger = client.get_model_version_by_alias(MODEL_NAME, CHALLENGER_ALIAS)
    # each run registers its champion, then its challenger
    assert (first.registry_version, second.registry_version) == ("1", "3")
    assert (str(champion.version), str(challenger.version)) == ("3", "4")
    assert champion.tags["bundle_version"] == second.metadata["version"]
    assert challenger.tags["bundle_version"] == second.challenger["version"]
    assert challenger.tags["kind"] == "scorecard"
    run = client.get_run(second.metadata["mlflow_run_id"])
    assert run.data.metrics["cv_auc"] == pytest.approx(second.metadata["cv_metrics"]["auc"])
    assert run.data.params["strategy"] == second.metadata["strategy"]
    assert run.data.params["cost_w_fn"] == "10.0"
    assert run.info.artifact_uri.startswith((tmp_path / "mlruns").as_uri())
    artifacts = {a.path for a in client.list_artifacts(run.info.run_id, "model_card")}
    assert "model_card/cost.png" in artifacts
    tables = {a.path for a in client.list_artifacts(run.info.run_id)}
    assert {"candidates.json", "importance.json", "fairness.json", "scorecard_points.json"} <= tables

    import mlflow.pyfunc

    monkeypatch.setenv("MLFLOW_TRACKING_URI", tracking_uri(tmp_path))  # undone after the test
    served = mlflow.pyfunc.load_model(f"models:/{MODEL_NAME}@{CHALLENGER_ALIAS}")
    bundle = load_bundle(inputs.models, second.challenger["version"])
    sample = bundle.shap_sample()
    frame = sample.select(bundle.feature_names).to_pandas()
    np.testing.assert_allclose(served.predict(frame), sample["probability"].to_numpy())
