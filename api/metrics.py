"""Prometheus metrics: requests, latency, decisions and scores.

With several workers, set PROMETHEUS_MULTIPROC_DIR (`python -m api` does it for --workers > 1)
so /metrics aggregates every worker; otherwise each worker reports its own counts.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
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


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    REQUESTS.labels(method, route, str(status)).inc()
    LATENCY.labels(route).observe(seconds)


def observe_score(kind: str, decision: str, probability: float) -> None:
    DECISIONS.labels(decision, kind).inc()
    SCORES.labels(kind).observe(probability)


def exposition() -> tuple[bytes, str]:
    """The metrics in Prometheus text format, aggregated over workers in multiprocess mode."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
