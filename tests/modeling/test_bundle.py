"""The model bundle: contract, round trip, checks, atomic writing and promotion."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import lightgbm as lgb
import numpy as np
import polars as pl
import pytest

from scoring.modeling.bundle import (
    BUNDLE_FILES,
    CALIBRATOR_FILE,
    CHAMPION_FILE,
    METADATA_FILE,
    SHAP_PREFIX,
    BundleContent,
    BundleError,
    check_bundle,
    load_bundle,
    promote,
    write_bundle,
)
from scoring.modeling.dataset import load_training_data
from scoring.modeling.integrity import write_checksums
from scoring.modeling.models import BLEND, LINEAR_FILE, SCORECARD, SCORECARD_FILE, model_files
from scoring.modeling.selection import SMALL_DATA_FEATURES
from scoring.modeling.train import train_model
from tests.modeling.conftest import FAST_CONFIG, write_home

CONTRACT_KEYS = {
    "version",
    "created_at",
    "kind",
    "model",
    "role",
    "monotone",
    "calibration",
    "feature_selection",
    "selection_rule",
    "repeats",
    "challenger",
    "scorecard",
    "features",
    "threshold",
    "cost",
    "cv_metrics",
    "candidates",
    "params",
    "n_train",
    "default_rate",
    "data_fingerprint",
    "reference_stats",
    "base_value",
}


def test_champion_points_to_a_complete_bundle(trained) -> None:
    inputs, result = trained
    pointer = json.loads((inputs.models / CHAMPION_FILE).read_text())
    assert pointer == {"version": result.metadata["version"], "path": result.metadata["version"]}
    directory = inputs.models / pointer["path"]
    files = [*BUNDLE_FILES, *model_files(result.metadata["model"])]
    assert sorted(p.name for p in directory.iterdir()) == sorted(files)
    assert not [p for p in inputs.models.iterdir() if p.name.startswith(".")]  # no temporary leftovers


def test_metadata_follows_the_contract(trained) -> None:
    inputs, result = trained
    bundle = load_bundle(inputs.models)
    meta = bundle.metadata
    assert set(meta) >= CONTRACT_KEYS
    assert meta["version"].endswith(meta["data_fingerprint"][:8])
    assert {"auc", "recall", "precision", "fbeta", "cost_per_1000", "cost_vs_accept_all", "threshold"} <= set(
        meta["cv_metrics"]
    )
    assert meta["cv_metrics"]["oracle_auc"] > 0.5
    assert {"brier", "log_loss", "ece", "mean_pd", "observed_rate", "auc_std", "ece_std"} <= set(
        meta["cv_metrics"]
    )
    assert meta["calibration"]["method"] in {"platt", "isotonic", "venn_abers"}
    assert sum(meta["calibration"]["reliability"]["clients"]) == meta["n_train"]
    assert meta["role"] == "champion" and meta["challenger"]["role"] == "challenger"
    assert meta["feature_selection"]["max_features"] == SMALL_DATA_FEATURES  # few rows: the small cap
    assert meta["feature_selection"]["n_selected"] <= meta["feature_selection"]["max_features"]
    # the bundle lists exactly the features its model uses
    assert [f["name"] for f in meta["features"]] == load_bundle(inputs.models).model.names
    dictionary = {e["name"]: e for e in json.loads(inputs.dictionary.read_text())}
    for f in meta["features"]:  # label, kind and levels from the dictionary
        entry = dictionary[f["name"]]
        assert (f["label"], f["kind"], f["levels"]) == (entry["label"], entry["kind"], entry["levels"] or [])
    assert set(meta["reference_stats"]["APP_EXT_SOURCE_2"]) >= {
        "mean",
        "std",
        "min",
        "max",
        "q50",
        "missing_share",
    }
    assert 0.05 < meta["reference_stats"]["APP_EXT_SOURCE_2"]["missing_share"] < 0.3
    assert meta["cost"]["w_fn"] == 10 and meta["cost"]["mode"] == "count"
    assert sum(r["selected"] for r in meta["candidates"]) == 1


def test_the_probability_is_the_calibrated_raw_score(trained) -> None:
    inputs, _ = trained
    bundle = load_bundle(inputs.models)
    data = load_training_data(inputs.features, inputs.dictionary).select(bundle.feature_names)
    calibrator = json.loads((bundle.path / CALIBRATOR_FILE).read_text())
    assert calibrator["method"] == bundle.metadata["calibration"]["method"]
    np.testing.assert_array_equal(bundle.predict_proba(data.X), bundle.calibrate(bundle.raw_score(data.X)))
    assert bundle.predict_proba(data.X).mean() == pytest.approx(data.y.mean(), rel=0.25)
    sample = bundle.shap_sample()
    np.testing.assert_array_equal(
        bundle.predict_proba(bundle.matrix(sample)), sample["probability"].to_numpy()
    )


def test_missing_category_code_scores_like_a_missing_value() -> None:
    """Training reads the code -1 as missing; served vectors may carry -1: LightGBM must agree."""
    rng = np.random.default_rng(0)
    code = rng.integers(0, 3, 2000).astype(np.float32)
    code[rng.random(2000) < 0.2] = np.nan
    y = ((code == 2) | (np.isnan(code) & (rng.random(2000) < 0.7))).astype(int)
    X = np.column_stack([code, rng.normal(size=2000)]).astype(np.float32)
    data = lgb.Dataset(X, y, categorical_feature=[0], params={"verbose": -1})
    booster = lgb.train({"objective": "binary", "verbose": -1, "min_data_per_group": 5}, data, 20)
    with_code = X.copy()
    with_code[np.isnan(code), 0] = -1
    np.testing.assert_array_equal(booster.predict(with_code), booster.predict(X))
    assert booster.predict(X)[np.isnan(code)].mean() > 0.6  # the missing category does drive the score


def test_shap_values_add_up_to_the_raw_score(trained) -> None:
    inputs, _ = trained
    bundle = load_bundle(inputs.models)
    sample = bundle.shap_sample()
    X = bundle.matrix(sample)
    stored = sample.select([SHAP_PREFIX + n for n in bundle.feature_names]).to_numpy()
    np.testing.assert_allclose(stored.sum(axis=1) + bundle.base_value, bundle.raw_score(X), atol=1e-9)
    shap = bundle.contributions(X)
    np.testing.assert_allclose(shap.values, stored, atol=1e-12)
    assert shap.base_value == bundle.base_value


def test_tables_for_the_dashboard(trained) -> None:
    inputs, result = trained
    bundle = load_bundle(inputs.models)
    oof = bundle.oof()
    assert oof.columns == ["SK_ID_CURR", "TARGET", "probability", "raw_score", "APP_AMT_CREDIT"]
    assert ((oof["probability"] > 0) & (oof["probability"] < 1)).all()
    assert oof.height == result.metadata["n_train"]
    importance = bundle.importance()
    shap = [r["mean_abs_shap"] for r in importance]
    assert shap == sorted(shap, reverse=True)
    assert {r["feature"] for r in importance} == set(bundle.feature_names)
    assert bundle.shap_sample()["TARGET"].mean() == pytest.approx(result.metadata["default_rate"], abs=0.03)


def _copy_bundle(inputs, tmp_path: Path) -> Path:
    models = tmp_path / "models"
    shutil.copytree(inputs.models, models)
    return models


def test_a_bundle_that_fails_its_checks_is_not_promoted(trained, tmp_path: Path) -> None:
    inputs, result = trained
    models = _copy_bundle(inputs, tmp_path)
    version = result.metadata["version"]
    meta_path = models / version / METADATA_FILE
    meta = json.loads(meta_path.read_text())
    bad = tmp_path / "models" / "bad"
    shutil.copytree(models / version, bad)
    (bad / METADATA_FILE).write_text(json.dumps({**meta, "threshold": 1.5}))
    assert any("threshold" in p for p in check_bundle(bad))
    with pytest.raises(BundleError, match="not promoted"):
        promote(models, "bad")
    assert json.loads((models / CHAMPION_FILE).read_text())["version"] == version


def test_changed_predictions_are_detected(trained, tmp_path: Path) -> None:
    inputs, result = trained
    models = _copy_bundle(inputs, tmp_path)
    directory = models / result.metadata["version"]
    sample = pl.read_parquet(directory / "shap_sample.parquet")
    sample.with_columns(pl.col("probability") + 1e-9).write_parquet(directory / "shap_sample.parquet")
    assert any("shap_sample.parquet differs from its checksum" in p for p in check_bundle(directory))
    write_checksums(directory)  # a file changed and re-signed: the predictions check still sees it
    assert any("predictions" in p for p in check_bundle(directory))
    (directory / "oof.parquet").unlink()
    assert check_bundle(directory) == ["missing file(s): oof.parquet"]


def test_write_bundle_leaves_nothing_when_checks_fail(trained, tmp_path: Path) -> None:
    inputs, result = trained
    bundle = load_bundle(inputs.models)
    meta = {**bundle.metadata, "version": "broken", "base_value": bundle.base_value + 1.0}
    content = BundleContent(
        bundle.model, bundle.calibrator, meta, bundle.importance(), bundle.shap_sample(), bundle.oof()
    )
    models = tmp_path / "models"
    with pytest.raises(BundleError, match="contributions"):
        write_bundle(models, content)
    assert list(models.iterdir()) == []
    good = replace(content, metadata={**meta, "base_value": bundle.base_value, "version": "good"})
    assert write_bundle(models, good) == models / "good"
    with pytest.raises(BundleError, match="already exists"):
        write_bundle(models, good)


def test_load_bundle_without_a_champion_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(BundleError, match="run `scoring train`"):
        load_bundle(tmp_path)


def test_the_scorecard_challenger_has_the_same_interface(trained) -> None:
    inputs, result = trained
    challenger = load_bundle(inputs.models, result.challenger["version"])
    assert challenger.kind == SCORECARD and challenger.metadata["role"] == "challenger"
    assert challenger.metadata["challenger"]["version"] == result.metadata["version"]
    data = load_training_data(inputs.features, inputs.dictionary).select(challenger.feature_names)
    raw = challenger.raw_score(data.X)
    np.testing.assert_allclose(challenger.contributions(data.X).raw_score(), raw)
    np.testing.assert_array_equal(challenger.predict_proba(data.X), challenger.calibrate(raw))
    points = challenger.metadata["scorecard"]
    assert points == result.metadata["scorecard"]
    assert {r["feature"] for r in points} == set(challenger.feature_names)
    assert not check_bundle(challenger.path)


def test_a_blend_with_both_partners_serves_the_same_contract(tmp_path: Path, monkeypatch) -> None:
    """LightGBM + logistic regression + scorecard: both partner files, the scorecard reading only its own
    characteristics (3 of the 7 here), contributions adding up, equal shares out of fold, a bundle that passes
    its checks."""
    monkeypatch.setattr("scoring.modeling.train.SCORECARD_FEATURES", 3)
    inputs = write_home(tmp_path, n=600)
    name = "LightGBM + logistic regression + scorecard"
    result = train_model(inputs, replace(FAST_CONFIG, model=name))
    bundle = load_bundle(inputs.models)
    spec = bundle.metadata["model"]
    assert bundle.kind == BLEND and spec["linear"] == LINEAR_FILE and spec["scorecard"] == SCORECARD_FILE
    assert {LINEAR_FILE, SCORECARD_FILE} <= set(model_files(spec)) and spec["weight"] == pytest.approx(1 / 3)
    linear, scorecard = bundle.model.partners
    assert linear.names == tuple(bundle.feature_names)
    assert len(scorecard.names) == 3 and set(scorecard.names) < set(linear.names)
    data = load_training_data(inputs.features, inputs.dictionary).select(bundle.feature_names)
    np.testing.assert_allclose(bundle.contributions(data.X).raw_score(), bundle.raw_score(data.X))
    scores = {c: e.oof.raw for c, e in result.comparison.evaluated.items()}
    mixed = (scores["LightGBM"] + scores["logistic regression"] + scores["scorecard"]) / 3
    np.testing.assert_allclose(scores[name], mixed)
    assert not check_bundle(bundle.path)
