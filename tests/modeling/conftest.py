"""A small features.parquet in the layout of the feature layer, with a known true default probability."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from scoring.modeling.train import TrainConfig, TrainInputs

FAST_CONFIG = TrainConfig(  # small data: one LightGBM thread (a second costs more CPU than it saves)
    folds=3, repeats=2, compare_rows=600, shap_rows=120, threads=1, track=False, progress=False
)


def make_features(
    n: int, seed: int = 0, test_rows: int = 20
) -> tuple[pl.DataFrame, list[dict], pl.DataFrame]:
    """Features frame (train + test rows), its dictionary and the ground truth of the train rows."""
    rng = np.random.default_rng(seed)
    total = n + test_rows
    ext = rng.uniform(0, 1, total)
    days_birth = -rng.uniform(21, 68, total) * 365.25
    credit = rng.lognormal(13, 0.5, total)
    gender = rng.integers(0, 2, total).astype(float)
    gender[rng.random(total) < 0.01] = np.nan
    late = rng.poisson(1.0, total).astype(float)
    contract = rng.integers(0, 2, total).astype(float)
    logit = -2.9 - 3.0 * (ext - 0.5) + 0.6 * np.minimum(late, 4) + 0.012 * (days_birth / 365.25 + 40)
    prob = 1 / (1 + np.exp(-logit))
    target = (rng.random(total) < prob).astype(np.int64)
    ext_observed = np.where(rng.random(total) < 0.15, np.nan, ext)
    split = np.array(["train"] * n + ["test"] * test_rows)
    frame = pl.DataFrame(
        {
            "SK_ID_CURR": pl.Series(np.arange(100002, 100002 + total), dtype=pl.Int64),
            "TARGET": pl.Series(np.where(split == "train", target, -1), dtype=pl.Int64),
            "SPLIT": split,
            "APP_AMT_CREDIT": credit,
            "APP_CODE_GENDER": pl.Series(gender, dtype=pl.Float32, nan_to_null=True),
            "APP_DAYS_BIRTH": days_birth,
            "APP_EXT_SOURCE_2": pl.Series(ext_observed, dtype=pl.Float64, nan_to_null=True),
            "APP_NAME_CONTRACT_TYPE": pl.Series(contract, dtype=pl.Float32),
            "INST_LATE_COUNT": pl.Series(late, dtype=pl.Float32),
            "BUREAU_NOISE": rng.normal(size=total),
        }
    ).with_columns(pl.when(pl.col("SPLIT") == "train").then(pl.col("TARGET")).alias("TARGET"))
    dictionary = [
        {"name": "APP_AMT_CREDIT", "label": "Credit amount of the loan", "kind": "numeric", "levels": None},
        {"name": "APP_CODE_GENDER", "label": "Gender", "kind": "categorical", "levels": ["F", "M"]},
        {"name": "APP_DAYS_BIRTH", "label": "Age (days, negative)", "kind": "numeric", "levels": None},
        {"name": "APP_EXT_SOURCE_2", "label": "External score 2", "kind": "numeric", "levels": None},
        {
            "name": "APP_NAME_CONTRACT_TYPE",
            "label": "Contract type",
            "kind": "categorical",
            "levels": ["Cash loans", "Revolving loans"],
        },
        {"name": "INST_LATE_COUNT", "label": "Late instalments", "kind": "count", "levels": None},
        {"name": "BUREAU_NOISE", "label": "Noise", "kind": "numeric", "levels": None},
    ]
    truth = pl.DataFrame({"SK_ID_CURR": frame["SK_ID_CURR"], "TRUE_PROBABILITY": prob})
    return frame, dictionary, truth


def write_home(home: Path, n: int, seed: int = 0) -> TrainInputs:
    """features.parquet, feature_dictionary.json and ground_truth.parquet under ``home``."""
    frame, dictionary, truth = make_features(n, seed)
    (home / "data" / "processed").mkdir(parents=True)
    (home / "data" / "interim").mkdir(parents=True)
    inputs = TrainInputs(
        features=home / "data" / "processed" / "features.parquet",
        dictionary=home / "data" / "processed" / "feature_dictionary.json",
        ground_truth=home / "data" / "interim" / "ground_truth.parquet",
        models=home / "models",
        reports=home / "reports",
        home=home,
    )
    frame.write_parquet(inputs.features)
    inputs.dictionary.write_text(json.dumps(dictionary))
    truth.write_parquet(inputs.ground_truth)
    return inputs


@pytest.fixture(scope="session")
def trained(tmp_path_factory: pytest.TempPathFactory):
    """One small training run shared by the tests that only read its outputs."""
    from scoring.modeling.train import train_model

    inputs = write_home(tmp_path_factory.mktemp("home"), n=600)
    return inputs, train_model(inputs, FAST_CONFIG)
