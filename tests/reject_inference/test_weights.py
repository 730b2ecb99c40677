"""Sample weights in the product's training path: read from SAMPLE_WEIGHT (never a feature), kept by subsets,
and a weight of 2 counts as a duplicated row in Platt's calibration and in the cost threshold."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from scoring.modeling.calibration import PLATT, CalibrationError, choose_calibrator, fit_calibrator, fit_platt
from scoring.modeling.cost import CostSpec
from scoring.modeling.dataset import WEIGHT, load_training_data
from scoring.modeling.threshold import curve_for


def _scores(n: int = 400) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(2)
    raw = rng.normal(-2, 1, n)
    y = (rng.random(n) < 1 / (1 + np.exp(-raw))).astype(int)
    return raw, y, rng.integers(1, 3, n).astype(float)


def test_the_weight_column_is_read_and_is_not_a_feature(tmp_path: Path) -> None:
    frame = pl.DataFrame(
        {
            "SK_ID_CURR": [1, 2, 3, 4],
            "TARGET": [0, 1, 0, 1],
            "SPLIT": ["train"] * 4,
            "APP_X": [0.1, 0.2, 0.3, 0.4],
            "APP_Z": [1.0, 2.0, 3.0, 4.0],
            WEIGHT: [1.0, 0.25, 0.75, 1.0],
        }
    )
    frame.write_parquet(tmp_path / "features.parquet")
    data = load_training_data(tmp_path / "features.parquet")
    assert data.names == ["APP_X", "APP_Z"] and data.weight.tolist() == [1.0, 0.25, 0.75, 1.0]
    assert data.subset(np.array([1, 2])).weight.tolist() == [0.25, 0.75]
    frame.drop(WEIGHT).write_parquet(tmp_path / "plain.parquet")
    assert load_training_data(tmp_path / "plain.parquet").weight is None


def test_a_weight_of_two_counts_as_a_duplicated_row() -> None:
    raw, y, weight = _scores()
    twice = np.repeat(np.arange(len(y)), weight.astype(int))
    weighted, duplicated = fit_platt(raw, y, weight=weight), fit_platt(raw[twice], y[twice])
    assert (weighted.a, weighted.b) == pytest.approx((duplicated.a, duplicated.b))
    spec, prob = CostSpec(), 1 / (1 + np.exp(-raw))
    curve, plain = curve_for(y, prob, spec, weight=weight), curve_for(y[twice], prob[twice], spec)
    assert curve.best_threshold == pytest.approx(plain.best_threshold)
    assert curve.best_cost == pytest.approx(plain.best_cost)


def test_weighted_calibration_is_platt_weighted() -> None:
    raw, y, weight = _scores()
    choice = choose_calibrator(raw, y, weight=weight)
    assert choice.method == PLATT and [row["method"] for row in choice.table] == [PLATT]
    assert choice.calibrator == fit_platt(raw, y, weight=weight)
    with pytest.raises(CalibrationError, match="isotonic"):
        fit_calibrator("isotonic", raw, y, weight)
