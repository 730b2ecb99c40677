"""The training matrix: labelled rows of features.parquet, the feature dictionary and the data fingerprint."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import polars as pl
from sklearn.model_selection import train_test_split

from scoring.errors import ScoringError
from scoring.features.feature import ModelFeature
from scoring.vocabulary import FeatureKind

ID = "SK_ID_CURR"
TARGET = "TARGET"
SPLIT = "SPLIT"
AMOUNT = "APP_AMT_CREDIT"
WEIGHT = "SAMPLE_WEIGHT"  # optional: a row's weight in training (reject inference), 1 when absent
NON_FEATURES = (ID, TARGET, SPLIT)


class DatasetError(ScoringError, ValueError):
    """The features file cannot be used for training."""


@dataclass(frozen=True)
class TrainingData:
    """Labelled clients: ids, feature matrix (float32, NaN = missing, also for negative categorical codes),
    0/1 target, credit amounts and sample weights (None: every row 1)."""

    ids: np.ndarray
    X: np.ndarray
    y: np.ndarray
    features: tuple[ModelFeature, ...]
    amount: np.ndarray | None
    weight: np.ndarray | None = None

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.features]

    @property
    def categorical_indices(self) -> list[int]:
        return [i for i, f in enumerate(self.features) if f.categorical]

    @property
    def n(self) -> int:
        return len(self.y)

    def column(self, name: str) -> np.ndarray:
        return self.X[:, self.names.index(name)]

    def subset(self, idx: np.ndarray) -> TrainingData:
        amount = None if self.amount is None else self.amount[idx]
        weight = None if self.weight is None else self.weight[idx]
        return replace(self, ids=self.ids[idx], X=self.X[idx], y=self.y[idx], amount=amount, weight=weight)

    def select(self, names: list[str]) -> TrainingData:
        """The same clients with only the features ``names``, in the order given."""
        position = {n: i for i, n in enumerate(self.names)}
        unknown = [n for n in names if n not in position]
        if unknown:
            raise DatasetError(f"unknown feature(s): {', '.join(unknown[:5])}")
        columns = [position[n] for n in names]
        X = np.ascontiguousarray(self.X[:, columns])
        return replace(self, X=X, features=tuple(self.features[i] for i in columns))


def file_fingerprint(path: Path) -> str:
    """SHA-256 of the file's bytes (content and schema of a Parquet file)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_dictionary(path: Path | None) -> dict[str, dict]:
    """Feature dictionary entries by name (from a JSON list, or a mapping name -> entry); {} if absent."""
    if path is None or not path.exists():
        return {}
    data = json.loads(path.read_text())
    entries = data.values() if isinstance(data, dict) else data
    return {e["name"]: e for e in entries}


def _feature_infos(
    schema: pl.Schema, names: list[str], dictionary: dict[str, dict]
) -> tuple[ModelFeature, ...]:
    infos = []
    for name in names:
        entry = dictionary.get(name, {})
        levels = tuple(str(v) for v in entry.get("levels") or ())
        infos.append(
            ModelFeature(
                name,
                entry.get("label", name),
                FeatureKind(entry.get("kind", "numeric")),
                levels,
                str(schema[name]),
            )
        )
    return tuple(infos)


def _check_columns(frame: pl.DataFrame, path: Path) -> list[str]:
    missing = [c for c in NON_FEATURES if c not in frame.columns]
    if missing:
        raise DatasetError(f"{path}: missing column(s): {', '.join(missing)}")
    names = [c for c in frame.columns if c not in (*NON_FEATURES, WEIGHT)]
    non_numeric = [c for c in names if not frame.schema[c].is_numeric()]
    if non_numeric:
        raise DatasetError(f"{path}: non-numeric feature column(s): {', '.join(non_numeric[:5])}")
    if not names:
        raise DatasetError(f"{path}: no feature columns")
    return names


def _labelled_rows(frame: pl.DataFrame, path: Path) -> pl.DataFrame:
    train = frame.filter(pl.col(SPLIT) == "train")
    missing = train[TARGET].null_count()
    if missing:
        raise DatasetError(f"{path}: column TARGET: {missing} train rows without a label")
    bad = train.filter(~pl.col(TARGET).is_in([0, 1])).height
    if bad:
        raise DatasetError(f"{path}: column TARGET: {bad} train rows not 0/1")
    counts = train[TARGET].value_counts()
    if train.height == 0 or counts.height < 2:
        raise DatasetError(f"{path}: training needs both classes; found {train.height} train rows")
    return train


def load_training_data(features_path: Path, dictionary_path: Path | None = None) -> TrainingData:
    """Train rows of features.parquet as a float32 matrix in file order, with the dictionary's entries."""
    if not features_path.exists():
        raise DatasetError(f"{features_path} not found: run `scoring features` first")
    frame = pl.read_parquet(features_path)
    names = _check_columns(frame, features_path)
    train = _labelled_rows(frame, features_path)
    X = np.ascontiguousarray(train.select(names).cast(pl.Float32).to_numpy(), dtype=np.float32)
    features = _feature_infos(frame.schema, names, read_dictionary(dictionary_path))
    categorical = [i for i, f in enumerate(features) if f.categorical]
    codes = X[:, categorical]
    codes[codes < 0] = np.nan  # the "missing" code: LightGBM reads negative categories as missing too
    X[:, categorical] = codes
    amount = train[AMOUNT].cast(pl.Float64).to_numpy() if AMOUNT in names else None
    return TrainingData(
        ids=train[ID].to_numpy(),
        X=X,
        y=train[TARGET].cast(pl.Int8).to_numpy(),
        features=features,
        amount=amount,
        weight=train[WEIGHT].cast(pl.Float64).to_numpy() if WEIGHT in train.columns else None,
    )


def read_oracle(ground_truth: Path | None, ids: np.ndarray) -> np.ndarray | None:
    """True default probabilities of the synthetic generator for these clients, or None (real data)."""
    if ground_truth is None or not ground_truth.exists():
        return None
    truth = pl.read_parquet(ground_truth).select(ID, "TRUE_PROBABILITY")
    joined = pl.DataFrame({ID: ids}).join(truth, on=ID, how="left", maintain_order="left")
    probs = joined["TRUE_PROBABILITY"].cast(pl.Float64).to_numpy()
    return None if np.isnan(probs).any() else probs


def stratified_sample(data: TrainingData, rows: int, seed: int) -> TrainingData:
    """At most ``rows`` rows with the same default rate (all rows, the same object, when there are fewer)."""
    if data.n <= rows:
        return data
    idx, _ = train_test_split(np.arange(data.n), train_size=rows, stratify=data.y, random_state=seed)
    return data.subset(np.sort(idx))
