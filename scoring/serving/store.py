"""The client store: every train and test client's model features by ID, with its known outcome.

Arrays in store order: `ids` (int64), `matrix` (float32, model feature order, as the model was trained),
`target` (float32: 0/1 for train clients, NaN for test clients). `row(id)` is a dict lookup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from scoring.errors import ScoringError
from scoring.serving.cache import ArrayCache

STORE_ARRAYS = ("ids", "matrix", "target")


class StoreError(ScoringError, RuntimeError):
    """The features file cannot serve the model (absent, or lacking model features)."""


@dataclass
class ClientStore:
    """Feature rows of known clients, addressable by SK_ID_CURR."""

    ids: np.ndarray
    matrix: np.ndarray
    target: np.ndarray
    index: dict[int, int] = field(repr=False, default_factory=dict)
    _text: np.ndarray | None = field(repr=False, default=None)
    _text_ids: np.ndarray | None = field(repr=False, default=None)

    def __post_init__(self) -> None:
        if not self.index:
            self.index = {int(v): i for i, v in enumerate(self.ids.tolist())}

    def __len__(self) -> int:
        return len(self.ids)

    def row(self, client_id: int) -> int | None:
        """Row of a client, or None when the ID is unknown."""
        return self.index.get(client_id)

    @property
    def train_rows(self) -> np.ndarray:
        """Rows of the clients with a known outcome."""
        return np.flatnonzero(~np.isnan(self.target))

    def search(self, prefix: str, limit: int) -> list[int]:
        """The `limit` smallest IDs whose decimal form starts with `prefix`, in increasing order."""
        if self._text is None:
            text = self.ids.astype(str)
            order = np.argsort(text)
            self._text, self._text_ids = text[order], self.ids[order]
        low, high = np.searchsorted(self._text, [prefix, prefix + "\uffff"])
        hits = self._text_ids[low:high]
        if len(hits) > limit:
            hits = np.partition(hits, limit - 1)[:limit]
        return np.sort(hits).tolist()


COLUMN_BLOCK = 64


def read_store_arrays(
    features_path: Path, feature_names: list[str], cache: ArrayCache
) -> dict[str, np.ndarray]:
    """The store's arrays from features.parquet; the matrix is filled block by block into the cache."""
    if not features_path.exists():
        raise StoreError(f"features file {features_path} not found (run `scoring features`)")
    available = pl.read_parquet_schema(features_path)
    missing = [n for n in ("SK_ID_CURR", "TARGET", *feature_names) if n not in available]
    if missing:
        raise StoreError(
            f"{features_path}: {len(missing)} column(s) the model needs are missing, "
            f"e.g. {', '.join(missing[:5])}"
        )
    head = pl.read_parquet(features_path, columns=["SK_ID_CURR", "TARGET"])
    duplicated = head["SK_ID_CURR"].is_duplicated().sum()
    if duplicated:
        raise StoreError(f"{features_path}: column SK_ID_CURR: {duplicated} rows with a duplicated ID")
    shape = (head.height, len(feature_names))
    with cache.writing("matrix", shape, np.dtype(np.float32)) as matrix:
        for start in range(0, len(feature_names), COLUMN_BLOCK):
            block = feature_names[start : start + COLUMN_BLOCK]
            values = pl.read_parquet(features_path, columns=block).cast(pl.Float32).to_numpy()
            matrix[:, start : start + len(block)] = values
    return {
        "ids": head["SK_ID_CURR"].cast(pl.Int64).to_numpy(),
        "matrix": matrix,
        "target": head["TARGET"].cast(pl.Float32).fill_null(np.nan).to_numpy().astype(np.float32),
    }


def load_store(features_path: Path, feature_names: list[str], cache: ArrayCache) -> ClientStore:
    """The client store, from the serving cache when present, else read and cached."""
    arrays = cache.get_or_build(STORE_ARRAYS, lambda: read_store_arrays(features_path, feature_names, cache))
    return ClientStore(arrays["ids"], arrays["matrix"], arrays["target"])
