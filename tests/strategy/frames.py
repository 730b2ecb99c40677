"""A fixed-seed synthetic frame of raw application columns and features, with missing values, NaN, zeros
and texts, and the conditions every evaluation path must agree on."""

from __future__ import annotations

import numpy as np
import pandas as pd

SEED, ROWS = 29, 400
CONDITIONS = (
    "AMT_INCOME_TOTAL IS NULL OR AMT_INCOME_TOTAL < 60000",
    "AMT_INCOME_TOTAL IS NOT NULL AND NOT AMT_INCOME_TOTAL >= 90000",
    "APP_AGE_YEARS + APP_CREDIT_TERM_STANDARD / 12 > 70",
    "BUREAU_ACTIVE_CREDIT_DAY_OVERDUE_MAX > 0",
    "AMT_ANNUITY * 12 / AMT_INCOME_TOTAL >= 0.35",
    "AMT_CREDIT / CNT_CHILDREN > 100000",
    "-APP_AGE_YEARS <= -65 OR CNT_CHILDREN <> 0",
    "NAME_CONTRACT_TYPE = 'Revolving loans'",
    "NAME_CONTRACT_TYPE != 'Revolving loans'",
    "NAME_INCOME_TYPE IN ('Unemployed', 'Student', 'Maternity leave')",
    "NAME_INCOME_TYPE NOT IN ('Working') AND CNT_CHILDREN IN (1, 2, 3)",
    "NOT (AMT_CREDIT > 500000 OR (CODE_GENDER = 'F' AND APP_AGE_YEARS < 30))",
    "(AMT_CREDIT - AMT_GOODS_PRICE) / AMT_CREDIT > 0.1",
    "AMT_GOODS_PRICE == AMT_CREDIT",
)


def _with_missing(values: np.ndarray, rng: np.random.Generator, share: float) -> np.ndarray:
    values = values.astype(object)
    values[rng.random(len(values)) < share] = None
    return values


def synthetic_frame(rows: int = ROWS, seed: int = SEED) -> pd.DataFrame:
    """Raw columns and features with None and NaN, zero divisors and text levels (fixed seed)."""
    rng = np.random.default_rng(seed)
    income = rng.choice([30000.0, 45000.0, 60000.0, 90000.0, 150000.0], rows)
    credit = rng.choice([100000.0, 250000.0, 600000.0], rows)
    frame = pd.DataFrame(
        {
            "AMT_INCOME_TOTAL": _with_missing(income, rng, 0.1),
            "AMT_CREDIT": credit,
            "AMT_ANNUITY": np.where(rng.random(rows) < 0.05, np.nan, credit / rng.choice([12, 24, 48], rows)),
            "AMT_GOODS_PRICE": np.where(rng.random(rows) < 0.5, credit, credit * 0.8),
            "CNT_CHILDREN": rng.integers(0, 4, rows),
            "NAME_CONTRACT_TYPE": _with_missing(
                rng.choice(["Cash loans", "Revolving loans"], rows), rng, 0.1
            ),
            "CODE_GENDER": rng.choice(["F", "M"], rows),
            "NAME_INCOME_TYPE": _with_missing(
                rng.choice(["Working", "Unemployed", "Student", "Pensioner"], rows), rng, 0.1
            ),
            "APP_AGE_YEARS": rng.uniform(20.0, 69.0, rows).round(2),
            "APP_CREDIT_TERM_STANDARD": np.where(
                rng.random(rows) < 0.1, np.nan, rng.choice([12.0, 24.0, 36.0, 60.0], rows)
            ),
            "BUREAU_ACTIVE_CREDIT_DAY_OVERDUE_MAX": _with_missing(
                rng.choice([0.0, 0.0, 0.0, 15.0], rows), rng, 0.3
            ),
        }
    )
    return frame


def probabilities(rows: int = ROWS, seed: int = SEED) -> np.ndarray:
    return np.random.default_rng(seed + 1).beta(1.2, 8.0, rows)
