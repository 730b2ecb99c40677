"""The feature dictionary: one entry per feature, for people (labels) and for code (kinds, levels, units).

Written as a JSON list of entries {name, source, aggregation, unit, kind, label, labels, levels,
missing_code, default, description}, in the column order of features.parquet: `labels` holds the label in
each language ({"en": ..., "fr": ...}), `label` stays the English one.
"""

from __future__ import annotations

from functools import cache
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
        "labels": feature.labels,
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


def feature_labels(language: str = "en") -> dict[str, str]:
    """FeatureDefinition name -> plain-language label in `language` ("en" or "fr")."""
    return {f.name: f.labels[language] for f in all_features()}


@cache
def _by_name() -> dict[str, FeatureDefinition]:
    return {f.name: f for f in all_features()}


def feature_label(name: str, language: str, fallback: str) -> str:
    """A feature's label in `language`; `fallback` (the bundle's own label) for a feature the code no longer
    defines or a language it has no label in."""
    feature = _by_name().get(name)
    return (feature.labels.get(str(language)) if feature else None) or fallback


def feature_unit(name: str) -> str | None:
    """A feature's unit (currency, days, ratio...); None for a feature the code no longer defines."""
    feature = _by_name().get(name)
    return feature.unit if feature else None


def write_dictionary(path: Path) -> None:
    """Write the dictionary JSON atomically (temp file in the same directory, then rename)."""
    write_json_atomic(path, feature_dictionary())
