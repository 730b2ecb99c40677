"""The one atomic writer: readers see the old file or the whole new one; a failure leaves nothing behind."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from scoring.home import Paths
from scoring.io import StagedWrites, atomic_dir, write_json_atomic, write_parquet_atomic, write_text_atomic


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


def test_files_are_private_and_so_are_the_folders_made_for_them(tmp_path):
    table = write_parquet_atomic(tmp_path / "new" / "deeper" / "table.parquet", pl.DataFrame({"a": [1]}))
    assert stat.S_IMODE(table.stat().st_mode) == 0o600
    assert [stat.S_IMODE(f.stat().st_mode) for f in (table.parent, table.parent.parent)] == [0o700, 0o700]
    with atomic_dir(tmp_path / "bundle") as staging:
        pl.DataFrame({"a": [1]}).write_parquet(staging / "oof.parquet")  # another library's write
        (staging / "figures").mkdir()
        (staging / "figures" / "roc.svg").write_text("<svg/>")
    written = [tmp_path / "bundle" / name for name in ("oof.parquet", "figures/roc.svg")]
    assert [stat.S_IMODE(p.stat().st_mode) for p in written] == [0o600, 0o600]
    assert stat.S_IMODE((tmp_path / "bundle" / "figures").stat().st_mode) == 0o700
    with StagedWrites() as staged:
        staged.json(tmp_path / "staged" / "manifest.json", {"a": 1})
        staged.commit()
    assert stat.S_IMODE((tmp_path / "staged" / "manifest.json").stat().st_mode) == 0o600


def test_a_pipeline_leaves_no_file_others_can_read(demo_home: Path) -> None:
    """The issue's list: features, the interim tables (sex, birth date, income, target), the bundle's SHAP
    sample and out-of-fold scores: 0600 in 0700 folders (the raw tables are the test's own copy)."""
    paths = Paths(demo_home)
    bundle = next(paths.models.rglob("oof.parquet")).parent
    files = [
        paths.features,
        *paths.interim.glob("*.parquet"),
        bundle / "shap_sample.parquet",
        bundle / "oof.parquet",
    ]
    assert len(files) >= 5
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700, path.parent
    others = [
        p
        for p in demo_home.rglob("*")
        if "raw" not in p.relative_to(demo_home).parts and p.stat().st_mode & 0o077
    ]
    assert [p for p in others if p.is_file()] == []


def test_the_mlflow_store_is_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from scoring.modeling.tracking import tracked_run

    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    with tracked_run(tmp_path, "permissions") as run:
        run.log_params({"a": 1})
    assert stat.S_IMODE((tmp_path / "mlflow.db").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "mlruns").stat().st_mode) == 0o700
