"""The Evidently report: data drift of the chosen features, prediction drift, and with labels target drift
and classification quality at the business threshold.

Built with Evidently's current API (Report, DataDriftPreset, ValueDrift, ClassificationPreset). A feature
with no value at all in the reference cannot be tested and is skipped; one with no value in the current data
is not given to Evidently (it cannot test it either) and counts as drifted in the summary.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import pandas as pd
import polars as pl
from evidently import BinaryClassification, DataDefinition, Dataset, Report
from evidently.core.report import Snapshot
from evidently.metrics import ValueDrift
from evidently.presets import ClassificationPreset, DataDriftPreset

from scoring.drift.errors import DriftError
from scoring.drift.sample import PROBABILITY, REFUSED, TARGET, Sample
from scoring.drift.settings import DriftSettings
from scoring.features.feature import ModelFeature
from scoring.vocabulary import Decision

DECISION = "decision"


@dataclass(frozen=True)
class DriftRun:
    """An Evidently snapshot and how the features were used: tested, empty in current or in reference.

    `features` are all the features asked for, most important first (rank 1).
    """

    snapshot: Snapshot
    tested: list[ModelFeature]
    empty_in_current: list[ModelFeature]
    empty_in_reference: list[ModelFeature]
    labelled: bool
    features: tuple[ModelFeature, ...] = ()

    def rank(self, feature: ModelFeature) -> int:
        return self.features.index(feature) + 1


def _empty(frame: pl.DataFrame, features: list[ModelFeature]) -> list[ModelFeature]:
    counts = frame.select(pl.col(f.name).null_count() for f in features).row(0) if features else ()
    return [f for f, nulls in zip(features, counts, strict=True) if nulls == frame.height]


def _column(feature: ModelFeature) -> pl.Expr:
    """A categorical code becomes its level (codes outside the levels: missing); numbers become Float64."""
    column = pl.col(feature.name)
    if not feature.categorical:
        return column.cast(pl.Float64)
    codes = column.cast(pl.Int64, strict=False)
    if not feature.levels:
        return codes.cast(pl.String)
    mapping = dict(enumerate(feature.levels))
    return codes.replace_strict(mapping, default=None, return_dtype=pl.String)


def _pandas(sample: Sample, features: list[ModelFeature], labelled: bool) -> pd.DataFrame:
    columns = [_column(f) for f in features]
    columns.append(pl.col(PROBABILITY).cast(pl.Float64))
    columns.append(
        pl.when(pl.col(REFUSED))
        .then(pl.lit(Decision.REFUSE.value))
        .otherwise(pl.lit(Decision.ACCEPT.value))
        .alias(DECISION)
    )
    if labelled:
        columns.append(pl.col(TARGET).cast(pl.Int64))
    return sample.frame.select(columns).to_pandas()


def _definition(features: list[ModelFeature], labelled: bool) -> DataDefinition:
    numerical = [f.name for f in features if not f.categorical] + [PROBABILITY]
    categorical = [f.name for f in features if f.categorical] + [DECISION] + ([TARGET] if labelled else [])
    task = BinaryClassification(target=TARGET, prediction_probas=PROBABILITY, pos_label=1)
    tasks = [task] if labelled else None
    return DataDefinition(numerical_columns=numerical, categorical_columns=categorical, classification=tasks)


def _metrics(features: list[ModelFeature], settings: DriftSettings, labelled: bool, threshold: float) -> list:
    s = settings
    metrics = [
        DataDriftPreset(
            columns=[f.name for f in features],
            drift_share=s.drift_share,
            num_method=s.num_method,
            cat_method=s.cat_method,
            num_threshold=s.num_threshold,
            cat_threshold=s.cat_threshold,
        ),
        ValueDrift(column=PROBABILITY, method=s.num_method, threshold=s.num_threshold),
        ValueDrift(column=DECISION, method=s.cat_method, threshold=s.cat_threshold),
    ]
    if labelled:
        metrics.append(ValueDrift(column=TARGET, method=s.cat_method, threshold=s.cat_threshold))
        metrics.append(ClassificationPreset(probas_threshold=threshold))
    return metrics


def build_report(
    reference: Sample,
    current: Sample,
    features: list[ModelFeature],
    settings: DriftSettings,
    threshold: float,
    metadata: dict[str, str] | None = None,
) -> DriftRun:
    """Run the Evidently report of `current` against `reference` on `features`."""
    empty_ref = _empty(reference.frame, features)
    empty_cur = [f for f in _empty(current.frame, features) if f not in empty_ref]
    tested = [f for f in features if f not in empty_ref and f not in empty_cur]
    if not tested:
        raise DriftError(
            f"none of the {len(features)} features has values in both the reference and {current.description}"
        )
    labelled = current.labelled and reference.labelled
    definition = _definition(tested, labelled)
    metrics = _metrics(tested, settings, labelled, threshold)
    report = Report(metrics, metadata=metadata or {}, include_tests=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        snapshot = report.run(
            Dataset.from_pandas(_pandas(current, tested, labelled), data_definition=definition),
            Dataset.from_pandas(_pandas(reference, tested, labelled), data_definition=definition),
        )
    return DriftRun(snapshot, tested, empty_cur, empty_ref, labelled, tuple(features))
