"""Calibration bins: equal client counts, sorted by prediction (the one binning of card and API)."""

from __future__ import annotations

import numpy as np

from scoring.modeling.metrics import CALIBRATION_BINS, calibration_bins


def test_calibration_bins_have_equal_counts_in_prediction_order() -> None:
    y = np.array([0, 0, 0, 1, 0, 1, 1, 1])
    prob = np.linspace(0.1, 0.8, 8)[::-1]
    calibration = calibration_bins(y[::-1], prob, 2)
    assert calibration.clients == [4, 4]
    assert calibration.observed == [0.25, 0.75]
    np.testing.assert_allclose(calibration.predicted, [0.25, 0.65])


def test_calibration_uses_ten_bins_by_default_even_with_tied_predictions() -> None:
    prob = np.repeat([0.05, 0.5], 500)
    y = (np.arange(1000) % 10 == 0).astype(int)
    calibration = calibration_bins(y, prob)
    assert CALIBRATION_BINS == 10 and calibration.clients == [100] * 10
