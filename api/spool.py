"""The prediction log's spool: append-only segment files on local disk, one writer process per segment.

A worker writes each log row as one line (under a lock) to its active segment `<token>-<seq>.jsonl` before
the response leaves, so a row outlives the worker as soon as its response can be sent. The segment's file is
reserved on disk when it is opened and mapped in memory: a row is one copy, no system call (three `write`
calls per scored request cost about as much as the rest of the request's own work). The shipper rotates the
active segment (cut to its rows, fsync, close), ships closed segments and deletes each one once the database
has committed it. A worker holds an exclusive `flock` on `<token>.lock` for its whole life: segments whose
token lock can be taken belong to a dead worker (killed, or stopped with rows it could not deliver), and the
first worker that takes the lock ships them. Files are 0600 in a 0700 folder.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import mmap
import os
import secrets
import threading
from dataclasses import dataclass, field
from pathlib import Path

from scoring.io import PRIVATE_DIR_MODE, PRIVATE_FILE_MODE

logger = logging.getLogger("api.log_store")

SEGMENT_SUFFIX = ".jsonl"
LOCK_SUFFIX = ".lock"
REJECTED_SUFFIX = ".rejected"
SEGMENT_BYTES = 4 << 20  # reserved per segment; a fuller one is set aside and the next one opened


class SpoolError(RuntimeError):
    """A row could not be written to the local spool (disk full, folder removed...)."""


@dataclass
class Segment:
    """A closed segment: its file, the worker token it came from and its number of rows."""

    path: Path
    token: str
    rows: int = field(default=0)

    @property
    def key(self) -> str:
        """The segment's unique name, prefix of its rows' keys."""
        return self.path.stem


def _token_of(path: Path) -> str:
    return path.stem.rsplit("-", 1)[0]


def _lock(path: Path, create_new: bool = False) -> int | None:
    """An fd holding an exclusive flock on `path`, or None when another live process holds it."""
    flags = os.O_RDWR | os.O_CREAT | (os.O_EXCL if create_new else 0)
    fd = os.open(path, flags, PRIVATE_FILE_MODE)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        # Its last holder may have unlinked it between our open and our lock: then this lock guards nothing.
        if os.fstat(fd).st_ino == os.stat(path).st_ino:
            return fd
    except (BlockingIOError, FileNotFoundError):
        pass
    os.close(fd)
    return None


@dataclass
class _Mapped:
    """The active segment: its file reserved on disk and mapped in memory, so that a row is one copy, no
    system call; the pages belong to the kernel's page cache, so a row outlives its worker once copied. A
    file of a worker that died ends with the unused reserved bytes (zeros), which `Spool.read` drops."""

    fd: int
    memory: mmap.mmap
    seq: int
    used: int = 0
    rows: int = 0

    @classmethod
    def create(cls, path: Path, seq: int, at_least: int) -> _Mapped:
        """A new segment file with `SEGMENT_BYTES` (or `at_least`) reserved: a full disk fails here, with
        OSError, never later while a row is copied."""
        size = max(SEGMENT_BYTES, at_least)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
        try:
            os.posix_fallocate(fd, 0, size)
            return cls(fd, mmap.mmap(fd, size), seq)
        except OSError:
            os.close(fd)
            path.unlink(missing_ok=True)
            raise

    def close(self) -> None:
        """Unmap, cut the file to its rows, fsync and close it."""
        try:
            self.memory.close()
            os.ftruncate(self.fd, self.used)
            os.fsync(self.fd)
        finally:
            os.close(self.fd)


class Spool:
    """This worker's segments plus those it claimed from dead workers."""

    def __init__(self, directory: Path) -> None:
        missing = [p for p in (directory, *directory.parents) if not p.exists()]
        for folder in reversed(missing):  # every folder created private, not only the last
            folder.mkdir(mode=PRIVATE_DIR_MODE, exist_ok=True)
        self.directory = directory
        self._mutex = threading.Lock()
        self.token, self._lock_fd = self._own_token()
        self._seq = 0
        self._active: _Mapped | None = None
        self._filled: list[_Mapped] = []  # full segments, closed by the next rotation
        self._closing = 0
        self._closed: list[Segment] = []
        self._claimed: dict[str, int] = {}
        self._orphans: list[Segment] = []

    def _own_token(self) -> tuple[str, int]:
        while True:
            token = f"{os.getpid()}-{secrets.token_hex(4)}"
            with contextlib.suppress(FileExistsError):
                fd = _lock(self.directory / f"{token}{LOCK_SUFFIX}", create_new=True)
                if fd is not None:
                    return token, fd

    def _segment_path(self, seq: int) -> Path:
        return self.directory / f"{self.token}-{seq:06d}{SEGMENT_SUFFIX}"

    # -- writing (any thread) ----------------------------------------------------------------------

    def append(self, line: bytes) -> None:
        """Write one row (a line ending with a newline) to the active segment; SpoolError if it fails."""
        with self._mutex:
            active = self._active
            if active is None or active.used + len(line) > len(active.memory):
                try:
                    active = _Mapped.create(self._segment_path(self._seq), self._seq, len(line))
                except OSError as error:
                    message = f"prediction log spool {self.directory} not writable: {error}"
                    raise SpoolError(message) from error
                if self._active is not None:
                    self._filled.append(self._active)
                self._active, self._seq = active, self._seq + 1
            active.memory[active.used : active.used + len(line)] = line
            active.used += len(line)
            active.rows += 1

    def rotate(self) -> None:
        """Close the active segment (and any filled one) when it holds rows: it becomes shippable once on
        disk, truncated to its rows and fsynced (outside the lock: rows keep being appended, to the next
        segment, meanwhile)."""
        with self._mutex:
            closing = self._mapped()
            if not closing:
                return
            self._filled, self._active = [], None
            self._closing = sum(m.rows for m in closing)
        try:
            with contextlib.ExitStack() as each:  # every segment closed, even after one fails
                for mapped in closing:
                    each.callback(mapped.close)
        finally:
            with self._mutex:
                self._closed += [Segment(self._segment_path(m.seq), self.token, m.rows) for m in closing]
                self._closing = 0

    def _mapped(self) -> list[_Mapped]:
        """The segments still open, oldest first (the caller holds the lock)."""
        return [*self._filled, *([self._active] if self._active is not None else [])]

    # -- shipping (the shipper thread) -------------------------------------------------------------

    @property
    def waiting(self) -> int:
        """Rows on disk not yet delivered: the active segment, closed ones and claimed orphans."""
        with self._mutex:
            active = sum(m.rows for m in self._mapped())
            return active + self._closing + sum(s.rows for s in (*self._closed, *self._orphans))

    def pending(self) -> list[Segment]:
        """Segments to ship, oldest first: claimed orphans, then this worker's closed segments."""
        with self._mutex:
            return [*self._orphans, *self._closed]

    def adopt(self, path: Path) -> None:
        """Take a JSON-lines file of log rows (the undelivered file of older versions) into the spool."""
        if path.is_file():
            os.replace(path, self.directory / f"adopted{secrets.token_hex(4)}-000000{SEGMENT_SUFFIX}")

    def claim_orphans(self) -> list[str]:
        """Claim the segments of workers that are gone (their token lock is free); returns their tokens."""
        files = [*self.directory.glob(f"*{SEGMENT_SUFFIX}"), *self.directory.glob(f"*{LOCK_SUFFIX}")]
        tokens = {_token_of(p) if p.suffix == SEGMENT_SUFFIX else p.stem for p in files}
        claimed = []
        for token in sorted(tokens - {self.token} - set(self._claimed)):
            fd = _lock(self.directory / f"{token}{LOCK_SUFFIX}")
            if fd is None:
                continue  # its worker is alive, or another worker claimed it
            self._claimed[token] = fd
            claimed.append(token)
            for path in sorted(self.directory.glob(f"{token}-*{SEGMENT_SUFFIX}")):
                segment = Segment(path, token, path.read_bytes().count(b"\n"))
                with self._mutex:
                    self._orphans.append(segment)
            self._release_if_done(token)
        return claimed

    def read(self, segment: Segment) -> list[bytes]:
        """The complete lines of a segment (a last line cut by a killed worker is left out)."""
        data = segment.path.read_bytes().rstrip(b"\0")  # a dead worker's file keeps its reserved zeros
        lines = data.split(b"\n")
        if lines[-1]:
            logger.warning(
                "prediction log: segment %s ends with a row cut by its worker's death", segment.key
            )
        return lines[:-1]

    def reject(self, segment: Segment) -> Path:
        """Set aside a segment the database refuses (bad rows): renamed `.rejected`, never shipped again."""
        kept = segment.path.with_suffix(REJECTED_SUFFIX)
        os.replace(segment.path, kept)
        self.done(segment)
        return kept

    def done(self, segment: Segment) -> None:
        """Delete a segment the database has committed."""
        segment.path.unlink(missing_ok=True)
        with self._mutex:
            for pending in (self._closed, self._orphans):
                if segment in pending:
                    pending.remove(segment)
        if segment.token != self.token:
            self._release_if_done(segment.token)

    def _release_if_done(self, token: str) -> None:
        if token in self._claimed and not any(self.directory.glob(f"{token}-*{SEGMENT_SUFFIX}")):
            (self.directory / f"{token}{LOCK_SUFFIX}").unlink(missing_ok=True)
            os.close(self._claimed.pop(token))

    def close(self) -> int:
        """Release this worker's locks; segments left are shipped by the next worker. Returns rows left."""
        self.rotate()
        left = self.waiting
        with self._mutex:
            if not self._closed:
                (self.directory / f"{self.token}{LOCK_SUFFIX}").unlink(missing_ok=True)
            os.close(self._lock_fd)
            for fd in self._claimed.values():
                os.close(fd)
            self._claimed.clear()
            self._closed.clear()
            self._orphans.clear()
        return left
