"""What the dashboard plots: example clients, a feature's distribution by outcome (all labelled clients or a
client's similar group), a two-feature scatter, and the out-of-fold threshold, cost and performance."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, status

from api.deps import ClientId, ClientRowDep, OptionalRowDep, ServiceDep
from api.errors import error_responses
from api.language import LanguageDep
from api.schemas.analytics import (
    DistributionOut,
    ExampleOut,
    ExamplesOut,
    PerformanceOut,
    ScatterOut,
    ThresholdOut,
)
from scoring.features.dictionary import feature_label
from scoring.serving import analytics
from scoring.serving.performance import CALIBRATION_BINS, threshold_view
from scoring.serving.performance import performance as performance_of

router = APIRouter(prefix="/analytics", tags=["analytics"])

ERRORS = error_responses(401, 404, 422, 500, 503)
FeatureName = Annotated[str, Query(min_length=1, max_length=200, description="Model feature name")]
Bins = Annotated[int, Query(ge=2, le=100, description="Bins of a numeric feature")]
Weight = Annotated[float, Query(gt=0, le=1000)]


def _unknown(error: analytics.UnknownFeature) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, str(error))


@router.get("/examples", response_model=ExamplesOut, responses=error_responses(401, 500, 503))
def examples(service: ServiceDep) -> ExamplesOut:
    """Three stored clients to start from: clearly safe, borderline (nearest the threshold), clearly risky."""
    return ExamplesOut(
        threshold=service.scorer.threshold,
        examples=[ExampleOut.model_validate(e) for e in analytics.examples(service)],
    )


@router.get("/distribution", response_model=DistributionOut, responses=ERRORS)
def distribution(
    service: ServiceDep, feature: FeatureName, row: OptionalRowDep, language: LanguageDep, bins: Bins = 30
) -> DistributionOut:
    """A feature's distribution among all repaid and defaulted clients, with the client's value."""
    try:
        found = analytics.distribution(service, feature, service.store.train_rows, row, bins, "all")
    except analytics.UnknownFeature as error:
        raise _unknown(error) from None
    return DistributionOut.model_validate(_in_language(found, language))


def _in_language(found: analytics.Distribution, language: str) -> analytics.Distribution:
    """The distribution with its feature's label in the request's language."""
    return replace(found, label=feature_label(found.feature, language, found.label))


@router.get("/similar/{client_id}/distribution", response_model=DistributionOut, responses=ERRORS)
def similar_distribution(
    client_id: ClientId,
    row: ClientRowDep,
    service: ServiceDep,
    feature: FeatureName,
    language: LanguageDep,
    k: Annotated[int, Query(ge=5, le=1000, description="Similar clients in the group")] = 50,
    bins: Bins = 30,
) -> DistributionOut:
    """A feature's distribution among the client's k most similar labelled clients, by outcome."""
    try:
        analytics.model_feature(service, feature)
        rows = analytics.similar_rows(service, row, k)
        found = analytics.distribution(service, feature, rows, row, bins, "similar")
    except analytics.UnknownFeature as error:
        raise _unknown(error) from None
    return DistributionOut.model_validate(_in_language(found, language))


@router.get("/scatter", response_model=ScatterOut, responses=ERRORS)
def scatter(
    service: ServiceDep,
    x: FeatureName,
    y: FeatureName,
    row: OptionalRowDep,
    language: LanguageDep,
    rows: Annotated[int, Query(ge=10, le=5000, description="Labelled clients sampled")] = 1500,
) -> ScatterOut:
    """Two numeric features of a fixed random sample of labelled clients, with their score and outcome."""
    try:
        found = analytics.scatter(service, x, y, row, rows)
    except analytics.UnknownFeature as error:
        raise _unknown(error) from None
    return ScatterOut.model_validate(
        replace(
            found,
            x_label=feature_label(found.x, language, found.x_label),
            y_label=feature_label(found.y, language, found.y_label),
        )
    )


@router.get("/threshold", response_model=ThresholdOut, responses=error_responses(401, 422, 500, 503))
def threshold(
    service: ServiceDep,
    w_fn: Weight = 10.0,
    w_fp: Weight = 1.0,
    points: Annotated[int, Query(ge=10, le=1000, description="Points of the returned curve")] = 200,
) -> ThresholdOut:
    """Cost-minimising threshold, approval rate and cost under the weights w_fn : w_fp (count mode)."""
    return ThresholdOut.model_validate(threshold_view(service, w_fn, w_fp, points))


@router.get("/performance", response_model=PerformanceOut, responses=error_responses(401, 422, 500, 503))
def performance(
    service: ServiceDep,
    bins: Annotated[
        int, Query(ge=2, le=50, description="Calibration bins (the model card's: 10 of equal client counts)")
    ] = CALIBRATION_BINS,
    points: Annotated[int, Query(ge=10, le=1000, description="Points of the ROC curve")] = 200,
) -> PerformanceOut:
    """Confusion matrix, ROC and calibration of the out-of-fold predictions at the production threshold."""
    return PerformanceOut.model_validate(performance_of(service, points, bins))
