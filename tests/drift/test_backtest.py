"""Back-test of CBPE on the synthetic twin: windows with and without drift, labels known (fixed seeds)."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoring.drift.backtest import WindowSpec, run_backtest, verdict
from scoring.modeling.bundle import Bundle

WINDOWS = (
    WindowSpec("none-1", 5_000, 201),
    WindowSpec("none-2", 5_000, 202),
    WindowSpec("ext-source", 5_000, 203, {"ext_source": -0.1}),
    WindowSpec("income-age", 5_000, 204, {"income": -0.3, "age": 5.0}),
    WindowSpec("late-payments", 5_000, 205, {"late_payments": 2.0}),
)
CALIBRATION = WindowSpec("calibration", 20_000, 200)


@pytest.mark.slow
def test_estimated_auc_is_within_002_of_the_realised(bundle: Bundle, tmp_path: Path) -> None:
    rows = run_backtest(bundle, WINDOWS, CALIBRATION, tmp_path)
    result = verdict(rows)
    assert result["windows"] == len(WINDOWS) and result["passes"], rows
    for row in rows:  # the estimator's own error, without the luck of the label draw
        assert abs(row["estimated_auc"] - row["true_expected_auc"]) <= 0.02, row
    by_name = {r["window"]: r for r in rows}
    for name in ("none-1", "none-2"):
        assert by_name[name]["estimated_default_rate"] == pytest.approx(
            by_name[name]["realised_default_rate"], abs=0.01
        )
    assert (
        by_name["ext-source"]["estimated_default_rate"] > by_name["none-1"]["estimated_default_rate"] + 0.01
    )
