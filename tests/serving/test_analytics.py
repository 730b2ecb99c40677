"""Client comparisons and out-of-fold views computed for the dashboard, on hand-made arrays."""

from __future__ import annotations

import numpy as np

from scoring.serving.analytics import binned_counts, numeric_histogram, pick_examples
from scoring.serving.performance import spread


def test_pick_examples_by_score() -> None:
    probability = np.array([0.01, 0.5, 0.095, 0.02, 0.9, 0.11, 0.03])
    rows = pick_examples(probability, threshold=0.1)
    assert probability[rows["safe"]] < 0.1 <= probability[rows["risky"]]
    assert rows["borderline"] == 2


def test_histogram_keeps_extremes_in_the_end_bins() -> None:
    values = np.concatenate([np.linspace(0, 1, 1000), [50.0, -50.0]])
    edges = numeric_histogram(values, 10, marker=2.0)
    assert edges[0] <= 0.01 and edges[-1] == 2.0
    counts = binned_counts(values, edges)
    assert counts.sum() == len(values)
    assert counts[0] >= 1 and counts[-1] >= 1


def test_spread_keeps_both_ends_and_the_kept_index() -> None:
    index = spread(1000, 10, keep=333)
    assert index[0] == 0 and index[-1] == 999 and 333 in index
