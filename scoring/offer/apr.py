"""Instalments and the EU consumer-credit APR of a schedule of equal monthly instalments.

The APR is the annual rate X of Directive (EU) 2023/2225, annex I: the draw-down (the amount net of the fees
paid at signature) at time 0 equals the present value of the `n` instalments paid at t = k / 12 years,
k = 1..n: amount - fees = sum_k instalment * (1 + X) ** (-k / 12). Solved by Newton's method on arrays
(the present value is convex and decreasing in X, so Newton from the fee-free rate converges).
"""

from __future__ import annotations

import numpy as np

MONTHS = 12
NEWTON_STEPS = 30
TOLERANCE = 1e-12


def annuity_factor(annual_rate: np.ndarray | float, months: np.ndarray | float) -> np.ndarray:
    """Instalment per unit lent at a nominal annual rate (monthly rate = rate / 12) over `months`."""
    rate = np.asarray(annual_rate, dtype=np.float64) / MONTHS
    n = np.asarray(months, dtype=np.float64)
    safe = np.where(rate == 0, 1.0, rate)
    return np.where(rate == 0, 1.0 / n, safe / (1.0 - (1.0 + safe) ** -n))


def instalment(
    amount: np.ndarray | float, annual_rate: np.ndarray | float, months: np.ndarray | float
) -> np.ndarray:
    """The constant monthly instalment repaying `amount` at a nominal annual rate over `months`."""
    return np.asarray(amount, dtype=np.float64) * annuity_factor(annual_rate, months)


def implied_months_of(
    amount: np.ndarray | float, payment: np.ndarray | float, annual_rate: np.ndarray | float
) -> np.ndarray:
    """Number of monthly instalments of `payment` that repay `amount` (NaN where they never do)."""
    credit = np.asarray(amount, dtype=np.float64)
    pay = np.asarray(payment, dtype=np.float64)
    rate = np.asarray(annual_rate, dtype=np.float64) / MONTHS
    with np.errstate(divide="ignore", invalid="ignore"):
        share = credit * rate / pay
        months = np.where(rate == 0, credit / pay, -np.log1p(-share) / np.log1p(rate))
    repaid = (credit > 0) & (pay > 0) & ((rate == 0) | (share < 1.0)) & np.isfinite(months)
    return np.where(repaid, months, np.nan)


def apr(
    amount: np.ndarray | float,
    payment: np.ndarray | float,
    months: np.ndarray | float,
    fees: np.ndarray | float = 0.0,
) -> np.ndarray:
    """The APR (fraction) of draw-down `amount - fees` at 0 repaid by `months` monthly `payment`s."""
    drawn = np.atleast_1d(np.asarray(amount, dtype=np.float64) - np.asarray(fees, dtype=np.float64))
    pay = np.broadcast_to(np.asarray(payment, dtype=np.float64), drawn.shape)
    n = np.broadcast_to(np.asarray(months, dtype=np.float64), drawn.shape)
    if np.any(drawn <= 0) or np.any(pay <= 0) or np.any(n < 1):
        raise ValueError("APR: the draw-down, the instalment and the number of instalments must be positive")
    k = np.arange(1, int(n.max()) + 1, dtype=np.float64)
    times = k[None, :] / MONTHS
    paid = k[None, :] <= n[:, None]
    # start from the rate without fees: (1 + monthly) ** 12 - 1 where monthly solves the annuity
    x = np.maximum(pay * n / drawn - 1.0, 0.0) * 2.0 / np.maximum(n / MONTHS, 1.0 / MONTHS)
    x = np.clip(x, 1e-6, 10.0)
    for _ in range(NEWTON_STEPS):
        discount = np.where(paid, (1.0 + x[:, None]) ** -times, 0.0)
        value = pay * discount.sum(axis=1) - drawn
        slope = -pay * (times * discount).sum(axis=1) / (1.0 + x)
        step = value / slope
        x = np.maximum(x - step, -0.99)
        if np.all(np.abs(step) < TOLERANCE):
            break
    return x
