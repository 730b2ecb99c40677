"""Calibration watched on the labelled clients: realised default rate against the mean PD given, per month of
the score and, over the recent window, per segment, with a Wilson interval; a prior-shift recalibration
suggested when the recent window's realised rate moves beyond its interval.

The policy (alpha, minimum clients, recent window) is data: calibration_watch.json beside this module. The
segments are those of the drift run (`scoring.drift.segments`), read from the prediction log's feature
columns (a segment whose column the log does not hold is listed as unavailable). The suggestion is only a
figure here: it is applied by `scoring.monitoring.recalibrate`, as a challenger that must pass the promotion
rule of `scoring.monitoring.challenger`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from pathlib import Path

import numpy as np
import polars as pl

from scoring.drift.segments import SegmentPolicy, segment_policy
from scoring.modeling.metrics import ece
from scoring.monitoring.alerts import Alert
from scoring.monitoring.binomial import prior_shift, shift_probabilities, wilson
from scoring.vocabulary import AlertKind

POLICY_FILE = Path(__file__).with_name("calibration_watch.json")
OVERALL = "all"


@dataclass(frozen=True)
class WatchPolicy:
    """Risk of a false flag, clients a cell needs to be judged, and the recent window (days)."""

    alpha: float = 0.05
    min_clients: int = 200
    window_days: int = 90

    @classmethod
    def of(cls, document: Mapping) -> WatchPolicy:
        alpha, minimum, days = document.get("alpha"), document.get("min_clients"), document.get("window_days")
        if not isinstance(alpha, float) or not 0 < alpha < 1:
            raise ValueError(f"{POLICY_FILE.name}: alpha must be a number in (0, 1)")
        for name, value in (("min_clients", minimum), ("window_days", days)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{POLICY_FILE.name}: {name} must be a positive whole number")
        return cls(alpha, minimum, days)


@cache
def watch_policy() -> WatchPolicy:
    """The packaged policy (read once)."""
    return WatchPolicy.of(json.loads(POLICY_FILE.read_text(encoding="utf-8")))


def _figures(y: np.ndarray, p: np.ndarray) -> dict:
    n, defaults = len(y), int(y.sum())
    return {
        "n": n,
        "defaults": defaults,
        "default_rate": defaults / n if n else None,
        "mean_probability": float(p.mean()) if n else None,
    }


def _judge(cell: dict, y: np.ndarray, p: np.ndarray, alpha: float, min_clients: int) -> dict:
    """Add the interval, the ECE and the verdict (judged, flagged, direction) to a cell's figures."""
    judged = cell["n"] >= min_clients
    low, high = wilson(cell["defaults"], cell["n"], alpha) if cell["n"] else (None, None)
    mean = cell["mean_probability"]
    flagged = judged and not (low <= mean <= high)
    direction = None
    if flagged:
        direction = "under" if mean < low else "over"  # the model under- or overstates the risk
    return {
        **cell,
        "ci_low": low,
        "ci_high": high,
        "ece": ece(y, p) if judged else None,
        "judged": judged,
        "flagged": flagged,
        "direction": direction,
    }


