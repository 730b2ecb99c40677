"""The reject-inference methods: fuzzy weights, parcelling's rates per band, the method check."""

from __future__ import annotations

import numpy as np
import pytest

from scoring.reject_inference.augment import (
    OPTION,
    RejectInferenceError,
    band_edges,
    band_rates,
    check_method,
    fuzzy,
    infer,
    parcelling,
    policy,
)


def test_fuzzy_duplicates_each_reject_with_weights_adding_up_to_one() -> None:
    reject_pd = np.array([0.05, 0.2, 0.6, 0.0])
    rows = fuzzy(reject_pd, factor=2.0)
    assert rows.reject.tolist() == [0, 1, 2, 3, 0, 1, 2, 3]
    assert rows.y.tolist() == [1, 1, 1, 1, 0, 0, 0, 0]
    assert rows.weight[:4] == pytest.approx([0.1, 0.4, 1.0, 0.0])  # factor x PD, at most 1
    per_reject = np.bincount(rows.reject, weights=rows.weight)
    assert per_reject == pytest.approx(np.ones(4))
    assert rows.weight.sum() == pytest.approx(len(reject_pd))


def test_parcelling_labels_each_band_at_its_accepted_rate_times_the_factor() -> None:
    rng = np.random.default_rng(3)
    accepted_pd = rng.uniform(0, 0.2, 4_000)
    accepted_y = (rng.random(4_000) < accepted_pd).astype(np.int8)
    reject_pd = rng.uniform(0.05, 0.4, 3_000)
    factor, bands = 1.5, 5
    rows = parcelling(accepted_pd, accepted_y, reject_pd, factor, bands, seed=1)
    edges = band_edges(accepted_pd, bands)
    assert len(edges) == bands - 1
    rates = band_rates(accepted_pd, accepted_y, edges)
    in_band = np.digitize(accepted_pd, edges)
    for b in range(bands):
        assert rates[b] == pytest.approx(accepted_y[in_band == b].mean())
    assert rows.reject.tolist() == list(range(len(reject_pd))) and (rows.weight == 1).all()
    reject_band = np.digitize(reject_pd, edges)
    for b in np.unique(reject_band):
        members = reject_band == b
        expected = round(members.sum() * min(factor * rates[b], 1.0))
        assert rows.y[members].sum() == expected
    again = parcelling(accepted_pd, accepted_y, reject_pd, factor, bands, seed=1)
    assert (again.y == rows.y).all()


def test_none_adds_nothing_and_the_policy_names_its_methods() -> None:
    assert policy().methods == ("none", "fuzzy", "parcelling") and policy().default in policy().methods
    empty = infer("none", np.array([0.1]), np.array([0]), np.array([0.3, 0.4]), seed=0)
    assert len(empty.y) == len(empty.weight) == len(empty.reject) == 0


def test_an_unknown_method_is_an_error_naming_the_option() -> None:
    with pytest.raises(RejectInferenceError) as error:
        check_method("heckman-ish")
    assert OPTION in str(error.value) and "'heckman-ish'" in str(error.value)
    assert "none, fuzzy, parcelling" in str(error.value)
