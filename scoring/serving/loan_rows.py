"""Feature rows of one application at other loan terms, computing only the features the loan terms move.

An offer scores one application at many (amount, instalment) pairs. The application features that read
AMT_CREDIT, AMT_ANNUITY or AMT_GOODS_PRICE (found by walking each feature's expression) are recomputed per
candidate with the feature layer's own compiled expressions; every other feature keeps the value of the
application's row. The goods price follows the amount (the asked share of the price financed is kept), so a
lower amount is never a down payment nobody asked about. Same values as
`Featurizer.replace_application_features` on the changed rows, at a small fraction of the time.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping

import numpy as np

from scoring.features.application import application_features
from scoring.features.expr import Col, Expr
from scoring.serving.featurize import Featurizer

LOAN_FIELDS = frozenset({"AMT_CREDIT", "AMT_ANNUITY", "AMT_GOODS_PRICE"})


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

    def __init__(self, featurizer: Featurizer) -> None:
        position = {name: i for i, name in enumerate(featurizer.model_features)}
        self.functions = [
            (position[a.feature.name], a.expr.compile())
            for a in application_features()
            if a.feature.name in position and columns_of(a.expr) & LOAN_FIELDS
        ]

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
                row.loan = {
                    "AMT_CREDIT": amount,
                    "AMT_ANNUITY": None if math.isnan(payment) else payment,
                    "AMT_GOODS_PRICE": None if goods_share is None else amount * goods_share,
                }
                for position, function in self.functions:
                    value = function(row)  # type: ignore[arg-type]
                    X[k, position] = math.nan if value is None else value
        return X
