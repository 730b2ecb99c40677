"""A small synthetic scoring home for the dashboard tests: generate -> ingest -> features -> fast bundle.

The model goes through the modeling layer's own steps (out-of-fold CV, cost curve, final fit, SHAP sample,
metadata, bundle writer and promotion); only the candidate comparison is skipped and LightGBM is set to
learn fast, so the whole home builds in seconds.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from scoring.config import Paths
from scoring.data.ingest import ingest_tables
from scoring.data.synth import generate_tables
from scoring.features.build import build_features
from scoring.modeling.bundle import PROBABILITY, BundleContent, promote, write_bundle
from scoring.modeling.candidates import Comparison
from scoring.modeling.cost import CostSpec
from scoring.modeling.cv import oof_lightgbm
from scoring.modeling.dataset import AMOUNT, ID, TARGET, file_fingerprint, load_training_data
from scoring.modeling.explanations import explain
from scoring.modeling.fairness import BIRTH_FEATURE, GENDER_FEATURE, fairness_table
from scoring.modeling.lgbm import NONE, base_dataset
from scoring.modeling.metrics import decision_metrics
from scoring.modeling.threshold import curve_for
from scoring.modeling.train import FittedModel, TrainConfig, build_metadata, final_fit

CLIENTS = 2_000
SEED = 11
FAST = {"learning_rate": 0.2, "num_leaves": 8, "min_child_samples": 20}
CONFIG = TrainConfig(CostSpec(), folds=2, shap_rows=400, threads=1, track=False, progress=False)


def _fairness(data, refused: np.ndarray) -> list[dict]:  # noqa: ANN001 - TrainingData
    gender = next(f for f in data.features if f.name == GENDER_FEATURE)
    return fairness_table(
        data.y, refused, data.column(GENDER_FEATURE), gender.levels, data.column(BIRTH_FEATURE)
    )


def train_fast(paths: Paths) -> str:
    """Fit, explain, write and promote a bundle; returns its version."""
    data = load_training_data(paths.features, paths.feature_dictionary)
    base = base_dataset(data.X, data.y, data.names, data.categorical_indices)
    oof = oof_lightgbm(data, NONE, FAST, CONFIG.folds, SEED, CONFIG.threads, base=base)
    curve = curve_for(data.y, oof.prob, CONFIG.cost, data.amount)
    metrics = decision_metrics(data.y, oof.prob, curve.best_threshold, CONFIG.cost, data.amount)
    final = final_fit(data, base, NONE, FAST, oof.mean_rounds, CONFIG)
    model = FittedModel(
        Comparison([], NONE),
        None,
        FAST,
        oof,
        curve,
        metrics,
        _fairness(data, oof.prob >= curve.best_threshold),
        final.model,
        final.rounds,
    )
    explanations = explain(model.booster, data, CONFIG.shap_rows, SEED, CONFIG.threads)
    metadata = build_metadata(
        data, CONFIG, file_fingerprint(paths.features), model, explanations.base_value, None
    )
    frame = pl.DataFrame(
        {
            ID: pl.Series(data.ids, dtype=pl.Int64),
            TARGET: pl.Series(data.y, dtype=pl.Int64),
            PROBABILITY: oof.prob,
            AMOUNT: data.amount,
        }
    )
    content = BundleContent(model.booster, metadata, explanations.importance, explanations.sample, frame)
    write_bundle(paths.models, content)
    promote(paths.models, metadata["version"])
    return metadata["version"]


def build_home(home: Path, clients: int = CLIENTS) -> Paths:
    """Synthetic raw tables, ingested, featurised, with a promoted bundle, all under `home`."""
    paths = Paths(home)
    generate_tables(clients, SEED, paths.synthetic, None)
    ingest_tables(paths.synthetic, paths.interim)
    build_features(paths.interim, paths.features, paths.feature_dictionary)
    train_fast(paths)
    return paths
