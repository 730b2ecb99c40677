"""An application feature: its dictionary entry and its expression over the application's raw columns."""

from __future__ import annotations

from dataclasses import dataclass

from scoring.features.expr import Expr
from scoring.features.feature import FeatureDefinition
from scoring.vocabulary import FeatureKind

PREFIX = "APP_"
SOURCE = "application"


@dataclass(frozen=True)
class ApplicationFeature:
    """An application feature: its dictionary entry and its expression."""

    feature: FeatureDefinition
    expr: Expr


def derived(
    name: str, expr: Expr, aggregation: str, unit: str, label: str, label_fr: str
) -> ApplicationFeature:
    """A feature computed from the application's columns (a count, else a number), in both languages."""
    kind = FeatureKind.COUNT if unit == "count" else FeatureKind.NUMERIC
    feature = FeatureDefinition(PREFIX + name, SOURCE, aggregation, unit, kind, label, label_fr=label_fr)
    return ApplicationFeature(feature, expr)
