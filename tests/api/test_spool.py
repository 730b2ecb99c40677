"""The spool's memory-mapped segments: rows in order across full segments, files cut to their rows once
closed, a full disk refused when a segment is opened (never while a row is copied)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from api import spool as spool_module
from api.spool import Spool, SpoolError


def test_rows_keep_their_order_across_full_segments(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(spool_module, "SEGMENT_BYTES", 64)
    spool = Spool(tmp_path / "spool")
    rows = [f'{{"n":{n},"pad":"{"x" * 4}"}}\n'.encode() for n in range(7)]  # 3 rows fill a segment
    rows.append(b'{"long":"' + b"y" * 100 + b'"}\n')  # longer than a segment: one of its own
    for row in rows:
        spool.append(row)
    assert spool.waiting == len(rows)
    spool.rotate()
    pending = spool.pending()
    assert len(pending) == 4 and sum(s.rows for s in pending) == len(rows)
    assert [line + b"\n" for s in pending for line in spool.read(s)] == rows
    assert [s.path.stat().st_size for s in pending] == [sum(map(len, rows[i : i + 3])) for i in (0, 3)] + [
        len(rows[6]),
        len(rows[7]),
    ]
    spool.close()


def test_a_dead_workers_segment_is_read_without_its_reserved_bytes(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool")
    spool.append(b'{"n":1}\n')
    spool.append(b'{"n":2,"cut')  # the worker died while copying this row
    (path,) = (tmp_path / "spool").glob("*.jsonl")
    assert path.stat().st_size == spool_module.SEGMENT_BYTES  # not closed: the reserved bytes are there
    segment = spool_module.Segment(path, "dead", 1)
    assert spool.read(segment) == [b'{"n":1}']
    spool.close()


def test_a_full_disk_is_refused_when_a_segment_opens(tmp_path: Path, monkeypatch) -> None:
    def full(fd: int, offset: int, size: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "posix_fallocate", full)
    spool = Spool(tmp_path / "spool")
    with pytest.raises(SpoolError, match="No space left on device"):
        spool.append(b'{"n":1}\n')
    assert not list((tmp_path / "spool").glob("*.jsonl")) and spool.waiting == 0
    spool.close()


def test_every_segment_is_closed_even_when_one_fails(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(spool_module, "SEGMENT_BYTES", 64)
    spool = Spool(tmp_path / "spool")
    rows = [f'{{"n":{n},"pad":"{"x" * 30}"}}\n'.encode() for n in range(2)]  # one segment each
    for row in rows:
        spool.append(row)
    fsync, calls = os.fsync, []

    def failing_once(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 1:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        fsync(fd)

    monkeypatch.setattr(os, "fsync", failing_once)
    with pytest.raises(OSError, match="Input/output error"):
        spool.rotate()
    pending = spool.pending()
    assert len(calls) == 2 and [s.rows for s in pending] == [1, 1]
    assert sorted(s.path.stat().st_size for s in pending) == sorted(map(len, rows))  # both cut to their rows
    spool.close()
