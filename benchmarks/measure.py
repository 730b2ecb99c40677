"""Run a callable in a fresh child process and report its wall time and peak resident memory.

The child is spawned (no memory inherited from the parent), optionally pinned to a number of cores,
and reports its own peak RSS (getrusage RUSAGE_SELF in the child: unlike RUSAGE_CHILDREN in the parent,
it is not the running maximum over every child measured before).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

import psutil


@dataclass(frozen=True)
class Measurement:
    """What the callable returned, its wall time in seconds and the child's peak RSS in GB."""

    result: Any
    seconds: float
    peak_gb: float


def _child(task: Callable[..., Any], cores: int | None, args: tuple, conn: Connection) -> None:
    if cores:
        os.sched_setaffinity(0, sorted(os.sched_getaffinity(0))[:cores])
    started = time.perf_counter()
    result = task(*args)
    seconds = time.perf_counter() - started
    conn.send((result, seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6))


def measure(task: Callable[..., Any], *args: Any, cores: int | None = None) -> Measurement:
    """Run task(*args) in a spawned child pinned to `cores` CPUs (all when None); the task and its
    result must be picklable (a module-level function)."""
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(task, cores, args, send))
    process.start()
    send.close()
    try:
        result, seconds, peak_gb = receive.recv()
    except EOFError:
        process.join()
        raise RuntimeError(f"benchmark child {task.__name__} died (exit code {process.exitcode})") from None
    process.join()
    return Measurement(result, seconds, peak_gb)


def process_tree(pid: int) -> list[psutil.Process]:
    """Process `pid` and its descendants."""
    root = psutil.Process(pid)
    return [root, *root.children(recursive=True)]


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds so far of process `pid` and its descendants (every thread; one that ends
    meanwhile is left out)."""
    total = 0.0
    for proc in process_tree(pid):
        with contextlib.suppress(psutil.NoSuchProcess):
            times = proc.cpu_times()
            total += times.user + times.system
    return total


def tree_background_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds so far of the threads of `pid` and its descendants other than each process's
    main thread (in the API's workers: the log shippers, audit writers and metrics flushers; a thread or
    process that ends meanwhile is left out)."""
    total = 0.0
    for proc in process_tree(pid):
        with contextlib.suppress(psutil.NoSuchProcess):
            total += sum(t.user_time + t.system_time for t in proc.threads() if t.id != proc.pid)
    return total
