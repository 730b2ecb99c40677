"""Vintages and the calibration watch as pure functions of labelled scores: a direct count, an injected
calibration shift flagged with a prior shift that closes it, no flag on well-calibrated labels (fixed
seeds)."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import polars as pl
import pytest

from scoring.drift.segments import segment_policy
from scoring.modeling.calibration import PLATT, Calibrator
from scoring.monitoring.alerts import catalogue
from scoring.monitoring.binomial import prior_shift, shift_probabilities, wilson
from scoring.monitoring.calibration_watch import WatchPolicy, calibration_alerts, calibration_watch
from scoring.monitoring.recalibrate import shifted_calibrator
from scoring.monitoring.vintages import vintage_table, vintages
from scoring.offer.pricing import Pricer
from scoring.vocabulary import AlertKind

START = datetime(2025, 1, 1)
CLIENTS = 6_000
DAYS = 180
SHIFTED_FROM = datetime(2025, 4, 1)  # the last three months default at PD x 1.6


def labelled(seed: int, factor: float = 1.0) -> pl.DataFrame:
    """Six months of labelled clients; outcomes drawn at their PD (x factor from April on)."""
    rng = np.random.default_rng(seed)
    p = np.clip(rng.beta(1.2, 14, CLIENTS), 1e-4, 0.9)
    seconds = np.sort(rng.uniform(0, DAYS * 86400, CLIENTS))
    created = [START + timedelta(seconds=float(s)) for s in seconds]
    recent = np.array([c >= SHIFTED_FROM for c in created])
    y = rng.random(CLIENTS) < np.minimum(p * np.where(recent, factor, 1.0), 1.0)
    return pl.DataFrame(
        {
            "client_hash": [f"h{i}" for i in range(CLIENTS)],
            "created_at": created,
            "probability": p,
            "outcome": y.astype(np.int8),
        }
    )


def test_wilson_interval_known_values() -> None:
    assert wilson(0, 10) == pytest.approx((0.0, 0.2775), abs=1e-4)
    assert wilson(5, 10) == pytest.approx((0.2366, 0.7634), abs=1e-4)
    low, high = wilson(30, 1000, alpha=0.05 / 10)
    assert low < wilson(30, 1000)[0] and high > wilson(30, 1000)[1]  # a smaller alpha widens it
    with pytest.raises(ValueError, match="n must be positive"):
        wilson(0, 0)


def test_prior_shift_reaches_the_target_and_keeps_the_ranking() -> None:
    p = np.random.default_rng(1).uniform(0.01, 0.3, 2_000)
    delta = prior_shift(p, 0.2)
    shifted = shift_probabilities(p, delta)
    assert shifted.mean() == pytest.approx(0.2, abs=1e-9) and delta > 0
    assert np.array_equal(np.argsort(shifted), np.argsort(p))
    with pytest.raises(ValueError, match="target rate"):
        prior_shift(p, 0.0)


def test_vintage_table_matches_a_direct_count() -> None:
    frame = labelled(seed=5)
    rows = vintage_table(frame)
    grades = Pricer().grade_index(frame["probability"].to_numpy())
    names = np.array([g.name for g in Pricer().grades])[grades]
    months = np.array([c.strftime("%Y-%m") for c in frame["created_at"]])
    y, p = frame["outcome"].to_numpy(), frame["probability"].to_numpy()
    assert sum(r["n"] for r in rows) == CLIENTS
    assert [(r["vintage"], r["grade"]) for r in rows] == sorted(
        {(m, g) for m, g in zip(months, names, strict=True)}
    )
    for row in rows:
        mask = (months == row["vintage"]) & (names == row["grade"])
        assert row["n"] == mask.sum() and row["defaults"] == y[mask].sum()
        assert row["default_rate"] == pytest.approx(y[mask].mean())
        assert row["mean_probability"] == pytest.approx(p[mask].mean())
        assert row["ci_low"] <= row["default_rate"] <= row["ci_high"]
    table = vintages(frame)
    assert table["grades"] == sorted(set(names)) and table["vintages"] == [f"2025-0{m}" for m in range(1, 7)]
    assert vintages(frame.head(0))["rows"] == []


def test_an_injected_shift_is_flagged_and_the_suggested_shift_closes_it() -> None:
    frame = labelled(seed=3, factor=1.6)
    watch = calibration_watch(frame)
    assert watch["flagged"] and watch["window"]["direction"] == "under"
    assert [c["period"] for c in watch["periods"] if c["flagged"]] == ["2025-04", "2025-05", "2025-06"]
    recent = frame.filter(pl.col("created_at") >= datetime.fromisoformat(watch["window"]["start"]))
    suggestion = watch["recalibration"]
    assert suggestion["realised_rate"] == pytest.approx(recent["outcome"].mean())
    assert suggestion["mean_probability_after"] == pytest.approx(suggestion["realised_rate"], abs=1e-6)
    assert suggestion["logit_shift"] == pytest.approx(np.log(1.6), abs=0.15)  # odds x ~1.6 for small PDs
    moved = shift_probabilities(recent["probability"].to_numpy(), suggestion["logit_shift"]).mean()
    assert moved == pytest.approx(recent["outcome"].mean(), abs=1e-6)
    [alert] = calibration_alerts(watch)
    assert (
        alert.kind is AlertKind.CALIBRATION_SHIFT and alert.title == catalogue()["calibration_shift"]["title"]
    )
    assert "scoring retrain --recalibrate" in alert.body() and "period 2025-05" in alert.body()


@pytest.mark.parametrize("seed", [3, 11])
def test_no_flag_on_well_calibrated_labels(seed: int) -> None:
    watch = calibration_watch(labelled(seed=seed))
    assert not watch["flagged"] and watch["flags"] == [] and watch["recalibration"] is None
    assert calibration_alerts(watch) == []
    assert all(c["judged"] for c in watch["periods"]) and watch["tested"] >= 6


def test_segments_of_the_recent_window_and_bonferroni() -> None:
    frame = labelled(seed=3, factor=1.6)
    watch = calibration_watch(frame, WatchPolicy(0.05, 200, 90), segment_policy())
    grades = [c for c in watch["segments"] if c["segment"] == "RISK_GRADE"]
    assert sum(c["n"] for c in grades) == watch["window"]["n"]
    assert "AGE_BAND" in watch["unavailable"]  # no log column for it in this frame
    judged = [c for c in watch["periods"] + watch["segments"] if c["judged"]]
    assert watch["tested"] == len(judged)
    period = watch["periods"][0]
    assert (period["ci_low"], period["ci_high"]) == pytest.approx(
        wilson(period["defaults"], period["n"], 0.05 / watch["tested"])
    )
    empty = calibration_watch(frame.head(0))
    assert empty["window"] is None and not empty["flagged"] and calibration_alerts(empty) == []


def test_the_policy_file_is_checked() -> None:
    with pytest.raises(ValueError, match="alpha"):
        WatchPolicy.of({"alpha": 2.0, "min_clients": 200, "window_days": 90})
    with pytest.raises(ValueError, match="window_days"):
        WatchPolicy.of({"alpha": 0.05, "min_clients": 200, "window_days": 0})


def test_shifted_calibrators_shift_the_log_odds() -> None:
    raw = np.linspace(-6, 2, 50)
    platt = Calibrator(PLATT, a=0.9, b=-0.3)
    assert shifted_calibrator(platt, 0.4)(raw) == pytest.approx(shift_probabilities(platt(raw), 0.4))
    knots = Calibrator("isotonic", x=(-6.0, -2.0, 0.0, 2.0), y=(0.01, 0.05, 0.2, 0.6))
    moved = shifted_calibrator(knots, 0.4)
    assert moved(np.array(knots.x)) == pytest.approx(shift_probabilities(np.array(knots.y), 0.4))
    assert np.all(np.diff(moved(raw)) >= 0)
