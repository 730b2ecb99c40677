"""Drift by segment (the summary's `segments` and `segment_check`): for each value of each segment of
`segments.json` with at least `min_clients` clients in both the reference and the current data, the score's
PSI, the watched features that moved, the mean calibrated PD with its expected AUC (CBPE's closed form), and,
where outcomes are known, the realised default rate against the mean PD with a binomial test.

Drifted: the score's PSI is in the moderate band or above and beyond its critical value (the rule of the
whole, `scoring.drift.psi`), or the share of watched features that moved reaches the run's drift share (the
whole's data-drift rule). Many segment values are tested at once, so each test's critical value is taken at
alpha / (number of segment values tested) (Bonferroni): the chance that any segment of an unchanged
population is called drifted by its score stays at alpha.

The binomial test compares the defaults of the segment with n draws at the mean PD. With PDs that differ
between clients the count's variance is smaller than the binomial's (a Poisson-binomial), so the test is
conservative: a small p-value is a real miscalibration of the segment.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from scipy.stats import binomtest

from scoring.drift.cbpe import Calibration, expected_auc
from scoring.drift.psi import ALPHA
from scoring.drift.sample import PROBABILITY, TARGET, Sample
from scoring.drift.segments import Segment, SegmentPolicy
from scoring.drift.stability import feature_psi, score_psi
from scoring.features.feature import ModelFeature
from scoring.modeling.metrics import safe_auc

METHOD = (
    "per segment value with at least min_clients clients on both sides: PSI of the score and of the watched "
    "features as for the whole, critical values at alpha / number of segment values (Bonferroni); drifted = "
    "the score's PSI drifted or the share of features that moved reaches the drift share; mean calibrated PD "
    "and expected AUC (CBPE); with outcomes, realised default rate and a two-sided binomial test against the "
    "mean PD"
)


def _subset(sample: Sample, mask: np.ndarray) -> Sample:
    return Sample(sample.frame.filter(pl.Series(mask)), sample.source, sample.description)


def _values(sample: Sample, column: str) -> np.ndarray:
    return sample.frame[column].cast(pl.Float64).to_numpy()


def _outcomes(current: Sample, mean_pd: float) -> dict:
    """Realised default rate, defaults and the binomial test's p-value (nulls without outcomes)."""
    if not current.labelled:
        return {"realised_rate": None, "defaults": None, "p_value": None}
    y = _values(current, TARGET)
    defaults, n = int(y.sum()), len(y)
    p = min(max(mean_pd, 0.0), 1.0)
    return {"realised_rate": defaults / n, "defaults": defaults, "p_value": binomtest(defaults, n, p).pvalue}


def segment_entry(
    segment: Segment,
    value: str,
    reference: Sample,
    current: Sample,
    features: list[ModelFeature],
    calibration: Calibration,
    drift_share: float,
    alpha: float = ALPHA,
) -> dict:
    """The figures of one segment value (`reference` and `current` hold its clients only)."""
    score = score_psi(reference, current, alpha)
    rows = feature_psi(reference, current, features, alpha)
    moved = [{k: r[k] for k in ("feature", "label", "psi", "critical")} for r in rows if r["drifted"]]
    share = len(moved) / len(rows) if rows else 0.0
    probability = _values(current, PROBABILITY)
    pd = calibration.apply(probability)
    reference_pd = calibration.apply(_values(reference, PROBABILITY))
    reference_auc = safe_auc(_values(reference, TARGET).astype(int), _values(reference, PROBABILITY))
    mean_pd = float(pd.mean())
    return {
        "name": f"{segment.name}={value}",
        "segment": segment.name,
        "value": value,
        "n": current.rows,
        "n_reference": reference.rows,
        "score_psi": score.value,
        "score_psi_band": score.band,
        "score_psi_critical": score.critical,
        "score_drifted": score.drifted,
        "features_checked": len(rows),
        "features_moved": moved,
        "moved_share": share,
        "drifted": bool(score.drifted or (rows and share >= drift_share)),
        "mean_pd": mean_pd,
        "reference_mean_pd": float(reference_pd.mean()),
        "estimated_auc": expected_auc(probability, pd),
        "reference_auc": None if np.isnan(reference_auc) else reference_auc,
        **_outcomes(current, mean_pd),
    }


def _candidates(
    policy: SegmentPolicy, reference: Sample, current: Sample
) -> tuple[list[tuple[Segment, str, np.ndarray, np.ndarray]], list[dict], int]:
    """Segment values with enough clients (with their row masks), the segments not available, and how many
    values were too small."""
    chosen, unavailable, small = [], [], 0
    for segment in policy.segments:
        ref, cur = segment.values(reference.frame), segment.values(current.frame)
        if ref is None or cur is None:
            side = "reference" if ref is None else "current"
            unavailable.append({"segment": segment.name, "reason": f"no {segment.field} in the {side} data"})
            continue
        present = {str(v) for v in (*ref, *cur) if v is not None}
        for value in segment.order(present):
            in_ref, in_cur = ref == value, cur == value
            if min(int(in_ref.sum()), int(in_cur.sum())) < policy.min_clients:
                small += 1
                continue
            chosen.append((segment, value, in_ref, in_cur))
    return chosen, unavailable, small


def segment_drift(
    reference: Sample,
    current: Sample,
    features: list[ModelFeature],
    policy: SegmentPolicy,
    calibration: Calibration,
    drift_share: float,
) -> tuple[list[dict], dict]:
    """The `segments` entries (segment by segment, values in their natural order) and how they were chosen."""
    chosen, unavailable, small = _candidates(policy, reference, current)
    alpha = ALPHA / max(len(chosen), 1)
    entries = [
        segment_entry(
            segment,
            value,
            _subset(reference, in_ref),
            _subset(current, in_cur),
            features,
            calibration,
            drift_share,
            alpha,
        )
        for segment, value, in_ref, in_cur in chosen
    ]
    check = {
        "method": METHOD,
        "min_clients": policy.min_clients,
        "alpha": alpha,
        "segments": [s.name for s in policy.segments],
        "values_checked": len(entries),
        "values_too_small": small,
        "not_available": unavailable,
        "drifted": [e["name"] for e in entries if e["drifted"]],
    }
    return entries, check
