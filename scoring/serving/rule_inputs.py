"""What a strategy's rules read, on each serving path: the application's raw fields and its features (and,
for the offer's figures of the requested loan, the fields and the feature they are computed from, the
figures themselves added with the PD by `scoring.strategy.decide.fired_pandas`, called by the decider).

- stored clients: the ingested application row (`data/interim/application_{train,test}.parquet`) and the
  client's row of `features.parquet`, read once per strategy for every stored client (`stored_frame`);
- posted applications: the posted fields, with the ingestion's quirks applied (`XNA`/`XAP`/empty texts and
  `DAYS_EMPLOYED` = 365243 are missing), and the feature layer's features computed from them;
- what-if: the stored row with the changes, its application features recomputed, the history features the
  client's own.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl

from scoring.data.schema import APPLICATION_TRAIN, CAT, DAYS_EMPLOYED_ANOMALY, MISSING_TOKENS
from scoring.features.application import PREFIX as APPLICATION_PREFIX
from scoring.serving.facts import APPLICATION_TABLES
from scoring.serving.featurize import Featurizer, History
from scoring.strategy.definition import Strategy
from scoring.strategy.names import raw_columns

ID = "SK_ID_CURR"
_TEXTS = frozenset(c.name for c in APPLICATION_TRAIN.columns if c.kind == CAT)


def _split(strategy: Strategy) -> tuple[list[str], list[str]]:
    """The raw columns and the features the rules read."""
    raw = raw_columns()
    names = sorted(strategy.columns)
    return [n for n in names if n in raw], [n for n in names if n not in raw]


def _read(paths: Sequence[Path], columns: list[str]) -> pl.DataFrame:
    frames = []
    for path in paths:
        if path.is_file():
            present = set(pl.read_parquet_schema(path))
            frames.append(
                pl.read_parquet(path, columns=[ID, *(c for c in columns if c in present)]).with_columns(
                    pl.lit(None).alias(c) for c in columns if c not in present
                )
            )
    if not frames:
        return pl.DataFrame(schema={ID: pl.Int64, **dict.fromkeys(columns, pl.Float64)})
    return pl.concat(frames, how="diagonal_relaxed").unique(ID, keep="first")


def stored_frame(strategy: Strategy, ids: np.ndarray, interim_dir: Path, features_path: Path) -> pd.DataFrame:
    """The columns the rules read of every stored client, in store order (missing where unknown)."""
    raw, features = _split(strategy)
    frame = pl.DataFrame({ID: np.asarray(ids, dtype=np.int64), "_row": np.arange(len(ids))})
    if raw:
        tables = [interim_dir / f"{t}.parquet" for t in APPLICATION_TABLES]
        frame = frame.join(_read(tables, raw), on=ID, how="left")
    if features:
        frame = frame.join(_read([features_path], features), on=ID, how="left")
    return frame.sort("_row").select(*raw, *features).to_pandas()


def _raw_value(name: str, value: object) -> object:
    if name in _TEXTS:
        return None if value is None or str(value) in (*MISSING_TOKENS, "") else str(value)
    if name == "DAYS_EMPLOYED" and value == DAYS_EMPLOYED_ANOMALY:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def posted_frame(
    strategy: Strategy,
    featurizer: Featurizer,
    applications: Sequence[Mapping[str, object]],
    histories: Sequence[History | None],
) -> pd.DataFrame:
    """The columns the rules read of posted applications (their fields and computed features)."""
    raw, features = _split(strategy)
    rows = [{n: _raw_value(n, a.get(n)) for n in raw} for a in applications]
    if features:
        computed = featurizer.feature_rows(applications, histories, features)
        for row, values in zip(rows, computed, strict=True):
            row.update(values)
    return pd.DataFrame(rows, columns=[*raw, *features])


def what_if_frame(
    strategy: Strategy,
    featurizer: Featurizer,
    application: Mapping[str, object],
    client_id: int,
    features_path: Path,
) -> pd.DataFrame:
    """The columns the rules read of a stored client with changed fields: application features recomputed,
    history features the client's own."""
    raw, features = _split(strategy)
    row = {n: _raw_value(n, application.get(n)) for n in raw}
    if features:
        stored = _read([features_path], features).filter(pl.col(ID) == client_id)
        values = stored.row(0, named=True) if stored.height else dict.fromkeys(features)
        [recomputed] = featurizer.feature_rows([application], [None], features)
        row |= {f: recomputed[f] if f.startswith(APPLICATION_PREFIX) else values.get(f) for f in features}
    return pd.DataFrame([row], columns=[*raw, *features])
