"""A small synthetic scoring home for the dashboard tests: generate -> ingest -> features -> fast training.

The model goes through the modeling layer's own training (feature selection inside the CV, candidates,
calibration, threshold, champion and scorecard challenger, bundles, promotion) with a small configuration:
two folds, one repeat, a high learning rate and one seed, so the whole home builds in seconds.
"""

from __future__ import annotations

from pathlib import Path

from scoring.config import Paths
from scoring.data.ingest import ingest_tables
from scoring.data.synth import generate_tables
from scoring.features.build import build_features
from scoring.modeling.cost import CostSpec
from scoring.modeling.train import TrainConfig, TrainInputs, train_model

CLIENTS = 2_000
SEED = 11
CONFIG = TrainConfig(
    CostSpec(),
    folds=2,
    repeats=1,
    strategies=("none",),
    params={"learning_rate": 0.2},
    bags=1,
    seed=SEED,
    shap_rows=400,
    threads=1,
    track=False,
    progress=False,
)


def train_fast(paths: Paths) -> str:
    """Train, write and promote the bundles with the small configuration; returns the champion's version."""
    return train_model(TrainInputs.from_paths(paths), CONFIG).metadata["version"]


def build_home(home: Path, clients: int = CLIENTS) -> Paths:
    """Synthetic raw tables, ingested, featurised, with a promoted bundle, all under `home`."""
    paths = Paths(home)
    generate_tables(clients, SEED, paths.synthetic, None)
    ingest_tables(paths.synthetic, paths.interim)
    build_features(paths.interim, paths.features, paths.feature_dictionary)
    train_fast(paths)
    return paths
