"""What the generator tests share: the files a population is written to, how they are read back, the
calibration they follow and the Kaggle fan-out they reproduce."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from scoring.data.schema import CAT, TABLES
from scoring.data.twin_calibration import load_calibration

OUTPUTS = (*TABLES, "ground_truth")
# Rows per train client of the full Kaggle files (secondary tables hold train and test clients).
KAGGLE_ROWS_PER_TRAIN_CLIENT = {
    "bureau": 1_716_428 / 307_511,
    "previous_application": 1_670_214 / 307_511,
    "POS_CASH_balance": 10_001_358 / 307_511,
    "installments_payments": 13_605_401 / 307_511,
    "credit_card_balance": 3_840_312 / 307_511,
}
BUREAU_BALANCE_PER_BUREAU = 27_299_925 / 1_716_428


def read(directory: Path, name: str) -> pd.DataFrame:
    """A generated CSV as raw text cells: empty = missing, XNA/XAP kept."""
    table = TABLES.get(name)
    dtypes = {c.name: str for c in table.columns if c.kind == CAT} if table else None
    return pd.read_csv(directory / f"{name}.csv", dtype=dtypes, keep_default_na=False, na_values=[""])


def calibrated(table: str, column: str) -> dict:
    return load_calibration()["tables"][table]["columns"][column]
