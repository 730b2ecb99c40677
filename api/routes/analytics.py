"""Client comparisons for the dashboard: example clients by score, a feature's distribution by outcome
(all labelled clients or a client's similar group) and a two-feature scatter.
"""

from __future__ import annotations

from typing import Annotated, Literal

import numpy as np
from fastapi import APIRouter, HTTPException, Query, status
from pydantic import BaseModel, Field

from api.deps import ServiceDep
from api.errors import error_responses
from api.routes.clients import MAX_ID, ClientId
from scoring.features.feature import ModelFeature
from scoring.serving.service import ScoringService

router = APIRouter(prefix="/analytics", tags=["analytics"])

SAFE_QUANTILE = 0.05
RISKY_QUANTILE = 0.99
TRIM = 0.005  # histogram range: the 0.5 % and 99.5 % quantiles (extremes fall in the end bins)
SAMPLE_SEED = 0
ERRORS = error_responses(401, 404, 422, 500, 503)
FeatureName = Annotated[str, Query(min_length=1, max_length=200, description="Model feature name")]
OptionalClient = Annotated[
    int | None, Query(ge=1, le=MAX_ID, description="Stored client to place on the chart")
]


class ExampleOut(BaseModel):
    kind: Literal["safe", "borderline", "risky"]
    client_id: int
    probability: float = Field(ge=0, le=1)
    decision: Literal["accept", "refuse"]


class ExamplesOut(BaseModel):
    threshold: float
    examples: list[ExampleOut]


class DistributionOut(BaseModel):
    """Counts of repaid and defaulted clients per bin (numeric) or per level (categorical)."""

    feature: str
    label: str
    kind: str
    group: Literal["all", "similar"]
    clients: int = Field(description="Labelled clients in the group")
    edges: list[float] | None = Field(description="Bin edges (numeric features; the end bins hold extremes)")
    levels: list[str] | None = Field(description="Levels (categorical features)")
    repaid: list[int]
    defaulted: list[int]
    missing_repaid: int
    missing_defaulted: int
    client_value: float | str | None = Field(description="The client's value (level name for categories)")


class ScatterClient(BaseModel):
    client_id: int
    x: float | None
    y: float | None
    probability: float


class ScatterOut(BaseModel):
    x: str
    x_label: str
    y: str
    y_label: str
    client_ids: list[int]
    x_values: list[float]
    y_values: list[float]
    probability: list[float]
    outcome: list[int] = Field(description="1 = defaulted, 0 = repaid")
    client: ScatterClient | None = None


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


def _feature(service: ScoringService, name: str, numeric: bool = False) -> tuple[int, ModelFeature]:
    """Position and description of a model feature; 404 when the model has no such (numeric) feature."""
    position = service.scorer.position.get(name)
    info = None if position is None else service.scorer.features[position]
    if info is None or (numeric and info.categorical):
        kind = "numeric feature" if numeric else "feature"
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"the model has no such {kind}")
    return position, info


def _client_row(service: ScoringService, client_id: int) -> int:
    row = service.store.row(client_id)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "client not found")
    return row


@router.get("/examples", response_model=ExamplesOut, responses=error_responses(401, 500, 503))
def examples(service: ServiceDep) -> ExamplesOut:
    """Three stored clients to start from: clearly safe, borderline (nearest the threshold), clearly risky."""
    threshold = service.scorer.threshold
    rows = pick_examples(service.probabilities, threshold)
    return ExamplesOut(
        threshold=threshold,
        examples=[
            ExampleOut(
                kind=kind,
                client_id=int(service.store.ids[row]),
                probability=float(service.probabilities[row]),
                decision=service.scorer.decision(float(service.probabilities[row])),
            )
            for kind, row in rows.items()
        ],
    )


def _distribution(
    service: ScoringService, feature: str, rows: np.ndarray, client_id: int | None, bins: int, group: str
) -> DistributionOut:
    """Counts per bin or level of `feature` among the labelled `rows`, split by outcome."""
    position, info = _feature(service, feature)
    values = service.store.matrix[rows, position].astype(np.float64)
    defaulted = service.store.target[rows] == 1
    missing = np.isnan(values)
    marker = None
    if client_id is not None:
        marker = float(service.store.matrix[_client_row(service, client_id), position])
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
    return DistributionOut(
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


Bins = Annotated[int, Query(ge=2, le=100, description="Bins of a numeric feature")]


@router.get("/distribution", response_model=DistributionOut, responses=ERRORS)
def distribution(
    service: ServiceDep, feature: FeatureName, client_id: OptionalClient = None, bins: Bins = 30
) -> DistributionOut:
    """A feature's distribution among all repaid and defaulted clients, with the client's value."""
    return _distribution(service, feature, service.store.train_rows, client_id, bins, "all")


@router.get("/similar/{client_id}/distribution", response_model=DistributionOut, responses=ERRORS)
def similar_distribution(
    client_id: ClientId,
    service: ServiceDep,
    feature: FeatureName,
    k: Annotated[int, Query(ge=5, le=1000, description="Similar clients in the group")] = 50,
    bins: Bins = 30,
) -> DistributionOut:
    """A feature's distribution among the client's k most similar labelled clients, by outcome."""
    neighbours = service.similar(_client_row(service, client_id), k)
    rows = np.array([service.store.row(n.client_id) for n in neighbours], dtype=np.int64)
    return _distribution(service, feature, rows, client_id, bins, "similar")


def _finite_or_none(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


@router.get("/scatter", response_model=ScatterOut, responses=ERRORS)
def scatter(
    service: ServiceDep,
    x: FeatureName,
    y: FeatureName,
    client_id: OptionalClient = None,
    rows: Annotated[int, Query(ge=10, le=5000, description="Labelled clients sampled")] = 1500,
) -> ScatterOut:
    """Two numeric features of a fixed random sample of labelled clients, with their score and outcome."""
    (px, fx), (py, fy) = _feature(service, x, numeric=True), _feature(service, y, numeric=True)
    labelled = service.store.train_rows
    take = min(rows, len(labelled))
    sample = np.sort(np.random.default_rng(SAMPLE_SEED).choice(labelled, take, replace=False))
    xs = service.store.matrix[sample, px].astype(np.float64)
    ys = service.store.matrix[sample, py].astype(np.float64)
    keep = np.isfinite(xs) & np.isfinite(ys)
    client = None
    if client_id is not None:
        row = _client_row(service, client_id)
        client = ScatterClient(
            client_id=client_id,
            x=_finite_or_none(service.store.matrix[row, px]),
            y=_finite_or_none(service.store.matrix[row, py]),
            probability=float(service.probabilities[row]),
        )
    return ScatterOut(
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
