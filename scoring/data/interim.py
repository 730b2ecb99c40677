"""Reads of the interim tables (writes go through `scoring.io`)."""

from __future__ import annotations

from pathlib import Path

import polars as pl


def read_interim(interim_dir: Path, table: str) -> pl.DataFrame | None:
    """The ingested table `interim_dir/<table>.parquet`, or None when that table was not ingested."""
    path = Path(interim_dir) / f"{table}.parquet"
    return pl.read_parquet(path) if path.exists() else None
