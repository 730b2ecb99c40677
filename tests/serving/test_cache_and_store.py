"""The serving cache (shared .npy files, or memory when the models dir is read-only) and the client store."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from scoring.serving.cache import ArrayCache, data_key
from scoring.serving.store import ClientStore, StoreError, load_store


def _features(path: Path, n: int = 130) -> list[str]:
    rng = np.random.default_rng(0)
    names = [f"APP_X{i}" for i in range(70)]
    frame = pl.DataFrame(
        {"SK_ID_CURR": np.arange(100_000, 100_000 + n), "TARGET": [0, 1, None] * (n // 3) + [0] * (n % 3)}
    )
    values = pl.DataFrame({name: rng.normal(size=n) for name in names}).with_columns(
        pl.when(pl.int_range(n) % 7 == 0).then(None).otherwise(pl.col("APP_X3")).alias("APP_X3")
    )
    pl.concat([frame, values], how="horizontal").write_parquet(path)
    return names


def test_store_arrays_are_cached_and_memory_mapped(tmp_path: Path) -> None:
    path = tmp_path / "features.parquet"
    names = _features(path)
    cache = ArrayCache(tmp_path / "cache")
    order = names[::-1]
    store = load_store(path, order, cache)
    frame = pl.read_parquet(path)
    assert np.array_equal(store.ids, frame["SK_ID_CURR"].to_numpy())
    expected = frame.select(order).cast(pl.Float32).to_numpy()
    assert np.array_equal(store.matrix, expected, equal_nan=True)
    assert isinstance(store.matrix.base, np.memmap) and store.matrix.dtype == np.float32
    assert np.isnan(store.target[2]) and store.target[1] == 1 and len(store.train_rows) == 130 - 43
    again = load_store(path, order, ArrayCache(tmp_path / "cache"))
    assert np.array_equal(again.matrix, store.matrix, equal_nan=True)
    assert sorted(p.name for p in (tmp_path / "cache").glob("*.npy")) == [
        "ids.npy",
        "matrix.npy",
        "target.npy",
    ]
    assert not list((tmp_path / "cache").glob(".*.tmp"))


def test_unwritable_models_dir_keeps_arrays_in_memory(tmp_path: Path) -> None:
    path = tmp_path / "features.parquet"
    names = _features(path)
    blocker = tmp_path / "models"
    blocker.write_text("a file where the models directory should be")
    cache = ArrayCache(blocker / "serving")
    store = load_store(path, names, cache)
    assert cache.directory is None and not isinstance(store.matrix.base, np.memmap)
    assert store.matrix.shape == (130, 70) and blocker.is_file()


def test_missing_columns_and_duplicated_ids_are_named(tmp_path: Path) -> None:
    path = tmp_path / "features.parquet"
    names = _features(path)
    with pytest.raises(StoreError, match="APP_NOPE"):
        load_store(path, [*names, "APP_NOPE"], ArrayCache(None))
    frame = pl.read_parquet(path)
    pl.concat([frame, frame.head(2)]).write_parquet(path)
    with pytest.raises(StoreError, match="SK_ID_CURR: 4 rows"):
        load_store(path, names, ArrayCache(None))
    with pytest.raises(StoreError, match="not found"):
        load_store(tmp_path / "absent.parquet", names, ArrayCache(None))


def test_data_key_follows_the_contents_of_the_file_and_the_bundle(tmp_path: Path) -> None:
    path = tmp_path / "f.parquet"
    path.write_bytes(b"one")
    first = data_key(path, "bundle-a")
    assert data_key(path, "bundle-b") != first
    stat = path.stat()
    path.write_bytes(b"two")  # same size, same modification time: only the content differs
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert data_key(path, "bundle-a") != first
    path.write_bytes(b"one")
    assert data_key(path, "bundle-a") == first


def test_id_search() -> None:
    store = ClientStore(
        np.array([100002, 100003, 200001, 10, 1005]), np.zeros((5, 1), np.float32), np.zeros(5, np.float32)
    )
    assert store.search("100", 10) == [1005, 100002, 100003]
    assert store.search("", 2) == [10, 1005]
    assert store.search("9", 3) == []
    assert store.row(200001) == 2 and store.row(7) is None
