"""A regularised logistic regression a bundle stores as numbers, with signs set by the monotone policy.

Each feature becomes one or two terms: its value on a signed log scale, ``sign(x) log(1 + |x|)`` (amounts
and days spread over orders of magnitude; the scale keeps them ordered, tames the tails without capping
them, so a larger loan keeps raising the risk beyond the amounts seen), with missing and infinite values at
the training median; plus, when between 1% and 99% of training values are missing, a missing-value
indicator. (Category codes are taken as numbers, as they come: one-hot levels did worse on both the
synthetic and the real rows.)

Every term is standardised with its training mean and standard deviation, and the coefficients minimise the
mean log-loss plus an L2 penalty ``|w|^2 / (2 C n)``. The value term of a feature with a declared direction
gets a coefficient of that sign only (bounded optimisation): the scale and the imputation are
non-decreasing, so the model is monotone where the policy says so. Contributions are exact: a feature adds
the sum of its terms' ``w * z`` log-odds (``z`` the standardised term, 0 on average over the training rows)
to the intercept.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit

C = 0.01
MISSING_INDICATOR = (0.01, 0.99)
VALUE, MISSING = 0, 1
_ARRAYS = ("feature", "kind", "fill", "mean", "scale", "coef")


@dataclass(frozen=True)
class LinearModel:
    """Terms (one row per term in the arrays) over the features ``names``, and the intercept."""

    names: tuple[str, ...]
    feature: np.ndarray  # feature index of each term
    kind: np.ndarray  # VALUE or MISSING
    fill: np.ndarray  # value of a missing entry in a VALUE term
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    compress: bool = True  # signed log scale of the values (False: values as they are)

    def terms(self, X: np.ndarray) -> np.ndarray:
        """Standardised terms of the rows of X (rows x terms)."""
        x = np.asarray(X, dtype=np.float64)[:, self.feature]
        present = np.isfinite(x)
        value = np.where(present, x, self.fill)
        if self.compress:
            value = np.sign(value) * np.log1p(np.abs(value))
        raw = np.where(self.kind == VALUE, value, ~present)
        return (raw - self.mean) / self.scale

    def contributions(self, X: np.ndarray) -> np.ndarray:
        """Log-odds each feature adds to the intercept (rows x features)."""
        per_term = self.terms(X) * self.coef
        out = np.zeros((per_term.shape[0], len(self.names)))
        np.add.at(out.T, self.feature, per_term.T)
        return out

    @property
    def base_value(self) -> float:
        """The log-odds of a client whose every term is at its training mean."""
        return self.intercept

    def raw_score(self, X: np.ndarray) -> np.ndarray:
        return self.terms(X) @ self.coef + self.intercept

    def to_dict(self) -> dict:
        return {
            "names": list(self.names),
            "intercept": self.intercept,
            "compress": self.compress,
            **{k: getattr(self, k).tolist() for k in _ARRAYS},
        }

    @classmethod
    def from_dict(cls, data: dict) -> LinearModel:
        arrays = {k: np.asarray(data[k], dtype=np.float64) for k in _ARRAYS}
        arrays["feature"] = arrays["feature"].astype(np.int64)
        arrays["kind"] = arrays["kind"].astype(np.int64)
        return cls(
            tuple(data["names"]),
            intercept=float(data["intercept"]),
            compress=bool(data["compress"]),
            **arrays,
        )


def _design(X: np.ndarray) -> dict[str, np.ndarray]:
    """The terms of each feature (before standardisation), from the training rows."""
    rows: list[tuple[int, int, float]] = []  # feature, kind, fill
    for j in range(X.shape[1]):
        x = X[:, j].astype(np.float64)
        present = np.isfinite(x)
        rows.append((j, VALUE, float(np.median(x[present])) if present.any() else 0.0))
        if MISSING_INDICATOR[0] <= 1 - present.mean() <= MISSING_INDICATOR[1]:
            rows.append((j, MISSING, 0.0))
    table = np.array(rows, dtype=np.float64).reshape(-1, 3)
    return {
        "feature": table[:, 0].astype(np.int64),
        "kind": table[:, 1].astype(np.int64),
        "fill": table[:, 2],
    }


def fit_linear(
    X: np.ndarray,
    y: np.ndarray,
    names: list[str],
    directions: list[int] | None = None,
    c: float = C,
    compress: bool = True,
) -> LinearModel:
    """Fit on the rows of X (float, NaN = missing); ``directions`` (+1/-1/0 per column) bound the signs of the
    value terms; ``compress=False`` keeps the values on their own scale."""
    n, width = X.shape
    directions = directions or [0] * width
    design = _design(X)
    k = len(design["feature"])
    draft = LinearModel(
        tuple(names),
        **design,
        mean=np.zeros(k),
        scale=np.ones(k),
        coef=np.zeros(k),
        intercept=0.0,
        compress=compress,
    )
    raw = draft.terms(X)
    mean = raw.mean(axis=0)
    std = raw.std(axis=0)
    scale = np.where(std > 0, std, 1.0)
    Z = (raw - mean) / scale
    t = np.asarray(y, dtype=np.float64)

    def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = params[:-1], params[-1]
        z = Z @ w + b
        residual = expit(z) - t
        value = float(np.mean(np.logaddexp(0, z) - t * z) + w @ w / (2 * c * n))
        return value, np.concatenate([Z.T @ residual / n + w / (c * n), [residual.mean()]])

    by_sign = {1: (0.0, None), -1: (None, 0.0), 0: (None, None)}
    bounds = [
        by_sign[directions[f]] if kind == VALUE else (None, None)
        for f, kind in zip(design["feature"], design["kind"], strict=True)
    ] + [(None, None)]
    rate = min(max(t.mean(), 1e-6), 1 - 1e-6)
    start = np.concatenate([np.zeros(k), [np.log(rate / (1 - rate))]])
    result = minimize(
        loss, start, jac=True, method="L-BFGS-B", bounds=bounds, options={"maxiter": 200, "ftol": 1e-7}
    )
    return LinearModel(
        tuple(names),
        **design,
        mean=mean,
        scale=scale,
        coef=result.x[:-1],
        intercept=float(result.x[-1]),
        compress=compress,
    )
