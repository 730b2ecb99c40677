"""Client comparisons: example clients by score, a feature's distribution by outcome (all labelled clients or
a client's similar group, histogram of a numeric feature or counts per level) and a two-feature scatter.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scoring.errors import ScoringError
from scoring.features.feature import ModelFeature
from scoring.serving.service import ScoringService
from scoring.vocabulary import Decision

SAFE_QUANTILE = 0.05
RISKY_QUANTILE = 0.99
TRIM = 0.005  # histogram range: the 0.5 % and 99.5 % quantiles (extremes fall in the end bins)
SAMPLE_SEED = 0


class UnknownFeature(ScoringError, LookupError):
    """The model has no (numeric) feature of that name."""


def _nearest(probability: np.ndarray, target: float) -> int:
    return int(np.argmin(np.abs(probability - target)))


def pick_examples(probability: np.ndarray, threshold: float) -> dict[str, int]:
    """Rows of a clearly safe, a borderline and a clearly risky client, by their score."""
    safe = _nearest(probability, float(np.quantile(probability, SAFE_QUANTILE)))
    risky_target = max(float(np.quantile(probability, RISKY_QUANTILE)), threshold)
    risky = _nearest(probability, risky_target)
    if probability[risky] < threshold:
        risky = int(np.argmax(probability))
    return {"safe": safe, "borderline": _nearest(probability, threshold), "risky": risky}


@dataclass(frozen=True)
class Example:
    kind: str
    client_id: int
    probability: float
    decision: Decision


def examples(service: ScoringService) -> list[Example]:
    """Three stored clients to start from: clearly safe, borderline (nearest the threshold), clearly risky;
    each with its score's decision (the strategy in force's, else the threshold's)."""
    rows = pick_examples(service.probabilities, service.scorer.threshold)
    active = service.decider.current()
    return [
        Example(
            kind,
            int(service.store.ids[row]),
            float(service.probabilities[row]),
            service.stored_decision(row, active).decision,
        )
        for kind, row in rows.items()
    ]


def numeric_histogram(values: np.ndarray, bins: int, marker: float | None) -> np.ndarray:
    """Bin edges over the trimmed range of `values`, widened to include `marker`."""
    low, high = np.quantile(values, [TRIM, 1 - TRIM]) if len(values) else (0.0, 1.0)
    if marker is not None and np.isfinite(marker):
        low, high = min(low, marker), max(high, marker)
    if high <= low:
        low, high = low - 0.5, high + 0.5
    return np.linspace(low, high, bins + 1)


def binned_counts(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Count of values per bin; values beyond the edges fall into the end bins."""
    index = np.clip(np.searchsorted(edges, values, side="right") - 1, 0, len(edges) - 2)
    return np.bincount(index, minlength=len(edges) - 1)


def model_feature(service: ScoringService, name: str, numeric: bool = False) -> tuple[int, ModelFeature]:
    """Position and description of a model feature; UnknownFeature when the model has no such one."""
    position = service.scorer.position.get(name)
    info = None if position is None else service.scorer.features[position]
    if info is None or (numeric and info.categorical):
        kind = "numeric feature" if numeric else "feature"
        raise UnknownFeature(f"the model has no such {kind}")
    return position, info


@dataclass(frozen=True)
class Distribution:
    """Counts of repaid and defaulted clients per bin (numeric) or per level (categorical)."""

    feature: str
    label: str
    kind: str
    group: str
    clients: int
    edges: list[float] | None
    levels: list[str] | None
    repaid: list[int]
    defaulted: list[int]
    missing_repaid: int
    missing_defaulted: int
    client_value: float | str | None


def distribution(
    service: ScoringService, feature: str, rows: np.ndarray, client_row: int | None, bins: int, group: str
) -> Distribution:
    """Counts per bin or level of `feature` among labelled `rows` by outcome, with a client's value."""
    position, info = model_feature(service, feature)
    values = service.store.matrix[rows, position].astype(np.float64)
    defaulted = service.store.target[rows] == 1
    missing = np.isnan(values)
    marker = None if client_row is None else float(service.store.matrix[client_row, position])
    present, outcome = values[~missing], defaulted[~missing]
    edges, levels = None, None
    if info.categorical and info.levels:
        levels = list(info.levels)
        index = np.clip(present.astype(np.int64), 0, len(levels) - 1)
        counts = [np.bincount(index[mask], minlength=len(levels)) for mask in (~outcome, outcome)]
    else:
        cut = numeric_histogram(present, bins, marker)
        edges = cut.tolist()
        counts = [binned_counts(present[mask], cut) for mask in (~outcome, outcome)]
    return Distribution(
        feature=feature,
        label=info.label,
        kind=info.kind,
        group=group,
        clients=len(rows),
        edges=edges,
        levels=levels,
        repaid=counts[0].tolist(),
        defaulted=counts[1].tolist(),
        missing_repaid=int((missing & ~defaulted).sum()),
        missing_defaulted=int((missing & defaulted).sum()),
        client_value=None if marker is None else info.display(marker),
    )


def similar_rows(service: ScoringService, row: int, k: int) -> np.ndarray:
    """Store rows of a stored client's k most similar labelled clients."""
    return np.array([service.store.row(n.client_id) for n in service.similar(row, k)], dtype=np.int64)


def _finite_or_none(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


@dataclass(frozen=True)
class ScatterClient:
    client_id: int
    x: float | None
    y: float | None
    probability: float


@dataclass(frozen=True)
class Scatter:
    x: str
    x_label: str
    y: str
    y_label: str
    client_ids: list[int]
    x_values: list[float]
    y_values: list[float]
    probability: list[float]
    outcome: list[int]
    client: ScatterClient | None


def scatter(service: ScoringService, x: str, y: str, client_row: int | None, rows: int) -> Scatter:
    """Two numeric features of a fixed random sample of labelled clients, with their score and outcome."""
    (px, fx), (py, fy) = model_feature(service, x, numeric=True), model_feature(service, y, numeric=True)
    labelled = service.store.train_rows
    take = min(rows, len(labelled))
    sample = np.sort(np.random.default_rng(SAMPLE_SEED).choice(labelled, take, replace=False))
    xs = service.store.matrix[sample, px].astype(np.float64)
    ys = service.store.matrix[sample, py].astype(np.float64)
    keep = np.isfinite(xs) & np.isfinite(ys)
    client = None
    if client_row is not None:
        client = ScatterClient(
            client_id=int(service.store.ids[client_row]),
            x=_finite_or_none(service.store.matrix[client_row, px]),
            y=_finite_or_none(service.store.matrix[client_row, py]),
            probability=float(service.probabilities[client_row]),
        )
    return Scatter(
        x=x,
        x_label=fx.label,
        y=y,
        y_label=fy.label,
        client_ids=service.store.ids[sample][keep].tolist(),
        x_values=xs[keep].tolist(),
        y_values=ys[keep].tolist(),
        probability=service.probabilities[sample][keep].tolist(),
        outcome=service.store.target[sample][keep].astype(np.int64).tolist(),
        client=client,
    )
