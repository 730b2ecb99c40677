"""Batch scoring without Spark: `score_frame` (the one per-partition function) and the DuckDB engine."""

from __future__ import annotations

from pathlib import Path

import lightgbm as lgb
import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

from scoring.cli import app as cli
from scoring.explain.points import PointsScale
from scoring.modeling.bundle import Bundle, BundleError
from scoring.modeling.calibration import PLATT, Calibrator
from scoring.modeling.models import BoostedModel
from scoring.serving.batch import SCORE_SCHEMA, BatchError, BatchScorer, score_duckdb, score_frame
from scoring.vocabulary import Engine

ROWS = 1_000


@pytest.fixture(scope="module")
def features() -> pl.DataFrame:
    rng = np.random.default_rng(3)
    frame = pl.DataFrame({"SK_ID_CURR": np.arange(100_000, 100_000 + ROWS), "a": rng.normal(size=ROWS)})
    return frame.with_columns(b=pl.col("a") * 0.5 + rng.normal(size=ROWS), extra=pl.lit(1.0)).cast(
        {"a": pl.Float32, "b": pl.Float32}
    )


def _bundle(features: pl.DataFrame, threshold: float | None = None) -> Bundle:
    X = features.select("a", "b").to_numpy()
    y = (X[:, 0] + np.random.default_rng(0).normal(size=len(X)) > 0).astype(int)
    params = {"objective": "binary", "num_leaves": 4, "verbose": -1, "num_threads": 1, "seed": 1}
    booster = lgb.train(params, lgb.Dataset(X, y, feature_name=["a", "b"]), num_boost_round=5)
    if threshold is None:
        threshold = float(np.sort(booster.predict(X))[len(X) // 2])  # a probability some rows have
    metadata = {"version": "v-test", "threshold": threshold, "features": [{"name": "a"}, {"name": "b"}]}
    return Bundle(Path("unused"), BoostedModel((booster,)), Calibrator(PLATT), metadata)  # a=1, b=0: sigmoid


def _scorer(features: pl.DataFrame) -> BatchScorer:
    """Features a and b have no reason code: the unit tests score without reasons."""
    return BatchScorer(_bundle(features), PointsScale(), reasons=False)


def test_scores_decide_at_the_threshold(features: pl.DataFrame) -> None:
    scorer = _scorer(features)
    bundle = scorer.bundle
    scores = score_frame(scorer, features)
    assert scores.schema == pl.Schema(SCORE_SCHEMA)
    assert scores["SK_ID_CURR"].equals(features["SK_ID_CURR"])
    expected = bundle.predict_proba(bundle.matrix(features))
    np.testing.assert_allclose(expected, bundle.model.boosters[0].predict(bundle.matrix(features)), rtol=1e-9)
    np.testing.assert_array_equal(scores["probability"].to_numpy(), expected)
    refused = scores["probability"] >= bundle.threshold  # the threshold itself refuses
    assert (scores["decision"] == "refuse").equals(refused) and 0 < refused.sum() < ROWS
    at_threshold = scores["decision"].filter(scores["probability"] == bundle.threshold)
    assert at_threshold.len() > 0 and (at_threshold == "refuse").all()
    assert set(scores["threshold"]) == {bundle.threshold} and set(scores["model_version"]) == {"v-test"}
    five_percent = PointsScale().of(0.05)
    assert five_percent == pytest.approx(600.0)
    np.testing.assert_allclose(scores["points"], [PointsScale().of(p) for p in expected], rtol=1e-12)
    assert scores.select("reason_1", "reason_4").null_count().row(0) == (ROWS, ROWS)


def test_empty_frames_and_missing_features(features: pl.DataFrame) -> None:
    scorer = _scorer(features)
    assert score_frame(scorer, features.head(0)).schema == pl.Schema(SCORE_SCHEMA)
    with pytest.raises(BundleError, match=r"features missing.*\bb\b"):
        score_frame(scorer, features.drop("b"))


def test_duckdb_engine_scores_every_row_in_parts_and_replaces_the_output(
    features: pl.DataFrame, tmp_path: Path
) -> None:
    scorer = _scorer(features)
    path = tmp_path / "features.parquet"
    features.write_parquet(path)
    out = tmp_path / "scores"
    out.mkdir()
    (out / "stale.parquet").write_bytes(b"old")
    summary = score_duckdb(scorer, path, out, threads=2, chunk_rows=300)
    assert (summary.engine, summary.rows, summary.parts) == (Engine.DUCKDB, ROWS, 4)
    assert not (out / "stale.parquet").exists()
    written = pl.read_parquet(out / "*.parquet").sort("SK_ID_CURR")
    assert written.equals(score_frame(scorer, features))
    assert summary.refused == (written["decision"] == "refuse").sum()
    assert f"scored {ROWS:,} clients" in summary.describe()


def test_unreadable_inputs_are_named(features: pl.DataFrame, tmp_path: Path) -> None:
    scorer = _scorer(features)
    with pytest.raises(BatchError, match=r"absent\.parquet not found"):
        score_duckdb(scorer, tmp_path / "absent.parquet", tmp_path / "out")
    features.drop("b").write_parquet(tmp_path / "partial.parquet")
    with pytest.raises(BatchError, match=r"partial\.parquet: 1 column.*\bb\b"):
        score_duckdb(scorer, tmp_path / "partial.parquet", tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_bad_spark_settings_are_named_before_spark_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCORING_HOME", str(tmp_path))
    result = CliRunner().invoke(cli, ["features", "--engine", "spark", "--conf", "spark.driver.memory"])
    assert result.exit_code == 2 and "expected KEY=VALUE" in result.output
    result = CliRunner().invoke(cli, ["score", "--out", str(tmp_path / "s")])
    assert result.exit_code == 2 and "no promoted model" in result.output
