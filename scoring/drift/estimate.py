"""The summary's `estimated_performance` block: CBPE on the current window against the reference's realised
figures (see `scoring.drift.cbpe` for the method).

Calibration: a bundle whose metadata has a `calibration` entry serves calibrated probabilities (the
second-wave bundle contract: a calibrator fitted on out-of-fold predictions, applied on every path that
returns a probability) and its scores are used as they are. Otherwise an isotonic map is fitted on the
reference (out-of-fold probabilities and labels) and applied to the current scores first.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from scoring.drift import cbpe
from scoring.drift.defaults import AUC_DROP
from scoring.drift.sample import PROBABILITY, REFUSED, TARGET, Sample
from scoring.modeling.bundle import Bundle
from scoring.modeling.cost import CostError, CostSpec
from scoring.modeling.dataset import AMOUNT


def bundle_calibrated(metadata: dict) -> bool:
    """True when the bundle says its probabilities are calibrated (metadata `calibration`)."""
    return bool(metadata.get("calibration"))


def calibration_for(bundle: Bundle, reference: Sample) -> cbpe.Calibration:
    """The bundle's own calibration, or an isotonic map fitted on the labelled reference."""
    if bundle_calibrated(bundle.metadata):
        return cbpe.identity()
    return cbpe.fit_isotonic(_values(reference, PROBABILITY), _values(reference, TARGET))


def cost_spec(metadata: dict) -> tuple[CostSpec | None, str | None]:
    """The bundle's cost weights, or None and why not."""
    try:
        return CostSpec.from_dict(metadata.get("cost") or {}), None
    except (CostError, TypeError) as exc:
        return None, f"no cost: the bundle's cost settings are unusable ({exc})"


def _values(sample: Sample, column: str) -> np.ndarray:
    return sample.frame[column].cast(pl.Float64).to_numpy()


def _amount(sample: Sample, spec: CostSpec | None) -> tuple[CostSpec | None, np.ndarray | None, str | None]:
    if spec is None or spec.mode != "monetary":
        return spec, None, None
    if AMOUNT not in sample.frame.columns or sample.frame[AMOUNT].null_count():
        return None, None, f"no cost: monetary cost needs {AMOUNT} for every client of {sample.source}"
    return spec, _values(sample, AMOUNT), None


def estimated_performance(
    reference: Sample, current: Sample, bundle: Bundle, auc_drop: float = AUC_DROP
) -> dict:
    """Expected AUC, default rate, confusion and cost of the current window, the reference's realised
    figures, and whether the expected AUC fell by `auc_drop` or more."""
    calibration = calibration_for(bundle, reference)
    spec, note = cost_spec(bundle.metadata)
    ref_spec, ref_amount, ref_note = _amount(reference, spec)
    cur_spec, cur_amount, cur_note = _amount(current, spec)
    ref_refused = reference.frame[REFUSED].to_numpy()
    realised = cbpe.realised(
        _values(reference, PROBABILITY), _values(reference, TARGET), ref_refused, ref_spec, ref_amount
    )
    score = _values(current, PROBABILITY)
    estimated = cbpe.estimate(
        score, calibration.apply(score), current.frame[REFUSED].to_numpy(), cur_spec, cur_amount
    )
    drop = realised["auc"] - estimated["auc"]
    return {
        "method": "CBPE (NannyML's confidence-based performance estimation) on calibrated PDs",
        "calibration": calibration.source,
        "threshold": bundle.threshold,
        "estimated": estimated,
        "reference": realised,
        "auc_drop": drop,
        "auc_drop_threshold": auc_drop,
        "performance_drop": bool(np.isfinite(drop) and drop >= auc_drop),
        "notes": [n for n in {note, ref_note, cur_note} if n],
    }
