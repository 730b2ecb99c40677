"""The one builder of a scoring home for the tests: raw tables -> ingest -> features -> the real training.

The bundle comes out of `scoring.modeling.train.train_model` (candidates, cross-validation, cost threshold,
SHAP sample, card, checks, promotion) with settings that keep it to seconds; nothing is written by hand.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import polars as pl

from scoring.data.ingest import ingest_tables
from scoring.data.schema import SECONDARY_TABLES
from scoring.features.build import build_features
from scoring.home import Paths
from scoring.modeling.selection import MAX_FEATURES
from scoring.modeling.train import TrainConfig, TrainInputs, train_model

TRAIN_CLIENTS = 500
TEST_CLIENTS = 120
FAST_TRAINING = TrainConfig(  # the real training, small: two folds, one repeat, one seed, fast trees
    model="LightGBM",  # the champion most tests explain (tree SHAP, model.txt), whichever candidate wins
    folds=2,
    repeats=1,
    compare_rows=400,
    strategies=("none",),
    params={"learning_rate": 0.2},
    bags=1,
    max_features=MAX_FEATURES,  # all the selection finds (74 on 500 synthetic clients): refusals get offers
    shap_rows=150,
    threads=1,
    track=False,
    progress=False,
)
SMALL_HOME_TRAINING = replace(  # the 3,000-client homes of the drift and monitoring tests: the winner serves
    FAST_TRAINING, model="auto", compare_rows=1_500, params={"learning_rate": 0.1}, shap_rows=300, threads=2
)


def _read(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, infer_schema_length=0)


def write_raw_subset(sample: Path, raw: Path, train: int = TRAIN_CLIENTS, test: int = TEST_CLIENTS) -> Path:
    """The first train and test clients of a folder of raw tables, with only their own secondary rows."""
    raw.mkdir(parents=True, exist_ok=True)
    applications = _read(sample / "application_train.csv").head(train)
    tests = _read(sample / "application_test.csv").head(test)
    applications.write_csv(raw / "application_train.csv")
    tests.write_csv(raw / "application_test.csv")
    ids = pl.concat([applications["SK_ID_CURR"], tests["SK_ID_CURR"]]).implode()
    for table in SECONDARY_TABLES:
        if table == "bureau_balance":
            continue
        _read(sample / f"{table}.csv").filter(pl.col("SK_ID_CURR").is_in(ids)).write_csv(raw / f"{table}.csv")
    bureau_ids = _read(raw / "bureau.csv")["SK_ID_BUREAU"].implode()
    balance = _read(sample / "bureau_balance.csv").filter(pl.col("SK_ID_BUREAU").is_in(bureau_ids))
    balance.write_csv(raw / "bureau_balance.csv")
    return raw


def build_home(home: Path, raw: Path, config: TrainConfig = FAST_TRAINING) -> Paths:
    """Ingest `raw` into `home`, build its features and train, write and promote a bundle there."""
    paths = Paths(home)
    ingest_tables(raw, paths.interim)
    build_features(paths.interim, paths.features, paths.feature_dictionary)
    train_model(TrainInputs.from_paths(paths), config)
    return paths
