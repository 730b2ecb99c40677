"""The features a drift check looks at: the model's most important ones, from its bundle."""

from __future__ import annotations

from collections.abc import Collection

from scoring.drift.errors import DriftError
from scoring.features.feature import ModelFeature
from scoring.modeling.bundle import IMPORTANCE_FILE, Bundle


def top_features(bundle: Bundle, n: int, exclude: Collection[str] = ()) -> list[ModelFeature]:
    """The `n` model features with the highest mean |SHAP| (importance.json), most important first, leaving
    out `exclude` (for the prediction log: the identifiers it does not store)."""
    try:
        importance = bundle.importance()
    except FileNotFoundError:
        raise DriftError(f"bundle {bundle.path} has no {IMPORTANCE_FILE}") from None
    described = {f["name"]: f for f in bundle.metadata["features"]}
    chosen = [row for row in importance if row["feature"] in described and row["feature"] not in exclude][:n]
    if not chosen:
        raise DriftError(f"{bundle.path / IMPORTANCE_FILE} names none of the model's features")
    return [ModelFeature.from_metadata(described[row["feature"]]) for row in chosen]