def _arrays(frame: pl.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    return frame["outcome"].cast(pl.Int64).to_numpy(), frame["probability"].cast(pl.Float64).to_numpy()


def _segment_cells(
    recent: pl.DataFrame, segments: SegmentPolicy
) -> tuple[list[tuple[dict, np.ndarray]], list]:
    """(cell, mask) of every segment value present in the recent window, and the segments the log lacks."""
    cells, unavailable = [], []
    for segment in segments.segments:
        values = segment.values(recent)
        if values is None:
            unavailable.append(segment.name)
            continue
        present = {v for v in values if v is not None}
        for value in segment.order(present):
            mask = values == value
            cells.append(({"segment": segment.name, "value": value, "name": f"{segment.name}={value}"}, mask))
    return cells, unavailable


def _recent(labelled: pl.DataFrame, days: int) -> pl.DataFrame:
    end = labelled["created_at"].max() + timedelta(microseconds=1)
    return labelled.filter(pl.col("created_at") >= end - timedelta(days=days))


def _suggestion(recent: pl.DataFrame, window: dict) -> dict | None:
    """The prior shift of the recent window (None when it is not flagged or has a single outcome)."""
    rate = window["default_rate"]
    if not window["flagged"] or not 0 < rate < 1:
        return None
    p = recent["probability"].cast(pl.Float64).to_numpy()
    delta = prior_shift(p, rate)
    return {
        "method": "prior shift: logit(PD) + delta, so that the window's mean PD equals its realised rate",
        "logit_shift": delta,
        "odds_ratio": float(np.exp(delta)),
        "mean_probability_before": window["mean_probability"],
        "mean_probability_after": float(shift_probabilities(p, delta).mean()),
        "realised_rate": rate,
        "apply": "scoring retrain --recalibrate (a challenger judged by the promotion rule)",
    }


def calibration_watch(
    labelled: pl.DataFrame, policy: WatchPolicy | None = None, segments: SegmentPolicy | None = None
) -> dict:
    """Periods, recent window, segments of the recent window, flag and suggested recalibration."""
    policy = policy or watch_policy()
    segments = segments or segment_policy()
    base = {"alpha": policy.alpha, "min_clients": policy.min_clients, "window_days": policy.window_days}
    if labelled.height == 0:
        return {
            **base,
            "labelled": 0,
            "tested": 0,
            "periods": [],
            "window": None,
            "segments": [],
            "unavailable": [],
            "flagged": False,
            "flags": [],
            "recalibration": None,
        }
    monthly = labelled.with_columns(pl.col("created_at").dt.strftime("%Y-%m").alias("period"))
    months = [(m, monthly.filter(pl.col("period") == m)) for m in sorted(monthly["period"].unique())]
    recent = _recent(labelled, policy.window_days)
    seg_cells, unavailable = _segment_cells(recent, segments)
    sizes = [f.height for _, f in months] + [int(mask.sum()) for _, mask in seg_cells]
    tested = max(1, sum(n >= policy.min_clients for n in sizes))
    alpha_cell = policy.alpha / tested
    periods = []
    for month, frame in months:
        y, p = _arrays(frame)
        periods.append({"period": month, **_judge(_figures(y, p), y, p, alpha_cell, policy.min_clients)})
    rows = []
    y_recent, p_recent = _arrays(recent)
    for cell, mask in seg_cells:
        y, p = y_recent[mask], p_recent[mask]
        rows.append({**cell, **_judge(_figures(y, p), y, p, alpha_cell, policy.min_clients)})
    window = {
        "start": recent["created_at"].min().isoformat(),
        "end": recent["created_at"].max().isoformat(),
        **_judge(_figures(y_recent, p_recent), y_recent, p_recent, policy.alpha, policy.min_clients),
    }
    flags = [f"period {c['period']}" for c in periods if c["flagged"]]
    flags += [f"segment {c['name']}" for c in rows if c["flagged"]]
    return {
        **base,
        "labelled": labelled.height,
        "tested": tested,
        "periods": periods,
        "window": window,
        "segments": rows,
        "unavailable": unavailable,
        "flagged": window["flagged"],
        "flags": flags,
        "recalibration": _suggestion(recent, window),
    }


def calibration_alerts(watch: dict) -> list[Alert]:
    """The calibration-shift alert of a watch whose recent window is flagged (none otherwise)."""
    window, shift = watch.get("window"), watch.get("recalibration")
    if not watch.get("flagged") or window is None:
        return []
    details = [
        f"recent window {window['start'][:10]} .. {window['end'][:10]}: realised default rate "
        f"{window['default_rate']:.2%} ({window['defaults']:,} of {window['n']:,}; {1 - watch['alpha']:.0%} "
        f"interval {window['ci_low']:.2%} .. {window['ci_high']:.2%}) against a mean PD of "
        f"{window['mean_probability']:.2%}"
    ]
    if shift:
        details.append(
            f"suggested recalibration: log-odds shift {shift['logit_shift']:+.3f} (mean PD "
            f"{shift['mean_probability_before']:.2%} -> {shift['mean_probability_after']:.2%}); apply with "
            "`scoring retrain --recalibrate`"
        )
    details += [f"also flagged: {flag}" for flag in watch.get("flags") or []]
    figures = {"realised_rate": window["default_rate"], "mean_probability": window["mean_probability"]}
    return [Alert(AlertKind.CALIBRATION_SHIFT, details, figures)]
