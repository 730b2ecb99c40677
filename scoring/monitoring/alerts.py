"""Alerts of the monitoring loop: from a drift summary (data drift, prediction drift, estimated performance
drop) and from the API's request log (p99 latency, error rate). What each means and what to do about it is
data: scoring/monitoring/alerts.json, also shown in the README."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import polars as pl

from scoring.vocabulary import AlertKind

CATALOGUE = Path(__file__).with_name("alerts.json")


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """Title, meaning and action of every alert kind."""
    entries = json.loads(CATALOGUE.read_text())
    missing = [k.value for k in AlertKind if k.value not in entries]
    if missing:
        raise ValueError(f"{CATALOGUE}: no entry for alert kind(s) {', '.join(missing)}")
    return entries


@dataclass(frozen=True)
class Alert:
    """One alert: its kind (what de-duplication keys on), what was found, and the figures."""

    kind: AlertKind
    details: list[str]
    figures: dict = field(default_factory=dict)

    @property
    def title(self) -> str:
        return catalogue()[self.kind.value]["title"]

    def body(self) -> str:
        entry = catalogue()[self.kind.value]
        found = "\n".join(f"- {d}" for d in self.details)
        return f"{found}\n\nWhat it means: {entry['meaning']}\nWhat to do: {entry['action']}"


def drift_alerts(summary: dict) -> list[Alert]:
    """The alerts of a drift run's summary, one per kind."""
    by_kind: dict[str, list[str]] = {}
    for detail in summary.get("alert_details") or []:
        by_kind.setdefault(detail["kind"], []).append(detail["message"])
    current = summary.get("current") or {}
    figures = {
        "report": summary.get("name"),
        "current": current.get("description"),
        "rows": current.get("rows"),
    }
    return [Alert(AlertKind(kind), messages, figures) for kind, messages in by_kind.items()]


def operations_alerts(
    requests: pl.DataFrame, latency_p99_ms: float, error_rate: float, min_requests: int
) -> list[Alert]:
    """p99 latency above its limit, or the share of 5xx answers above its limit (enough requests only)."""
    count = requests.height
    if count < min_requests:
        return []
    alerts = []
    p99 = float(requests["latency_ms"].quantile(0.99, "linear"))
    if p99 > latency_p99_ms:
        details = [f"p99 latency {p99:,.0f} ms over {count:,} requests (limit {latency_p99_ms:,.0f} ms)"]
        alerts.append(Alert(AlertKind.LATENCY, details, {"p99_ms": p99, "requests": count}))
    failed = int((requests["status_code"] >= 500).sum())
    if failed / count > error_rate:
        details = [
            f"{failed:,} of {count:,} requests failed with a server error ({failed / count:.1%}, "
            f"limit {error_rate:.1%})"
        ]
        alerts.append(Alert(AlertKind.ERROR_RATE, details, {"failed": failed, "requests": count}))
    return alerts
