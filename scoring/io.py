"""Atomic writes, the one home for them: a temporary file in the target's folder, then a rename over it.

Readers see the old file or the whole new one, never a part; a failed write leaves nothing behind. Every file
the product writes (tables, JSON, bundles, reports, letters, caches) goes through these functions; the
argument order is always (path, content). Files are private to the user who runs the product (0600) and the
folders they create too (0700), like the prediction log: the tables hold clients' personal data.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

import numpy as np
import polars as pl

PRIVATE_FILE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700
FILE_MODE = PRIVATE_FILE_MODE
DIR_MODE = PRIVATE_DIR_MODE


def clean_json(value: object) -> object:
    """Numbers as plain Python, non-finite floats as None, recursively (strict JSON)."""
    if isinstance(value, dict):
        return {str(k): clean_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_json(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def make_dirs(folder: Path, mode: int = DIR_MODE) -> Path:
    """Create `folder` and its missing parents with `mode` (an existing folder keeps its own)."""
    missing = []
    for parent in (folder, *folder.parents):
        if parent.exists():
            break
        missing.append(parent)
    for created in reversed(missing):
        created.mkdir(mode=mode, exist_ok=True)
        created.chmod(mode)  # mkdir's mode passes through the umask
    return folder


def temporary_path(path: Path) -> Path:
    """A new, empty, uniquely named file beside `path` (hidden, suffix .tmp), for a write renamed later."""
    make_dirs(path.parent)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    return Path(name)


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


@contextmanager
def atomic_path(path: Path, mode: int = FILE_MODE) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces `path`, on failure it is removed."""
    tmp = temporary_path(path)
    try:
        yield tmp
        _fsync(tmp)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_bytes_atomic(path: Path, data: bytes, mode: int = FILE_MODE) -> Path:
    with atomic_path(path, mode) as tmp:
        tmp.write_bytes(data)
    return path


def write_text_atomic(path: Path, text: str, mode: int = FILE_MODE) -> Path:
    return write_bytes_atomic(path, text.encode("utf-8"), mode)


def json_text(data: object, indent: int | None = 1) -> str:
    """Strict JSON (non-finite numbers as null, non-ASCII kept) ending with a newline."""
    return json.dumps(clean_json(data), indent=indent, ensure_ascii=False, allow_nan=False) + "\n"


def write_json_atomic(path: Path, data: object, mode: int = FILE_MODE) -> Path:
    return write_text_atomic(path, json_text(data), mode)


def write_parquet_atomic(path: Path, frame: pl.DataFrame, mode: int = FILE_MODE, **options: object) -> Path:
    """Write a Parquet file atomically; `options` go to `DataFrame.write_parquet` (compression...)."""
    with atomic_path(path, mode) as tmp:
        frame.write_parquet(tmp, **options)
    return path


@contextmanager
def atomic_dir(path: Path, mode: int = DIR_MODE, replace: bool = False) -> Iterator[Path]:
    """Yield a staging folder beside `path`, renamed to `path` when the block succeeds.

    `path` must not exist unless `replace`, in which case the old folder is swapped out and removed.
    """
    make_dirs(path.parent)
    staging = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".tmp-{path.name}-"))
    old = path.with_name(f".old-{staging.name}")
    try:
        yield staging
        for inside in staging.rglob("*"):  # what other libraries wrote there (Parquet, figures): umask modes
            if not inside.is_symlink():
                inside.chmod(mode if inside.is_dir() else FILE_MODE)
        staging.chmod(mode)
        if replace and path.exists():
            path.rename(old)
        staging.rename(path)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    shutil.rmtree(old, ignore_errors=True)


class StagedWrites:
    """Several files written under temporary names and renamed into place together by `commit()`.

    Used as a context manager: leaving the block with an exception removes every temporary file, so the
    files in place stay as they were (none half-written, none replaced).
    """

    def __init__(self) -> None:
        self._pending: list[tuple[Path, Path]] = []

    def stage(self, path: Path, write: Callable[[Path], None]) -> None:
        """Write `path`'s future content to a temporary file with `write(tmp)`."""
        tmp = temporary_path(path)
        self._pending.append((tmp, path))
        write(tmp)
        _fsync(tmp)
        os.chmod(tmp, FILE_MODE)

    def parquet(self, path: Path, frame: pl.DataFrame) -> None:
        self.stage(path, frame.write_parquet)

    def json(self, path: Path, data: object) -> None:
        self.stage(path, lambda tmp: tmp.write_text(json_text(data, indent=2), encoding="utf-8"))

    def commit(self) -> None:
        """Rename every staged file into place, in the order staged."""
        for tmp, path in self._pending:
            os.replace(tmp, path)
        self._pending.clear()

    def discard(self) -> None:
        for tmp, _ in self._pending:
            tmp.unlink(missing_ok=True)
        self._pending.clear()

    def __enter__(self) -> StagedWrites:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.discard()
