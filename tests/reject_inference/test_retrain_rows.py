"""The rows a retrain adds: the client store's unlabelled applicants the champion refuses, the window's left
out, labelled by the method with its weights."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from scoring.modeling.dataset import WEIGHT
from scoring.reject_inference.retrain_rows import with_inferred_rejects


class Champion:
    """A stand-in bundle whose probability of default is the column APP_RISK, refused from 0.5."""

    threshold = 0.5

    def matrix(self, frame: pl.DataFrame) -> np.ndarray:
        return frame.select("APP_RISK").to_numpy()

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        return X[:, 0].astype(float)

    def refuse(self, probability: np.ndarray) -> np.ndarray:
        return probability >= self.threshold


@pytest.fixture
def store(tmp_path: Path) -> tuple[Path, pl.DataFrame, pl.DataFrame]:
    rng = np.random.default_rng(4)
    n_train, n_new = 400, 60
    risk = np.concatenate([rng.uniform(0, 0.5, n_train), rng.uniform(0.2, 0.9, n_new)])
    frame = pl.DataFrame(
        {
            "SK_ID_CURR": np.arange(n_train + n_new),
            "TARGET": [int(rng.random() < r) for r in risk[:n_train]] + [None] * n_new,
            "SPLIT": ["train"] * n_train + ["test"] * n_new,
            "APP_RISK": risk,
        }
    )
    path = tmp_path / "features.parquet"
    frame.write_parquet(path)
    training = frame.filter(pl.col("SPLIT") == "train")
    window = frame.filter(pl.col("SPLIT") == "test").head(10)  # labelled later: not a refused applicant
    return path, training, window


def _refused(frame: pl.DataFrame, window: pl.DataFrame) -> set[int]:
    new = frame.filter((pl.col("SPLIT") == "test") & (pl.col("APP_RISK") >= 0.5))
    return set(new["SK_ID_CURR"].to_list()) - set(window["SK_ID_CURR"].to_list())


def test_parcelling_adds_each_refused_applicant_once(store: tuple[Path, pl.DataFrame, pl.DataFrame]) -> None:
    path, training, window = store
    rows, summary = with_inferred_rejects(path, training, window, Champion(), "parcelling", seed=0)
    added = rows.slice(training.height)
    refused = _refused(pl.read_parquet(path), window)
    assert set(added["SK_ID_CURR"].to_list()) == refused and added.height == len(refused)
    assert summary == {
        "method": "parcelling",
        "refused": len(refused),
        "rows_added": len(refused),
        "inferred_defaults": float(added["TARGET"].sum()),
    }
    assert (rows[WEIGHT] == 1.0).all() and (rows["SPLIT"] == "train").all()
    assert rows.slice(0, training.height).drop(WEIGHT).equals(training)


def test_fuzzy_weights_add_up_to_one_per_refused(store: tuple[Path, pl.DataFrame, pl.DataFrame]) -> None:
    path, training, window = store
    rows, summary = with_inferred_rejects(path, training, window, Champion(), "fuzzy", seed=0)
    added = rows.slice(training.height)
    per_client = added.group_by("SK_ID_CURR").agg(pl.col(WEIGHT).sum(), pl.col("TARGET").sum())
    assert per_client[WEIGHT].to_numpy() == pytest.approx(np.ones(per_client.height))
    assert (per_client["TARGET"] == 1).all() and summary["rows_added"] == 2 * summary["refused"]


def test_none_leaves_the_training_rows_alone(store: tuple[Path, pl.DataFrame, pl.DataFrame]) -> None:
    path, training, window = store
    rows, summary = with_inferred_rejects(path, training, window, Champion(), "none", seed=0)
    assert rows is training and summary == {"method": "none"}
