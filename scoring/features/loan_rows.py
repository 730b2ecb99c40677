"""Feature rows of applications at other loan terms, computing only the features the loan terms move.

An offer scores one application at many (amount, instalment) pairs (`LoanRows.rows`); a strategy's figures of
the requested loan score each application at its own priced loan (`LoanRows.probability_of`). The application
features that read AMT_CREDIT, AMT_ANNUITY or AMT_GOODS_PRICE (found by walking each feature's expression) are
recomputed per candidate with the feature layer's own compiled expressions; every other feature keeps the
value of the application's row. The goods price follows the amount (the asked share of the price financed is
kept), so a lower amount is never a down payment nobody asked about. Same values as
`Featurizer.replace_application_features` on the changed rows, at a small fraction of the time.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from scoring.features.application import application_features
from scoring.features.expr import Col, Expr
from scoring.offer.candidate_loans import ProbabilityOf

LOAN_FIELDS = frozenset({"AMT_CREDIT", "AMT_ANNUITY", "AMT_GOODS_PRICE"})
Predict = Callable[[np.ndarray], np.ndarray]


def columns_of(expr: Expr) -> set[str]:
    """The input columns an expression reads."""
    if isinstance(expr, Col):
        return {expr.name}
    found: set[str] = set()
    if dataclasses.is_dataclass(expr):
        for f in dataclasses.fields(expr):
            value = getattr(expr, f.name)
            for item in value if isinstance(value, tuple | list) else (value,):
                if isinstance(item, Expr):
                    found |= columns_of(item)
    return found


class _Overlay:
    """An application row with the loan fields replaced (the compiled expressions read rows with `get`)."""

    __slots__ = ("base", "loan")

    def __init__(self, base: Mapping[str, object]) -> None:
        self.base = base
        self.loan: dict[str, object] = {}

    def get(self, key: str, default: object = None) -> object:
        if key in self.loan:
            return self.loan[key]
        return self.base.get(key, default)


class LoanRows:
    """The model's features that the loan terms move, with their positions in the model's rows."""

    def __init__(self, model_features: Sequence[str]) -> None:
        self.model_features = list(model_features)
        position = {name: i for i, name in enumerate(model_features)}
        found = [
            (position[a.feature.name], a.expr)
            for a in application_features()
            if a.feature.name in position and columns_of(a.expr) & LOAN_FIELDS
        ]
        self.functions = [(i, expr.compile()) for i, expr in found]
        self.inputs = sorted(set().union(*(columns_of(expr) for _, expr in found)) - LOAN_FIELDS)

    def __reduce__(self) -> tuple:
        """Pickled as its model features (the compiled expressions are closures): Spark ships it so."""
        return LoanRows, (self.model_features,)

    def _fill(
        self, X: np.ndarray, k: int, row: _Overlay, amount: float, payment: float, share: float | None
    ) -> None:
        """Row `k` of `X` with the loan-dependent features of `row` at `amount` and monthly `payment`."""
        row.loan = {
            "AMT_CREDIT": amount,
            "AMT_ANNUITY": None if math.isnan(payment) else payment,
            "AMT_GOODS_PRICE": None if share is None else amount * share,
        }
        for position, function in self.functions:
            value = function(row)  # type: ignore[arg-type]
            X[k, position] = math.nan if value is None else value

    def rows(
        self,
        vector: np.ndarray,
        application: Mapping[str, object],
        amounts: np.ndarray,
        instalments: np.ndarray,
        goods_share: float | None,
    ) -> np.ndarray:
        """One model row per (amount, instalment): `vector` with the loan-dependent features recomputed."""
        X = np.repeat(np.asarray(vector, dtype=np.float32)[None, :], len(amounts), axis=0)
        row = _Overlay(application)
        with np.errstate(over="ignore"):
            for k, (amount, payment) in enumerate(zip(amounts.tolist(), instalments.tolist(), strict=True)):
                self._fill(X, k, row, amount, payment, goods_share)
        return X

    def probability_of(self, X: np.ndarray, data: Mapping[str, object], predict: Predict) -> ProbabilityOf:
        """The PD of application `k` (row `k` of the model rows `X` and of `data`'s columns by name) at
        another (amount, instalment), for candidates that are each one application's loan: `predict` of its
        row with the loan-dependent features recomputed, the goods price following the amount as in `rows`."""
        n = len(X)
        columns = {name: _column(data, name, n) for name in (*LOAN_FIELDS, *self.inputs)}
        asked = columns["AMT_CREDIT"]
        share = columns["AMT_GOODS_PRICE"] / np.where(asked > 0, asked, np.nan)

        def probability(amounts: np.ndarray, instalments: np.ndarray, candidates: np.ndarray) -> np.ndarray:
            rows = np.asarray(X[candidates], dtype=np.float32)
            with np.errstate(over="ignore"):
                for k, i in enumerate(np.asarray(candidates).tolist()):
                    row = _Overlay({name: _known(columns[name][i]) for name in self.inputs})
                    self._fill(rows, k, row, float(amounts[k]), float(instalments[k]), _known(share[i]))
            return np.asarray(predict(rows), dtype=np.float64)

        return probability


def _column(data: Mapping[str, object], name: str, rows: int) -> np.ndarray:
    """Column `name` of `data` as floats (NaN where missing; all NaN when absent)."""
    if name not in data:
        return np.full(rows, np.nan)
    return np.asarray(data[name], dtype=np.float64).reshape(rows)


def _known(value: float) -> float | None:
    return None if math.isnan(value) else float(value)
