"""The full, ordered list of features: application features, then each secondary table's aggregates."""

from __future__ import annotations

from functools import cache

from scoring.features.aggregation import Output, outputs
from scoring.features.application import application_features
from scoring.features.feature import FeatureDefinition
from scoring.features.specs import TABLE_SPECS


@cache
def table_outputs() -> tuple[tuple[Output, ...], ...]:
    """Outputs of each secondary table spec, in TABLE_SPECS order."""
    return tuple(outputs(spec) for spec in TABLE_SPECS)


@cache
def all_features() -> tuple[FeatureDefinition, ...]:
    """Every feature in output order (the columns of features.parquet after SK_ID_CURR, TARGET, SPLIT)."""
    history = tuple(o.feature for table in table_outputs() for o in table)
    return (*(a.feature for a in application_features()), *history)


def feature_names() -> list[str]:
    return [f.name for f in all_features()]
