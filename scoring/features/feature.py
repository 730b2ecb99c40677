"""Feature descriptors: how the dictionary defines a feature, how a bundle describes a model input."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from scoring.vocabulary import FeatureKind


@dataclass(frozen=True)
class FeatureDefinition:
    """One output column of the feature build: name, source table, aggregation, unit, kind, label (in
    English, and `label_fr` in French).

    `default` is the value of a client with no row in the source table (0 for counts, None = missing).
    """

    name: str
    source: str
    aggregation: str
    unit: str
    kind: FeatureKind
    label: str
    levels: tuple[str, ...] = ()
    description: str = ""
    default: float | None = None
    label_fr: str = ""

    @property
    def labels(self) -> dict[str, str]:
        """The label by language code."""
        return {"en": self.label, "fr": self.label_fr}


@dataclass(frozen=True)
class ModelFeature:
    """One model input as the bundle describes it (metadata `features`, in model order).

    The one descriptor training, serving, explanations and drift share: name, plain-language label, kind,
    categorical levels (code i means levels[i]) and the dtype of its column in features.parquet.
    """

    name: str
    label: str
    kind: FeatureKind = FeatureKind.NUMERIC
    levels: tuple[str, ...] = ()
    dtype: str = "Float32"

    @property
    def categorical(self) -> bool:
        return self.kind == FeatureKind.CATEGORICAL

    @classmethod
    def from_metadata(cls, entry: Mapping) -> ModelFeature:
        """From one entry {name, label, kind, levels, dtype} of the bundle's metadata (or the dictionary)."""
        return cls(
            name=entry["name"],
            label=entry.get("label") or entry["name"],
            kind=FeatureKind(entry.get("kind") or FeatureKind.NUMERIC),
            levels=tuple(str(v) for v in entry.get("levels") or ()),
            dtype=entry.get("dtype") or "Float32",
        )

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "dtype": self.dtype,
            "label": self.label,
            "kind": str(self.kind),
            "levels": list(self.levels),
        }

    def display(self, value: float | None) -> float | str | None:
        """The value as shown to a person: level name for categorical codes, None when missing."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None
        if self.categorical and self.levels:
            code = int(value)
            return self.levels[code] if 0 <= code < len(self.levels) else None
        number = float(value)
        if number.is_integer() and abs(number) < 2**53:
            return int(number)
        return float(f"{number:.7g}")  # features are float32: 7 significant digits, no 0.30000001
