"""Fast path for serving: the feature vector of one posted application that has no history rows.

The application features are the compiled Python form of the same expressions the batch query runs;
the history features are the constants of a client with no rows (counts 0, everything else missing).
The row may be raw (Kaggle values: "XNA", DAYS_EMPLOYED = 365243) or already normalised.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from functools import cache

import numpy as np

from scoring.data.schema import DAYS_EMPLOYED_ANOMALY
from scoring.features.application import ANOMALY_FLAG, application_features
from scoring.features.catalog import all_features
from scoring.features.duckdb_runner import FeatureError
from scoring.features.expr import as_number


def _is_anomaly(value: object) -> bool:
    try:
        return as_number(value) == DAYS_EMPLOYED_ANOMALY
    except (TypeError, ValueError):
        return False


def _normalised(row: Mapping[str, object]) -> Mapping[str, object]:
    """The one raw-data quirk the application features see: DAYS_EMPLOYED = 365243 (not employed)."""
    if _is_anomaly(row.get("DAYS_EMPLOYED")):
        return {**row, "DAYS_EMPLOYED": None, ANOMALY_FLAG: 1}
    if ANOMALY_FLAG not in row:
        return {**row, ANOMALY_FLAG: 0}
    return row


class ApplicationVectorizer:
    """Compiled once; `vector(row)` gives the float32 feature vector in features.parquet column order."""

    def __init__(self) -> None:
        self.feature_names: list[str] = [f.name for f in all_features()]
        self._functions = [(a.feature.name, a.expr.compile()) for a in application_features()]
        defaults = [math.nan if f.default is None else f.default for f in all_features()]
        self._template = np.array(defaults, dtype=np.float32)
        self._template[: len(self._functions)] = math.nan

    def _values(self, row: Mapping[str, object]) -> list[float]:
        values = []
        for name, function in self._functions:
            try:
                value = function(row)
            except (TypeError, ValueError) as exc:
                raise FeatureError(f"application row: cannot compute {name}: {exc}") from exc
            values.append(math.nan if value is None else value)
        return values

    def vector(self, row: Mapping[str, object]) -> np.ndarray:
        """Feature vector of one application (raw or normalised fields; absent fields are missing)."""
        vector = self._template.copy()
        with np.errstate(over="ignore"):  # beyond float32's range is +/-inf, as in the batch build
            vector[: len(self._functions)] = self._values(_normalised(row))
        return vector

    def matrix(self, rows: Iterable[Mapping[str, object]]) -> np.ndarray:
        """One vector per row, stacked (n_rows x n_features, float32)."""
        vectors = [self.vector(row) for row in rows]
        return np.vstack(vectors) if vectors else np.empty((0, len(self.feature_names)), np.float32)


@cache
def vectorizer() -> ApplicationVectorizer:
    """The process-wide compiled vectorizer."""
    return ApplicationVectorizer()


def application_feature_vector(row: Mapping[str, object]) -> np.ndarray:
    """Feature vector (float32, features.parquet order) of one application without history rows."""
    return vectorizer().vector(row)
