"""The feature dictionary: one entry per feature, for people (labels) and for code (kinds, levels, units).

Written as a JSON list of entries {name, source, aggregation, unit, kind, label, levels, missing_code,
default, description}, in the column order of features.parquet.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scoring.features.catalog import all_features
from scoring.features.encoding import MISSING_CODE
from scoring.features.feature import FeatureDefinition
from scoring.io import write_json_atomic
from scoring.vocabulary import FeatureKind


def entry(feature: FeatureDefinition) -> dict[str, Any]:
    """The dictionary entry of one feature."""
    item: dict[str, Any] = {
        "name": feature.name,
        "source": feature.source,
        "aggregation": feature.aggregation,
        "unit": feature.unit,
        "kind": feature.kind,
        "label": feature.label,
        "default": feature.default,
        "description": feature.description,
    }
    if feature.kind == FeatureKind.CATEGORICAL:
        item["levels"] = list(feature.levels)
        item["missing_code"] = MISSING_CODE
    return item


def feature_dictionary() -> list[dict[str, Any]]:
    """Entries of every feature, in output order."""
    return [entry(f) for f in all_features()]


def feature_labels() -> dict[str, str]:
    """FeatureDefinition name -> plain-language label."""
    return {f.name: f.label for f in all_features()}


def write_dictionary(path: Path) -> None:
    """Write the dictionary JSON atomically (temp file in the same directory, then rename)."""
    write_json_atomic(path, feature_dictionary())
