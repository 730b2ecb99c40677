"""A synthetic home with a champion, and a season of production: new applicants scored into the prediction
log over six months, whose outcomes become known a year later (a labels CSV)."""

from __future__ import annotations

import shutil
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from scoring.data.ingest import ingest_tables
from scoring.data.synth import generate_tables
from scoring.drift.reference import read_split
from scoring.features.build import build_features
from scoring.home import Paths
from scoring.io import write_parquet_atomic
from scoring.modeling.bundle import load_bundle
from scoring.modeling.train import TrainInputs, train_model
from scoring.serving.prediction_log import client_hash, encode_features, open_log, predictions, register_model
from tests.support.home import SMALL_HOME_TRAINING
from tests.support.shared import built_once

SALT = "monitoring-test-salt"
HOME_CLIENTS = 3_000
SEASON_CLIENTS = 3_000
ID_OFFSET = 10_000_000  # production applicants are new clients: IDs unknown to the training data
FIRST_DAY = datetime(2024, 1, 1)
DAYS = 182


@dataclass(frozen=True)
class Season:
    """The logged applicants: their IDs, score times, probabilities and outcomes."""

    frame: pl.DataFrame  # SK_ID_CURR, created_at, probability, TARGET
    labels_csv: Path


@pytest.fixture(scope="session")
def monitoring_home(tmp_path_factory: pytest.TempPathFactory) -> Paths:
    """Synthetic clients -> ingest -> features -> a champion trained by `train_model` (no MLflow; built once
    per run, a copy per worker)."""

    def build(home: Path) -> None:
        paths = Paths(home)
        generate_tables(HOME_CLIENTS, 1, paths.synthetic, None)
        ingest_tables(paths.synthetic, paths.interim)
        build_features(paths.interim, paths.features, paths.feature_dictionary)
        train_model(TrainInputs.from_paths(paths), SMALL_HOME_TRAINING)

    return Paths(built_once(tmp_path_factory, "monitoring-home", build))


def log_season(paths: Paths, database: str, out: Path, seed: int = 9, drift: dict | None = None) -> Season:
    """Score a new generated population with the champion into the log, spread over DAYS days, and write
    the labels CSV of its outcomes (known 400 days after the score)."""
    batch = out / "batch"
    generate_tables(SEASON_CLIENTS, seed, batch / "raw", drift)
    ingest_tables(batch / "raw", batch / "interim")
    build_features(batch / "interim", batch / "features.parquet", batch / "dictionary.json")
    frame = read_split(batch / "features.parquet", "train")
    bundle = load_bundle(paths.models)
    X = bundle.matrix(frame)
    probability = bundle.predict_proba(X)
    rng = np.random.default_rng(seed)
    created = [FIRST_DAY + timedelta(seconds=float(s)) for s in np.sort(rng.uniform(0, DAYS * 86400, len(X)))]
    offset = ID_OFFSET * seed  # each season's applicants are new clients, distinct from another season's
    ids = (frame["SK_ID_CURR"] + offset).to_list()
    engine = open_log(database)
    register_model(engine, bundle.version, bundle.feature_names)
    rows = [
        {
            "created_at": when,
            "request_id": uuid.uuid4().hex,
            "kind": "client",
            "model_version": bundle.version,
            "client_hash": client_hash(client, SALT.encode()),
            "features": encode_features(vector),
            "probability": float(p),
            "decision": "refuse" if p >= bundle.threshold else "accept",
            "threshold": bundle.threshold,
            "latency_ms": 1.0,
        }
        for client, when, vector, p in zip(ids, created, X, probability, strict=True)
    ]
    with engine.begin() as conn:
        conn.execute(predictions.insert(), rows)
    engine.dispose()
    applicants = frame.with_columns(  # the API scored them from its client store: they are in it
        (pl.col("SK_ID_CURR") + offset).alias("SK_ID_CURR"),
        pl.lit(None, dtype=frame.schema["TARGET"]).alias("TARGET"),
        pl.lit("test").alias("SPLIT"),
    )
    store = pl.read_parquet(paths.features)
    write_parquet_atomic(paths.features, pl.concat([store, applicants.select(store.columns)], how="vertical"))
    season = pl.DataFrame(
        {"SK_ID_CURR": ids, "created_at": created, "probability": probability, "TARGET": frame["TARGET"]}
    )
    csv = out / "labels.csv"
    season.select(
        "SK_ID_CURR",
        "TARGET",
        (pl.col("created_at") + pl.duration(days=400)).dt.date().cast(pl.String).alias("DATE_KNOWN"),
    ).write_csv(csv)
    return Season(season, csv)


def copy_home(source: Path, target: Path) -> None:
    """A copy of a home, without the temporary files an app of an earlier test may still be writing into its
    serving cache (each is renamed into place once whole: copied, it could vanish mid-copy)."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("*.tmp"))
