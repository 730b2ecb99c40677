"""PSI of the model's score and of each monitored feature, current data against the reference (summary block).

See `scoring.drift.psi` for the bins, the bands and the critical value. The score is the probability of
default (reference: out-of-fold probabilities of the training clients, current: the served ones).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from scoring.drift.psi import ALPHA, BINS, MODERATE, SIGNIFICANT, Psi, psi
from scoring.drift.sample import PROBABILITY, Sample
from scoring.features.feature import ModelFeature

METHOD = (
    "PSI over 10 reference-decile bins (levels for categorical features, missing values as a bin), shares "
    "floored at 1e-4; drifted = PSI >= 0.10 and above the critical value (1/N + 1/M) * chi2(1 - alpha, "
    "bins - 1)"
)


def _column(sample: Sample, name: str) -> np.ndarray:
    return sample.frame[name].cast(pl.Float64).fill_null(np.nan).to_numpy()


def score_psi(reference: Sample, current: Sample, alpha: float = ALPHA) -> Psi:
    """PSI of the probability of default (critical value at `alpha`)."""
    return psi(_column(reference, PROBABILITY), _column(current, PROBABILITY), alpha=alpha)


def feature_psi(
    reference: Sample, current: Sample, features: list[ModelFeature], alpha: float = ALPHA
) -> list[dict]:
    """One row per feature present on both sides, highest PSI first (critical values at `alpha`)."""
    rows = []
    for rank, feature in enumerate(features, start=1):
        if feature.name not in reference.frame.columns or feature.name not in current.frame.columns:
            continue
        ref, cur = _column(reference, feature.name), _column(current, feature.name)
        result = psi(ref, cur, feature.categorical, alpha=alpha)
        rows.append({"feature": feature.name, "label": feature.label, "rank": rank, **result.to_dict()})
    return sorted(rows, key=lambda r: -r["psi"])


def stability(reference: Sample, current: Sample, features: list[ModelFeature]) -> dict:
    """The summary's `psi` block: settings, the score's PSI, each feature's and the drifted share."""
    rows = feature_psi(reference, current, features)
    drifted = [r for r in rows if r["drifted"]]
    score = score_psi(reference, current)
    return {
        "method": METHOD,
        "bins": BINS,
        "bands": {"moderate": MODERATE, "significant": SIGNIFICANT},
        "alpha": ALPHA,
        "score": score.to_dict(),
        "features": rows,
        "features_checked": len(rows),
        "drifted_count": len(drifted),
        "drifted_share": len(drifted) / len(rows) if rows else 0.0,
        "max_feature_psi": rows[0]["psi"] if rows else None,
    }
