"""The features a drift check looks at: the model's most important ones, from its bundle."""

from __future__ import annotations

from scoring.drift.errors import DriftError
from scoring.features.feature import ModelFeature
from scoring.modeling.bundle import IMPORTANCE_FILE, Bundle


def top_features(bundle: Bundle, n: int) -> list[ModelFeature]:
    """The `n` model features with the highest mean |SHAP| (importance.json), most important first."""
    try:
        importance = bundle.importance()
    except FileNotFoundError:
        raise DriftError(f"bundle {bundle.path} has no {IMPORTANCE_FILE}") from None
    described = {f["name"]: f for f in bundle.metadata["features"]}
    chosen = [row for row in importance if row["feature"] in described][:n]
    if not chosen:
        raise DriftError(f"{bundle.path / IMPORTANCE_FILE} names none of the model's features")
    return [ModelFeature.from_metadata(described[row["feature"]]) for row in chosen]
