"""Atomic writes (temporary file in the same directory, then rename) and reads of the interim tables."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

import polars as pl


def _sync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


class StagedWrites:
    """Files written under temporary names, renamed into place together by commit().

    Used as a context manager: leaving the block with an exception removes every temporary file, so the
    files in place stay as they were (none half-written, none replaced).
    """

    def __init__(self) -> None:
        self._pending: list[tuple[Path, Path]] = []

    def _stage(self, path: Path, write: Callable[[Path], None]) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
        self._pending.append((tmp, path))
        write(tmp)
        _sync(tmp)

    def parquet(self, frame: pl.DataFrame, path: Path) -> None:
        """Stage `frame` as the Parquet file `path`."""
        self._stage(path, frame.write_parquet)

    def json(self, data: object, path: Path) -> None:
        """Stage `data` as the indented JSON file `path`."""
        self._stage(path, lambda tmp: tmp.write_text(json.dumps(data, indent=2) + "\n"))

    def commit(self) -> None:
        """Rename every staged file into place, in the order staged."""
        for tmp, path in self._pending:
            os.replace(tmp, path)
        self._pending.clear()

    def discard(self) -> None:
        """Remove the staged temporary files."""
        for tmp, _ in self._pending:
            tmp.unlink(missing_ok=True)
        self._pending.clear()

    def __enter__(self) -> StagedWrites:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.discard()


def write_parquet_atomic(frame: pl.DataFrame, path: Path) -> None:
    """Write `frame` to `path` so that readers see the old file or the whole new one, never a part."""
    with StagedWrites() as staged:
        staged.parquet(frame, path)
        staged.commit()


def write_json_atomic(data: object, path: Path) -> None:
    """Write `data` as JSON to `path` atomically."""
    with StagedWrites() as staged:
        staged.json(data, path)
        staged.commit()


def read_interim(interim_dir: Path, table: str) -> pl.DataFrame | None:
    """The ingested table `interim_dir/<table>.parquet`, or None when that table was not ingested."""
    path = Path(interim_dir) / f"{table}.parquet"
    return pl.read_parquet(path) if path.exists() else None
