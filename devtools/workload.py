"""Requests shaped like real traffic for a scoring home, and the count of scores its prediction log holds."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from sqlalchemy import create_engine, func, select

from scoring.home import Paths
from scoring.serving.prediction_log import predictions

MODEL_PAGE_BUDGET_BYTES = 300_000  # the Model page's API payloads at first paint (issue 31)
MODEL_PAGE_FIRST_PAINT = (  # the API requests of the Model page's first paint (dashboard/pages/model.py)
    ("/model", {}),
    ("/explain/summary", {"top": 10}),
    ("/analytics/performance", {}),
    ("/analytics/threshold", {"w_fn": 10.0, "w_fp": 1.0}),
    ("/reason-codes", {}),
    ("/model/history", {}),
)


def applications(home: Path, count: int, seed: int) -> list[dict]:
    """Posted applications: rows of the home's ingested application_test table (else application_train)."""
    paths = Paths(home)
    path = paths.interim / "application_test.parquet"
    if not path.exists():
        path = paths.interim / "application_train.parquet"
    frame = pl.read_parquet(path).drop("TARGET", strict=False)
    rows = []
    for row in frame.sample(min(count, frame.height), seed=seed).to_dicts():
        if row.pop("DAYS_EMPLOYED_ANOM", 0):
            row["DAYS_EMPLOYED"] = 365243
        rows.append({k: v for k, v in row.items() if v is not None})
    return rows


def client_ids(home: Path, count: int, seed: int) -> list[int]:
    """Stored clients of the home, sampled."""
    ids = pl.read_parquet(Paths(home).features, columns=["SK_ID_CURR"])["SK_ID_CURR"]
    return ids.sample(min(count, len(ids)), seed=seed).to_list()


def logged_scores(database_url: str) -> int:
    """Rows of the prediction log's `predictions` table."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(predictions)).scalar_one()
    finally:
        engine.dispose()
