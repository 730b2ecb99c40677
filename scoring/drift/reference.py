"""The reference: the model's training clients, their feature values and out-of-fold scores.

Reference scores must be out-of-fold (oof.parquet), not in-sample: a model scores the clients it learned
from more confidently than new ones, which would look like prediction drift. They are calibrated as served:
the bundle's calibration map applied to the out-of-fold raw scores. (The cross-fitted probabilities of the
model card come from one map per fold; a step-shaped map, isotonic or Venn-ABERS, then spreads each of its
steps over several nearby values, which the score's PSI on reference deciles reads as a shift when the
served scores sit on the steps.) When there are more training clients than `reference_rows` (default
50,000), the reference is a seeded sample stratified on TARGET: the default rate is kept exactly, and 50,000
rows pin a distribution far more finely than the drift thresholds (a normed Wasserstein distance of 0.1)
need, while keeping a full-scale check within its time budget.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import polars as pl

from scoring.drift.errors import DriftError
from scoring.drift.sample import PROBABILITY, TARGET, Sample, scored_frame
from scoring.explain.shap_values import stratified_rows
from scoring.features.feature import ModelFeature
from scoring.modeling.bundle import OOF_FILE, RAW_SCORE, Bundle

ID = "SK_ID_CURR"
SPLIT = "SPLIT"


def read_split(
    features_path: Path, split: str, columns: list[str] | None = None, optional: Sequence[str] = ()
) -> pl.DataFrame:
    """Rows of features.parquet whose SPLIT is `split` (train or test), all columns or `columns` (and those
    of `optional` the file has)."""
    if not features_path.exists():
        raise DriftError(f"{features_path} not found: run `scoring features` first")
    schema = pl.read_parquet_schema(features_path)
    wanted = list(schema) if columns is None else [ID, TARGET, *columns]
    wanted += [c for c in dict.fromkeys(optional) if c in schema and c not in wanted]
    missing = [c for c in (*wanted, SPLIT) if c not in schema]
    if missing:
        raise DriftError(
            f"{features_path}: {len(missing)} column(s) missing, e.g. {', '.join(missing[:5])} "
            "(features rebuilt since the model was trained?)"
        )
    return pl.scan_parquet(features_path).filter(pl.col(SPLIT) == split).select(wanted).collect()


def _with_oof(train: pl.DataFrame, oof: pl.DataFrame, where: str) -> pl.DataFrame:
    scores = [c for c in (PROBABILITY, RAW_SCORE) if c in oof.columns]
    joined = train.join(oof.select(ID, *scores), on=ID, how="inner")
    unmatched = train.height - joined.height
    if unmatched or joined[PROBABILITY].null_count():
        raise DriftError(
            f"{where}: {unmatched or joined[PROBABILITY].null_count():,} of {train.height:,} training "
            "clients have no out-of-fold probability (features rebuilt since the model was trained?)"
        )
    return joined


def _as_served(picked: pl.DataFrame, bundle: Bundle) -> np.ndarray:
    """The bundle's calibration of the out-of-fold raw scores (the stored probabilities for a bundle whose
    oof.parquet predates the raw scores)."""
    if RAW_SCORE not in picked.columns:
        return picked[PROBABILITY].to_numpy()
    return bundle.calibrate(picked[RAW_SCORE].to_numpy())


def reference_sample(
    train: pl.DataFrame,
    oof: pl.DataFrame,
    bundle: Bundle,
    features: list[ModelFeature],
    rows: int,
    seed: int,
    keep: Sequence[str] = (),
) -> Sample:
    """Training clients (SK_ID_CURR, TARGET, features and the columns of `keep` they have) joined to their
    out-of-fold probabilities, sampled down to `rows` stratified on TARGET, with the bundle's decisions."""
    if train.height == 0:
        raise DriftError("no training clients to use as the reference")
    joined = _with_oof(train, oof, str(bundle.path / OOF_FILE))
    picked = joined[stratified_rows(joined[TARGET].to_numpy(), rows, seed)]
    probability = _as_served(picked, bundle)
    names = [ID, TARGET, *(f.name for f in features)]
    names += [c for c in dict.fromkeys(keep) if c in picked.columns and c not in names]
    columns = picked.select(names)
    frame = scored_frame(columns, probability, bundle.refuse(probability))
    sampled = picked.height < joined.height
    how = f"sample of {picked.height:,} of {joined.height:,}, stratified on TARGET" if sampled else "all"
    return Sample(
        frame=frame,
        source="train",
        description=f"training clients ({how}) with out-of-fold scores of model {bundle.version}",
        details={
            "rows": picked.height,
            "rows_total": joined.height,
            "sampling": f"stratified on TARGET, seed {seed}" if sampled else "none",
            "scores": f"out-of-fold raw scores ({OOF_FILE}), calibrated as served",
            "model_version": bundle.version,
        },
    )


def load_reference(
    features_path: Path,
    bundle: Bundle,
    features: list[ModelFeature],
    rows: int,
    seed: int,
    keep: Sequence[str] = (),
) -> Sample:
    """The reference of `bundle`: its training clients in features.parquet, sampled to `rows` (with the
    columns of `keep` the file has, e.g. the raw fields of the segments)."""
    train = read_split(features_path, "train", [f.name for f in features], keep)
    try:
        oof = bundle.oof()
    except FileNotFoundError:
        raise DriftError(f"bundle {bundle.path} has no {OOF_FILE}") from None
    return reference_sample(train, oof, bundle, features, rows, seed, keep)
