"""A small, real scoring home for the API tests: sample rows -> ingest -> features -> tiny LightGBM bundle.

The bundle (a LightGBM model on every feature, calibrated by Platt scaling on two-fold out-of-fold scores) is
written and promoted by the modeling layer's own writer, so it has the production layout.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import lightgbm as lgb
import numpy as np
import polars as pl

from scoring.config import Paths
from scoring.data.ingest import ingest_tables
from scoring.features.build import build_features
from scoring.modeling.bundle import BundleContent, make_version, promote, write_bundle
from scoring.modeling.calibration import fit_calibrator
from scoring.modeling.dataset import file_fingerprint, load_training_data
from scoring.modeling.explanations import explain
from scoring.modeling.models import BoostedModel

TRAIN_CLIENTS = 500
TEST_CLIENTS = 120
PARAMS = {
    "objective": "binary",
    "num_leaves": 8,
    "min_data_in_leaf": 15,
    "learning_rate": 0.1,
    "verbose": -1,
    "seed": 7,
    "num_threads": 1,
    "deterministic": True,
}
ROUNDS = 40
REFUSED_SHARE = 0.3


def _read(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, infer_schema_length=0)


def write_raw_subset(sample: Path, raw: Path) -> None:
    """The first train/test clients of the real sample, with only their own secondary rows."""
    raw.mkdir(parents=True, exist_ok=True)
    train = _read(sample / "application_train.csv").head(TRAIN_CLIENTS)
    test = _read(sample / "application_test.csv").head(TEST_CLIENTS)
    train.write_csv(raw / "application_train.csv")
    test.write_csv(raw / "application_test.csv")
    ids = pl.concat([train["SK_ID_CURR"], test["SK_ID_CURR"]])
    for table in (
        "previous_application",
        "bureau",
        "POS_CASH_balance",
        "installments_payments",
        "credit_card_balance",
    ):
        _read(sample / f"{table}.csv").filter(pl.col("SK_ID_CURR").is_in(ids.implode())).write_csv(
            raw / f"{table}.csv"
        )
    bureau_ids = _read(raw / "bureau.csv")["SK_ID_BUREAU"]
    balance = _read(sample / "bureau_balance.csv").filter(pl.col("SK_ID_BUREAU").is_in(bureau_ids.implode()))
    balance.write_csv(raw / "bureau_balance.csv")


def _oof(data, rounds: int) -> np.ndarray:  # noqa: ANN001 - TrainingData
    """Two-fold out-of-fold raw scores."""
    fold = np.arange(len(data.y)) % 2
    raw = np.empty(len(data.y))
    for k in (0, 1):
        fit = lgb.train(PARAMS, lgb.Dataset(data.X[fold != k], data.y[fold != k]), num_boost_round=rounds)
        raw[fold == k] = fit.predict(data.X[fold == k], raw_score=True)
    return raw


def build_home(sample: Path, home: Path) -> Paths:
    """Ingest, build features and write + promote a tiny bundle under `home`."""
    paths = Paths(home)
    write_raw_subset(sample, paths.raw)
    ingest_tables(paths.raw, paths.interim)
    build_features(paths.interim, paths.features, paths.feature_dictionary)
    data = load_training_data(paths.features, paths.feature_dictionary)
    booster = lgb.train(
        PARAMS,
        lgb.Dataset(data.X, data.y, feature_name=data.names, free_raw_data=False),
        num_boost_round=ROUNDS,
    )
    model = BoostedModel((booster,))
    oof_raw = _oof(data, ROUNDS)
    calibrator = fit_calibrator("platt", oof_raw, data.y)
    oof = calibrator(oof_raw)
    threshold = float(np.quantile(calibrator(model.raw_score(data.X)), 1 - REFUSED_SHARE))
    explanations = explain(model, calibrator, data, rows=150, seed=0, threads=1)
    fingerprint = file_fingerprint(paths.features)
    metadata = {
        "version": make_version(fingerprint),
        "created_at": datetime.now(UTC).isoformat(),
        "kind": model.kind,
        "model": model.spec(),
        "features": [f.to_dict() for f in data.features],
        "threshold": threshold,
        "cost": {"mode": "classes", "w_fn": 10.0, "w_fp": 1.0},
        "cv_metrics": {"auc": None, "threshold": threshold},
        "base_value": explanations.base_value,
        "n_train": len(data.y),
        "data_fingerprint": fingerprint,
        "params": PARAMS,
    }
    oof_frame = pl.DataFrame(
        {
            "SK_ID_CURR": data.ids,
            "TARGET": data.y.astype(np.int64),
            "probability": oof,
            "APP_AMT_CREDIT": data.amount,
        }
    )
    content = BundleContent(
        model, calibrator, metadata, explanations.importance, explanations.sample, oof_frame
    )
    write_bundle(paths.models, content)
    promote(paths.models, metadata["version"])
    return paths
