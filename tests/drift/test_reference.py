"""The reference: training clients, stratified on TARGET, with their out-of-fold probabilities."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from scoring.drift.errors import DriftError
from scoring.drift.reference import ID, load_reference, read_split, reference_sample
from scoring.drift.report import _column
from scoring.drift.sample import PROBABILITY, REFUSED, TARGET
from scoring.drift.watched_features import top_features
from scoring.features.feature import ModelFeature
from scoring.home import Paths
from scoring.modeling.bundle import RAW_SCORE, Bundle
from scoring.vocabulary import FeatureKind

pytestmark = pytest.mark.slow  # a trained home


def test_top_features_follow_the_bundle_importance(bundle: Bundle) -> None:
    features = top_features(bundle, 7)
    assert [f.name for f in features] == [row["feature"] for row in bundle.importance()[:7]]
    assert len(top_features(bundle, 10_000)) == len(bundle.feature_names)


def test_reference_is_a_stratified_sample_with_out_of_fold_scores(drift_home: Paths, bundle: Bundle) -> None:
    features = top_features(bundle, 5)
    reference = load_reference(drift_home.features, bundle, features, rows=1_000, seed=3)
    oof = bundle.oof()
    assert reference.rows == 1_000 and reference.labelled
    assert abs(reference.frame[TARGET].mean() - oof[TARGET].mean()) < 0.002
    assert reference.details["rows_total"] == oof.height
    train = read_split(drift_home.features, "train", [f.name for f in features])
    again = reference_sample(train, oof, bundle, features, 1_000, seed=3)
    assert again.frame.equals(reference.frame)
    assert reference.frame[REFUSED].to_list() == (reference.frame[PROBABILITY] >= bundle.threshold).to_list()


def test_reference_scores_are_out_of_fold_calibrated_as_served_not_in_sample(
    drift_home: Paths, bundle: Bundle
) -> None:
    reference = load_reference(drift_home.features, bundle, top_features(bundle, 3), rows=500, seed=1)
    joined = reference.frame.join(bundle.oof().select(ID, RAW_SCORE), on=ID)
    assert joined.height == 500
    served = bundle.calibrate(joined[RAW_SCORE].to_numpy())
    assert np.array_equal(joined[PROBABILITY].to_numpy(), served)
    train = read_split(drift_home.features, "train").join(reference.frame.select(ID), on=ID)
    in_sample = bundle.predict_proba(bundle.matrix(train))
    by_id = dict(zip(train[ID].to_list(), in_sample, strict=True))
    gaps = np.abs(joined[PROBABILITY].to_numpy() - np.array([by_id[i] for i in joined[ID].to_list()]))
    assert gaps.mean() > 1e-3


def test_a_bundle_without_raw_scores_keeps_its_stored_probabilities(
    drift_home: Paths, bundle: Bundle
) -> None:
    features = top_features(bundle, 3)
    train = read_split(drift_home.features, "train", [f.name for f in features])
    oof = bundle.oof().drop(RAW_SCORE)
    reference = reference_sample(train, oof, bundle, features, 500, 0)
    joined = reference.frame.join(oof.select(ID, pl.col(PROBABILITY).alias("stored")), on=ID)
    assert np.array_equal(joined[PROBABILITY].to_numpy(), joined["stored"].to_numpy())


def test_whole_training_set_when_smaller_than_the_sample(drift_home: Paths, bundle: Bundle) -> None:
    reference = load_reference(drift_home.features, bundle, top_features(bundle, 3), rows=50_000, seed=0)
    assert reference.rows == bundle.oof().height
    assert reference.details["sampling"] == "none"


def test_training_clients_without_out_of_fold_score_are_an_error(drift_home: Paths, bundle: Bundle) -> None:
    features = top_features(bundle, 3)
    train = read_split(drift_home.features, "train", [f.name for f in features])
    with pytest.raises(DriftError, match="10 of 3,000 training clients have no out-of-fold probability"):
        reference_sample(train, bundle.oof().slice(10), bundle, features, 500, 0)


def test_features_missing_from_the_feature_table_are_named(drift_home: Paths) -> None:
    with pytest.raises(DriftError, match="NOT_A_FEATURE"):
        read_split(drift_home.features, "train", ["NOT_A_FEATURE"])
    with pytest.raises(DriftError, match="run `scoring features` first"):
        read_split(drift_home.home / "absent.parquet", "train")


def test_categorical_codes_become_levels() -> None:
    frame = pl.DataFrame({"C": pl.Series([0.0, 1.0, None, -1.0], dtype=pl.Float32)})
    feature = ModelFeature("C", "contract", FeatureKind.CATEGORICAL, ("Cash loans", "Revolving loans"))
    assert frame.select(_column(feature))["C"].to_list() == ["Cash loans", "Revolving loans", None, None]
