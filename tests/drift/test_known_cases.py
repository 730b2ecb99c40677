"""Drift proven on known cases: no drift against a fresh sample of the reference, the shifted features of the
generator's drifted batch flagged, clear errors for empty or mismatched data."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from scoring.drift.current import application_test_sample
from scoring.drift.errors import DriftError
from scoring.drift.reference import read_split, reference_sample
from scoring.drift.report import build_report
from scoring.drift.sample import PROBABILITY, REFUSED, Sample
from scoring.drift.settings import DriftSettings
from scoring.drift.summary import NO_CURRENT_VALUE, summarise
from scoring.drift.watched_features import top_features
from scoring.home import Paths
from scoring.modeling.bundle import Bundle
from tests.drift.helpers import newest_summary, run_cli

pytestmark = pytest.mark.slow  # a trained home and Evidently reports

TOP = 20
SHIFTED = ("EXT_SOURCE", "DAYS_BIRTH", "AGE_YEARS", "AMT_INCOME_TOTAL")


def _two_samples(home: Paths, bundle: Bundle, top: int) -> tuple[Sample, Sample, list]:
    features = top_features(bundle, top)
    train = read_split(home.features, "train", [f.name for f in features])
    oof = bundle.oof()
    first = reference_sample(train, oof, bundle, features, 1_500, seed=1)
    second = reference_sample(train, oof, bundle, features, 1_500, seed=2)
    return first, second, features


def _summary(reference: Sample, current: Sample, features: list, bundle: Bundle) -> dict:
    settings = DriftSettings(top_features=len(features))
    run = build_report(reference, current, features, settings, bundle.threshold)
    model = {"version": bundle.version, "threshold": bundle.threshold}
    return summarise(run, reference, current, settings, model, "case", datetime.now(UTC))


def test_reference_against_a_fresh_sample_of_itself_shows_no_drift(drift_home: Paths, bundle: Bundle) -> None:
    reference, fresh, features = _two_samples(drift_home, bundle, TOP)
    summary = _summary(reference, fresh, features, bundle)
    assert summary["features_checked"] == TOP
    assert summary["share_drifted"] < 0.1
    assert not summary["dataset_drift"] and not summary["prediction_drift"]["drifted"]
    assert not summary["drift_detected"] and summary["alerts"] == []
    assert summary["target_drift"]["drifted"] is False
    assert 0.5 < summary["classification"]["roc_auc"] < 1.0


def test_a_feature_without_values_in_the_current_data_counts_as_drifted(
    drift_home: Paths, bundle: Bundle
) -> None:
    reference, fresh, features = _two_samples(drift_home, bundle, 5)
    blank = features[0].name
    emptied = Sample(fresh.frame.with_columns(pl.lit(None, pl.Float32).alias(blank)), "test", "emptied")
    summary = _summary(reference, emptied, features, bundle)
    row = next(r for r in summary["features"] if r["feature"] == blank)
    assert row["drifted"] and row["method"] == NO_CURRENT_VALUE
    assert summary["features_checked"] == 5 and summary["drifted_count"] >= 1
    assert blank in [d["feature"] for d in summary["drifted_features"]]


def test_the_generators_drifted_batch_is_flagged(
    drift_home: Paths, bundle: Bundle, drifted_batch: Path
) -> None:
    code, output = run_cli(drift_home, "--current", str(drifted_batch), "--features", str(TOP))
    assert code == 3, output
    assert "DRIFT DETECTED" in output
    summary = newest_summary(drift_home)
    assert summary["dataset_drift"] and summary["drift_detected"]
    assert summary["share_drifted"] >= 0.3
    drifted = {d["feature"] for d in summary["drifted_features"]}
    shifted = {f.name for f in top_features(bundle, TOP) if any(key in f.name for key in SHIFTED)}
    assert shifted and shifted <= drifted
    assert all(d["score"] >= d["threshold"] for d in summary["drifted_features"])
    probability = summary["prediction_drift"]["probability"]
    assert probability["current_mean"] > probability["reference_mean"]
    assert summary["current"]["labelled"] and summary["target_drift"] is not None
    assert summary["classification"]["threshold"] == bundle.threshold


def test_a_fresh_undrifted_batch_passes(drift_home: Paths, fresh_batch: Path) -> None:
    code, output = run_cli(drift_home, "--current", str(fresh_batch), "--features", str(TOP))
    assert code == 0, output
    summary = newest_summary(drift_home)
    assert summary["current"]["source"] == "batch" and summary["current"]["rows"] == 1_500
    assert not summary["dataset_drift"] and not summary["drift_detected"]
    assert "no drift detected" in output


def test_application_test_clients_are_scored_by_the_bundle(drift_home: Paths, bundle: Bundle) -> None:
    features = top_features(bundle, 3)
    current = application_test_sample(drift_home.features, bundle, features)
    test = read_split(drift_home.features, "test")
    assert current.rows == test.height and not current.labelled
    expected = bundle.predict_proba(bundle.matrix(test))
    assert current.frame[PROBABILITY].to_list() == pytest.approx(expected.tolist())
    assert current.frame[REFUSED].sum() == int((expected >= bundle.threshold).sum())


def test_an_empty_batch_is_a_clear_error(drift_home: Paths, fresh_batch: Path, tmp_path: Path) -> None:
    header = (fresh_batch / "application_train.csv").read_text().splitlines()[0]
    (tmp_path / "application_train.csv").write_text(header + "\n")
    code, output = run_cli(drift_home, "--current", str(tmp_path))
    assert code == 2
    assert output.startswith("error: batch ") and "no data rows" in output
    assert "Traceback" not in output


def test_no_current_rows_is_a_clear_error(bundle: Bundle, drift_home: Paths, tmp_path: Path) -> None:
    only_train = tmp_path / "features.parquet"
    pl.read_parquet(drift_home.features).filter(pl.col("SPLIT") == "train").write_parquet(only_train)
    with pytest.raises(DriftError, match=r"application_test clients \(0\): no rows to compare"):
        application_test_sample(only_train, bundle, top_features(bundle, 3))


def test_a_batch_with_the_wrong_schema_is_a_clear_error(
    drift_home: Paths, fresh_batch: Path, tmp_path: Path
) -> None:
    frame = pl.read_csv(fresh_batch / "application_train.csv", infer_schema_length=0)
    frame.drop("AMT_INCOME_TOTAL", "DAYS_BIRTH").write_csv(tmp_path / "application_train.csv")
    code, output = run_cli(drift_home, "--current", str(tmp_path))
    assert code == 2
    assert "AMT_INCOME_TOTAL" in output and "DAYS_BIRTH" in output and "Traceback" not in output


def test_current_data_missing_model_features_is_a_clear_error(bundle: Bundle) -> None:
    features = top_features(bundle, 3)
    frame = pl.DataFrame({features[0].name: [1.0], PROBABILITY: [0.1], REFUSED: [False]})
    with pytest.raises(DriftError, match=f"2 column.*missing.*{features[1].name}"):
        Sample(frame, "log", "the log window").check_columns([f.name for f in features])
    wrong = frame.with_columns(pl.lit("x").alias(features[1].name), pl.lit(2.0).alias(features[2].name))
    with pytest.raises(DriftError, match=f"not numeric: {features[1].name}"):
        Sample(wrong, "log", "the log window").check_columns([f.name for f in features])
