"""On-disk cache of serving arrays beside a model bundle, shared by every worker through memory mapping.

`models/<version>/serving/<key>/` holds .npy files computed once per bundle content and data file: the key
hashes the digest of every bundle file (model.txt, metadata.json, calibrator...) and the SHA-256 of the
features file, so a replaced model.txt or a rebuilt features file never serves the old scores. Arrays are
opened memory-mapped, so two API workers share one copy in the page cache. A lock file makes one process
build what is missing while the others wait; files are written to a temporary name, then renamed.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from scoring.io import PRIVATE_FILE_MODE, atomic_path

logger = logging.getLogger(__name__)


def data_key(features_path: Path, bundle_digest: str) -> str:
    """Short key of what the cached arrays derive from: the bundle's content digest and the features file's
    content (SHA-256; about 1 s per GB)."""
    with features_path.open("rb") as handle:
        features = hashlib.file_digest(handle, "sha256").hexdigest()
    return hashlib.sha256(f"{bundle_digest}|{features}".encode()).hexdigest()[:16]


def save_npy_atomic(path: Path, array: np.ndarray) -> None:
    """Write an .npy file so that readers see no file or the whole file."""
    with atomic_path(path) as tmp, open(tmp, "wb") as out:
        np.save(out, array, allow_pickle=False)


class ArrayCache:
    """A directory of named arrays; `directory=None` keeps them in memory only (read-only models dir)."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        if directory is not None:
            try:
                directory.mkdir(parents=True, exist_ok=True)
                probe = directory / ".write-probe"
                probe.touch()
                probe.unlink()
            except OSError as error:
                logger.warning("serving cache %s not writable (%s): arrays stay in memory", directory, error)
                self.directory = None

    def path(self, name: str) -> Path | None:
        return None if self.directory is None else self.directory / f"{name}.npy"

    def names(self) -> list[str]:
        """The arrays stored (none without a directory)."""
        return [] if self.directory is None else sorted(p.stem for p in self.directory.glob("*.npy"))

    def discard(self, name: str) -> None:
        """Delete a stored array (a process that has it memory-mapped keeps reading it until it lets go)."""
        path = self.path(name)
        if path is not None:
            path.unlink(missing_ok=True)

    def has(self, name: str) -> bool:
        path = self.path(name)
        return path is not None and path.exists()

    def load(self, name: str) -> np.ndarray:
        """A cached array, memory-mapped read-only (a plain ndarray view: no memmap cost per indexing)."""
        path = self.path(name)
        if path is None:
            raise FileNotFoundError(name)
        return np.asarray(np.load(path, mmap_mode="r", allow_pickle=False))

    def save(self, name: str, array: np.ndarray) -> np.ndarray:
        """Store an array and return it memory-mapped (or as is without a directory)."""
        path = self.path(name)
        if path is None:
            return array
        save_npy_atomic(path, array)
        return self.load(name)

    @contextlib.contextmanager
    def writing(self, name: str, shape: tuple[int, ...], dtype: np.dtype) -> Iterator[np.ndarray]:
        """An array to fill in place: a memory-mapped temporary file, saved as `name` when the block ends
        (a large array is never held in memory); without a directory, a plain in-memory array.
        """
        path = self.path(name)
        if path is None:
            yield np.empty(shape, dtype=dtype)
            return
        with atomic_path(path) as tmp:
            array = np.lib.format.open_memmap(tmp, mode="w+", dtype=dtype, shape=shape)
            yield array
            array.flush()
            del array

    @contextlib.contextmanager
    def lock(self, blocking: bool = True) -> Iterator[bool]:
        """Exclusive lock of the cache between processes; yields False when not blocking and already held."""
        if self.directory is None:
            yield True
            return
        with os.fdopen(
            os.open(self.directory / ".lock", os.O_WRONLY | os.O_CREAT, PRIVATE_FILE_MODE), "w"
        ) as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def get_or_build(
        self, names: tuple[str, ...], build: Callable[[], dict[str, np.ndarray]]
    ) -> dict[str, np.ndarray]:
        """The named arrays from the cache, built (by one process at a time) and saved when absent."""
        with self.lock():
            if all(self.has(n) for n in names):
                return {n: self.load(n) for n in names}
            built = build()
            return {n: self.save(n, built[n]) for n in names}
