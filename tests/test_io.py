"""The one atomic writer: readers see the old file or the whole new one; a failure leaves nothing behind."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from scoring.io import atomic_dir, write_json_atomic, write_parquet_atomic, write_text_atomic


def _failing_write(self: pl.DataFrame, path: Path, **_: object) -> None:
    Path(path).write_bytes(b"PAR1 half a table")
    raise OSError("disk full")


def test_failed_write_leaves_the_previous_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "table.parquet"
    write_parquet_atomic(path, pl.DataFrame({"a": [1, 2]}))
    before = path.read_bytes()
    monkeypatch.setattr(pl.DataFrame, "write_parquet", _failing_write)
    with pytest.raises(OSError, match="disk full"):
        write_parquet_atomic(path, pl.DataFrame({"a": [3]}))
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["table.parquet"]


def test_failed_write_leaves_no_file_behind(tmp_path, monkeypatch):
    monkeypatch.setattr(pl.DataFrame, "write_parquet", _failing_write)
    with pytest.raises(OSError):
        write_parquet_atomic(tmp_path / "table.parquet", pl.DataFrame({"a": [3]}))
    assert list(tmp_path.iterdir()) == []


def test_json_is_strict_and_keeps_non_ascii(tmp_path):
    path = write_json_atomic(tmp_path / "sub" / "a.json", {"x": float("nan"), "y": np.float32(1.5), "é": "ç"})
    assert json.loads(path.read_text("utf-8")) == {"x": None, "y": 1.5, "é": "ç"}
    assert "NaN" not in path.read_text("utf-8")


def test_private_mode_is_applied(tmp_path):
    path = write_text_atomic(tmp_path / "secret", "s", mode=0o600)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_atomic_dir_replaces_the_old_folder_only_on_success(tmp_path):
    target = tmp_path / "card"
    with atomic_dir(target) as staging:
        (staging / "index.html").write_text("first")
    with pytest.raises(RuntimeError), atomic_dir(target, replace=True) as staging:
        (staging / "index.html").write_text("second")
        raise RuntimeError("figure failed")
    assert (target / "index.html").read_text() == "first"
    with atomic_dir(target, replace=True) as staging:
        (staging / "index.html").write_text("third")
    assert (target / "index.html").read_text() == "third"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["card"]
