"""Current data scored by the bundle: the application_test clients, or a directory of raw tables."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from scoring.data.ingest import IngestError, ingest_tables
from scoring.drift.errors import DriftError
from scoring.drift.reference import read_split
from scoring.drift.sample import TARGET, Sample, scored_frame
from scoring.features.build import build_features
from scoring.features.duckdb_runner import FeatureError
from scoring.features.feature import ModelFeature
from scoring.modeling.bundle import Bundle, BundleError


def score_sample(
    frame: pl.DataFrame,
    bundle: Bundle,
    features: list[ModelFeature],
    source: str,
    description: str,
    keep: Sequence[str] = (),
) -> Sample:
    """Rows holding every model feature, scored by `bundle`; keeps the checked features, TARGET and the
    columns of `keep` the frame has (the raw fields of the segments)."""
    if frame.height == 0:
        raise DriftError(f"{description}: no rows to compare")
    try:
        matrix = bundle.matrix(frame)
    except BundleError as exc:
        raise DriftError(f"{description}: {exc}") from None
    probability = bundle.predict_proba(matrix)
    names = [f.name for f in features] + ([TARGET] if TARGET in frame.columns else [])
    names += [c for c in dict.fromkeys(keep) if c in frame.columns and c not in names]
    scored = scored_frame(frame.select(names), probability, bundle.refuse(probability))
    details = {"rows": frame.height, "model_version": bundle.version}
    return Sample(scored, source, f"{description} scored by model {bundle.version}", details)


def application_test_sample(
    features_path: Path, bundle: Bundle, features: list[ModelFeature], keep: Sequence[str] = ()
) -> Sample:
    """The application_test clients of features.parquet (unlabelled), scored by the bundle."""
    frame = read_split(features_path, "test").drop(TARGET)
    description = f"application_test clients ({frame.height:,})"
    return score_sample(frame, bundle, features, "test", description, keep)


def batch_current(
    raw_dir: Path, bundle: Bundle, features: list[ModelFeature], keep: Sequence[str] = ()
) -> Sample:
    """The labelled application_train clients of a directory of raw Kaggle tables (a new batch, e.g.
    `scoring generate --drift ... --out DIR`): ingested and turned into features in a temporary
    directory, then scored by the bundle."""
    with tempfile.TemporaryDirectory(prefix="scoring-drift-") as work:
        interim, out = Path(work) / "interim", Path(work) / "features.parquet"
        try:
            ingest_tables(raw_dir, interim)
            build_features(interim, out, Path(work) / "feature_dictionary.json")
        except (IngestError, FeatureError) as exc:
            raise DriftError(f"batch {raw_dir}: {exc}") from None
        frame = read_split(out, "train")
    sample = score_sample(
        frame, bundle, features, "batch", f"labelled clients of batch {raw_dir} ({frame.height:,})", keep
    )
    sample.details["path"] = str(raw_dir)
    return sample
