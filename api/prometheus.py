"""Prometheus metrics: requests, latency, decisions and scores, and the prediction log's delivery.

With several workers, set PROMETHEUS_MULTIPROC_DIR (`python -m api` sets it to the home's
data/runtime/metrics/ for --workers > 1, emptied at each start) so /metrics aggregates every worker;
otherwise each worker reports its own counts.

A request's and a score's observations are queued in memory (one append: in multiprocess mode each counter
or histogram update is a locked write to a memory-mapped file) and recorded by a background thread every
FLUSH_SECONDS, and before this process's /metrics answers: each counter once per series and flush, through
prometheus_client's public API only.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import deque

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

REQUESTS = Counter(
    "scoring_http_requests_total",
    "HTTP requests by route template and status.",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "scoring_http_request_duration_seconds",
    "Time to answer an HTTP request.",
    ["route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
DECISIONS = Counter(
    "scoring_decisions_total", "Scores by decision and kind of request.", ["decision", "kind"]
)
SCORES = Histogram(
    "scoring_probability",
    "Predicted probabilities of default.",
    ["kind"],
    buckets=tuple(round(0.05 * i, 2) for i in range(1, 21)),
)

LOG_WAITING = Gauge(
    "scoring_prediction_log_waiting_rows",
    "Prediction-log rows on local disk not yet in the database (all live workers).",
    multiprocess_mode="livesum",
)
LOG_FAILURES = Counter(
    "scoring_prediction_log_write_failures_total", "Deliveries of prediction-log rows the database refused."
)
LOG_SHIPPED = Counter("scoring_prediction_log_shipped_rows_total", "Prediction-log rows delivered.")


FLUSH_SECONDS = 1.0
logger = logging.getLogger("api.metrics")
Series = tuple[Counter, Histogram]
_requests: dict[tuple[str, str, int], Series] = {}
_scores: dict[tuple[str, str], Series] = {}
_queued: deque[tuple[dict, tuple, float]] = deque()  # (series by key, key, value): appends are thread-safe
_flushing = threading.Lock()
_flushed_here = False  # this process runs its flusher (a forked child starts its own: no pid asked per call)


def _forked() -> None:
    global _flushed_here
    _flushed_here = False


os.register_at_fork(after_in_child=_forked)


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    """Count and time a request."""
    _queued.append((_requests, (method, route, status), seconds))
    if not _flushed_here:
        _start_flusher()


def observe_score(kind: str, decision: str, probability: float) -> None:
    _queued.append((_scores, (kind, decision), probability))
    if not _flushed_here:
        _start_flusher()


def _series(by_key: dict, key: tuple) -> Series:
    """A series' children, looked up once (routes, statuses, kinds and decisions are few)."""
    series = by_key.get(key)
    if series is None:
        if by_key is _requests:
            method, route, status = key
            series = (REQUESTS.labels(method, route, str(status)), LATENCY.labels(route))
        else:
            kind, decision = key
            series = (DECISIONS.labels(decision, kind), SCORES.labels(kind))
        by_key[key] = series
    return series


def flush() -> None:
    """Add the queued observations to their series, off the request path: each counter once per series,
    each value to its histogram."""
    with _flushing:
        counts: dict[tuple[int, tuple], list] = {}
        while _queued:
            by_key, key, value = _queued.popleft()
            entry = counts.get((id(by_key), key))
            if entry is None:
                entry = counts[id(by_key), key] = [_series(by_key, key), 0]
            entry[1] += 1
            entry[0][1].observe(value)
        for (counter, _), count in counts.values():
            counter.inc(count)


def _start_flusher() -> None:
    global _flushed_here
    with _flushing:
        if _flushed_here:
            return
        _flushed_here = True
    threading.Thread(target=_flush_every, name="metrics-flush", daemon=True).start()


def _flush_every() -> None:
    while True:
        time.sleep(FLUSH_SECONDS)
        try:
            flush()
        except Exception:  # noqa: BLE001 - a metric lost is no reason to stop counting
            logger.exception("metrics not flushed")


def set_log_waiting(rows: int) -> None:
    LOG_WAITING.set(rows)


def count_log_failure() -> None:
    LOG_FAILURES.inc()


def count_log_shipped(rows: int) -> None:
    LOG_SHIPPED.inc(rows)


def forget_process(pid: int) -> None:
    """Drop the live gauges of a dead worker (multiprocess mode), so they no longer add up."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(pid)


def exposition() -> tuple[bytes, str]:
    """The metrics in Prometheus text format, aggregated over workers in multiprocess mode."""
    flush()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
