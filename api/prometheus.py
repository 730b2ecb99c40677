"""Prometheus metrics: requests, latency, decisions and scores, and the prediction log's delivery.

With several workers, set PROMETHEUS_MULTIPROC_DIR (`python -m api` sets it to the home's
data/runtime/metrics/ for --workers > 1, emptied at each start) so /metrics aggregates every worker;
otherwise each worker reports its own counts.
"""

from __future__ import annotations

import os

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


_requests: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}
_scores: dict[tuple[str, str], tuple[Counter, Histogram]] = {}


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    """Count and time a request (each series' child is looked up once: routes and statuses are few)."""
    key = (method, route, status)
    series = _requests.get(key)
    if series is None:
        series = _requests[key] = (REQUESTS.labels(method, route, str(status)), LATENCY.labels(route))
    series[0].inc()
    series[1].observe(seconds)


def observe_score(kind: str, decision: str, probability: float) -> None:
    key = (kind, decision)
    series = _scores.get(key)
    if series is None:
        series = _scores[key] = (DECISIONS.labels(decision, kind), SCORES.labels(kind))
    series[0].inc()
    series[1].observe(probability)


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
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
