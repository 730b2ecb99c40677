"""PSI on hand-computed and simulated cases: bins, bands, the critical value and small windows."""

from __future__ import annotations

import math

import numpy as np
import pytest

from scoring.drift.psi import FLOOR, band, critical_psi, psi, quantile_edges


def test_psi_matches_the_formula_on_deciles() -> None:
    reference = np.arange(1000.0)
    current = np.repeat(np.arange(0.0, 500.0, 100.0), 200) + 50  # all in the first five deciles
    result = psi(reference, current)
    expected = 5 * (0.2 - 0.1) * math.log(2) + 5 * (FLOOR - 0.1) * math.log(FLOOR / 0.1)
    assert result.value == pytest.approx(expected)
    assert result.bins == 10 and result.band == "significant" and result.drifted


def test_critical_value_follows_sample_sizes() -> None:
    assert critical_psi(50_000, 2_000, 10) == pytest.approx(16.919 * (1 / 50_000 + 1 / 2_000), rel=1e-3)
    assert critical_psi(50_000, 100, 10) > 0.10 > critical_psi(50_000, 2_000, 10)


def test_same_population_exceeds_the_critical_value_about_alpha_of_the_time() -> None:
    rng = np.random.default_rng(3)
    reference = rng.normal(size=20_000)
    results = [psi(reference, rng.normal(size=500)) for _ in range(400)]
    above = np.mean([r.value > r.critical for r in results])
    assert 0.02 <= above <= 0.09


def test_small_windows_do_not_cry_wolf() -> None:
    rng = np.random.default_rng(4)
    reference = rng.lognormal(size=20_000)
    results = [psi(reference, rng.lognormal(size=40)) for _ in range(200)]
    assert np.mean([r.value >= 0.10 for r in results]) > 0.3  # the bands alone would alert often
    assert np.mean([r.drifted for r in results]) < 0.1


def test_shift_is_found_in_a_large_window() -> None:
    rng = np.random.default_rng(5)
    result = psi(rng.normal(size=20_000), rng.normal(0.6, 1.0, size=2_000))
    assert result.value > 0.25 and result.drifted and result.band == "significant"
    assert band(0.05) == "stable" and band(0.1) == "moderate" and band(0.25) == "significant"


def test_missing_values_and_levels_are_bins() -> None:
    rng = np.random.default_rng(6)
    reference = rng.normal(size=5_000)
    current = rng.normal(size=5_000)
    current[:1500] = np.nan
    assert psi(reference, current).drifted
    ref_codes = rng.choice([0, 1, 2], p=[0.6, 0.3, 0.1], size=5_000).astype(float)
    cur_codes = rng.choice([0, 1, 2, -1], p=[0.3, 0.3, 0.3, 0.1], size=5_000).astype(float)
    categorical = psi(ref_codes, cur_codes, categorical=True)
    assert categorical.bins == 4 and categorical.drifted


def test_tied_values_give_fewer_bins() -> None:
    reference = np.concatenate([np.zeros(8_000), np.arange(1, 2_001, dtype=float)])
    assert len(quantile_edges(reference)) < 9
    result = psi(reference, reference[::3])
    assert result.value < 0.01 and not result.drifted
