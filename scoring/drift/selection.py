"""The features a drift check looks at: the model's most important ones, from its bundle."""

from __future__ import annotations

from dataclasses import dataclass

from scoring.drift.errors import DriftError
from scoring.modeling.bundle import IMPORTANCE_FILE, Bundle

CATEGORICAL = "categorical"


@dataclass(frozen=True)
class Feature:
    """A model feature: name, readable label, importance rank (1 = most important), categorical levels."""

    name: str
    label: str
    rank: int
    categorical: bool = False
    levels: tuple[str, ...] = ()


def top_features(bundle: Bundle, n: int) -> list[Feature]:
    """The `n` model features with the highest mean |SHAP| (importance.json), most important first."""
    try:
        importance = bundle.importance()
    except FileNotFoundError:
        raise DriftError(f"bundle {bundle.path} has no {IMPORTANCE_FILE}") from None
    described = {f["name"]: f for f in bundle.metadata["features"]}
    chosen = [row for row in importance if row["feature"] in described][:n]
    if not chosen:
        raise DriftError(f"{bundle.path / IMPORTANCE_FILE} names none of the model's features")
    features = []
    for rank, row in enumerate(chosen, start=1):
        meta = described[row["feature"]]
        features.append(
            Feature(
                name=meta["name"],
                label=meta.get("label") or row.get("label") or meta["name"],
                rank=rank,
                categorical=meta.get("kind") == CATEGORICAL,
                levels=tuple(str(v) for v in meta.get("levels") or ()),
            )
        )
    return features
