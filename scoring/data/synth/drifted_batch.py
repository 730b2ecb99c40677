"""Drifted batches: which features can be shifted, how a spec such as 'income=-0.2,age=5' is read."""

from __future__ import annotations

import math
from dataclasses import dataclass

from scoring.data.synth.errors import GenerationError


@dataclass(frozen=True)
class DriftKey:
    """One drift setting: what it changes and its allowed range (bounds included unless open)."""

    meaning: str
    low: float
    high: float
    open_low: bool = False


DRIFT_KEYS: dict[str, DriftKey] = {
    "income": DriftKey("relative change of AMT_INCOME_TOTAL (-0.2 = 20% lower)", -1.0, 10.0, open_low=True),
    "credit": DriftKey("relative change of AMT_CREDIT, AMT_ANNUITY and AMT_GOODS_PRICE", -1.0, 10.0, True),
    "age": DriftKey("shift of the age in years (DAYS_BIRTH); retirement follows age", -30.0, 30.0),
    "ext_source": DriftKey("additive shift of EXT_SOURCE_1/2/3, clipped to (0, 1)", -1.0, 1.0),
    "contract_type": DriftKey("share of 'Revolving loans' in NAME_CONTRACT_TYPE", 0.0, 1.0),
    "late_payments": DriftKey("multiplier of the odds of paying an instalment late", 0.0, 100.0, True),
    "unemployed": DriftKey("share of clients without employment (DAYS_EMPLOYED = 365243)", 0.0, 1.0),
}


def _valid_keys() -> str:
    return "; ".join(f"{k}: {v.meaning}" for k, v in DRIFT_KEYS.items())


def validate_drift(drift: dict[str, float]) -> dict[str, float]:
    """The drift settings, checked: known keys, finite values within each key's range."""
    for key, value in drift.items():
        spec = DRIFT_KEYS.get(key)
        if spec is None:
            raise GenerationError(f"unknown drift key {key!r}; valid keys: {_valid_keys()}")
        below = value <= spec.low if spec.open_low else value < spec.low
        if not math.isfinite(value) or below or value > spec.high:
            bracket = "(" if spec.open_low else "["
            raise GenerationError(
                f"drift {key}={value} out of range {bracket}{spec.low}, {spec.high}] ({spec.meaning})"
            )
    return dict(drift)


def parse_drift(text: str | None) -> dict[str, float] | None:
    """Read 'key=value,key=value' (None or blank: no drift). Keys: income, credit, age, ext_source,
    contract_type, late_payments, unemployed (see DRIFT_KEYS); raises GenerationError naming a bad item."""
    if text is None or not text.strip():
        return None
    drift: dict[str, float] = {}
    for item in text.split(","):
        key, sep, raw = (part.strip() for part in item.partition("="))
        if not sep or not key:
            raise GenerationError(
                f"bad drift item {item.strip()!r}: expected key=value; valid keys: {_valid_keys()}"
            )
        if key in drift:
            raise GenerationError(f"drift key {key!r} given twice")
        try:
            drift[key] = float(raw)
        except ValueError:
            raise GenerationError(f"drift {key}={raw!r} is not a number") from None
    return validate_drift(drift)
