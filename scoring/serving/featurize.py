"""Feature rows (model order, float32) of posted applications, with the feature layer's own definitions.

An application without history takes the feature layer's compiled fast path; applications with history
rows go through `compute_features` together, in one query. Their SK_ID_BUREAU / SK_ID_PREV keys are
shifted per application first, so two applications of one batch can never share history rows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import polars as pl

from scoring.data.normalise import normalise
from scoring.data.schema import APPLICATION_TEST, CAT, FLOAT, TABLES
from scoring.features.application import PREFIX as APPLICATION_PREFIX
from scoring.features.build import compute_features
from scoring.features.serving import vectorizer

History = Mapping[str, Sequence[Mapping[str, object]]]
_KEY_SHIFT = 2**32  # above every valid key (keys are < 2**31)
_SHIFTED_KEYS = ("SK_ID_BUREAU", "SK_ID_PREV")


def _dtype(kind: str) -> pl.DataType:
    return pl.String if kind == CAT else pl.Float64 if kind == FLOAT else pl.Int64


def _frame(table: str, rows: Sequence[Mapping[str, object]]) -> pl.DataFrame:
    """Rows of a Kaggle table as a frame with every schema column (absent values are null)."""
    spec = TABLES[table]
    schema = {c.name: _dtype(c.kind) for c in spec.columns}
    return pl.DataFrame([{c: row.get(c) for c in schema} for row in rows], schema=schema, orient="row")


class Featurizer:
    """Computes the model's feature rows of posted applications (raw Kaggle fields, optional history)."""

    def __init__(self, model_features: Sequence[str]) -> None:
        self.vectorizer = vectorizer()
        layer = {name: i for i, name in enumerate(self.vectorizer.feature_names)}
        unknown = [f for f in model_features if f not in layer]
        if unknown:
            raise ValueError(
                f"{len(unknown)} model feature(s) unknown to the feature layer, e.g. {', '.join(unknown[:5])}"
            )
        self.model_features = list(model_features)
        self.columns = np.array([layer[f] for f in model_features], dtype=np.int64)
        self.application_positions = np.array(
            [i for i, f in enumerate(model_features) if f.startswith(APPLICATION_PREFIX)], dtype=np.int64
        )

    def vectors(
        self, applications: Sequence[Mapping[str, object]], histories: Sequence[History | None]
    ) -> np.ndarray:
        """One row per application (n x model features, float32)."""
        X = np.empty((len(applications), len(self.columns)), dtype=np.float32)
        with_history = [i for i, h in enumerate(histories) if h]
        for i, application in enumerate(applications):
            if not histories[i]:
                X[i] = self.vectorizer.vector(application)[self.columns]
        if with_history:
            frame = self._with_history(
                [applications[i] for i in with_history], [histories[i] for i in with_history]
            )
            X[with_history] = frame.select(self.model_features).cast(pl.Float32).to_numpy()
        return X

    def feature_rows(
        self,
        applications: Sequence[Mapping[str, object]],
        histories: Sequence[History | None],
        names: Sequence[str],
    ) -> list[dict[str, float]]:
        """The feature layer's values of `names` (any features, not only the model's) per application."""
        layer = {name: i for i, name in enumerate(self.vectorizer.feature_names)}
        rows = [
            {
                n: float(v)
                for n, v in zip(names, self.vectorizer.vector(a)[[layer[n] for n in names]], strict=True)
            }
            if not histories[i]
            else {}
            for i, a in enumerate(applications)
        ]
        with_history = [i for i, h in enumerate(histories) if h]
        if with_history:
            frame = self._with_history(
                [applications[i] for i in with_history], [histories[i] for i in with_history]
            )
            for i, values in zip(with_history, frame.select(names).iter_rows(named=True), strict=True):
                rows[i] = {n: math.nan if v is None else float(v) for n, v in values.items()}
        return rows

    def with_application(self, row: np.ndarray, application: Mapping[str, object]) -> np.ndarray:
        """A stored model row (1-D) as one row of a new matrix, its application features those of
        `application` (its history features the client's own)."""
        X = np.ascontiguousarray(row[None, :]).copy()
        self.replace_application_features(X, [application])
        return X

    def replace_application_features(
        self, X: np.ndarray, applications: Sequence[Mapping[str, object]]
    ) -> None:
        """Overwrite the application features of each row of X (history features stay as they are)."""
        src = self.columns[self.application_positions]
        for i, application in enumerate(applications):
            X[i, self.application_positions] = self.vectorizer.vector(application)[src]

    def _with_history(
        self, applications: Sequence[Mapping[str, object]], histories: Sequence[History]
    ) -> pl.DataFrame:
        """Features of applications with history rows, in one `compute_features` call."""
        rows: dict[str, list[dict]] = {}
        for i, history in enumerate(histories):
            key = i + 1
            for table, records in history.items():
                for record in records:
                    shifted = {
                        k: record[k] + key * _KEY_SHIFT for k in _SHIFTED_KEYS if record.get(k) is not None
                    }
                    rows.setdefault(table, []).append({**record, **shifted, "SK_ID_CURR": key})
        app_rows = [{**a, "SK_ID_CURR": i + 1} for i, a in enumerate(applications)]
        tables = {"application": normalise(APPLICATION_TEST, _frame("application_test", app_rows))}
        tables |= {t: normalise(t, _frame(t, r)) for t, r in rows.items()}
        return compute_features(tables)
