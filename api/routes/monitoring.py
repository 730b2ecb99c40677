"""Operations summary from the prediction log, for the dashboard's Operations page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import StateDep
from api.errors import error_responses
from api.schemas.model import BucketOut, MonitoringOut
from api.times import IsoDateTime, utc_naive
from scoring.monitoring.fairness_trend import fairness_trend, store_groups
from scoring.serving.monitoring import BUCKET, summarise
from scoring.serving.prediction_log import read_predictions, read_requests

router = APIRouter(prefix="/monitoring", tags=["operations"])


@router.get("/summary", response_model=MonitoringOut, responses=error_responses(401, 422, 500))
def monitoring_summary(
    state: StateDep,
    since: Annotated[
        IsoDateTime, Query(description="Start (ISO 8601 date or date-time; default: 24 h before until)")
    ] = None,
    until: Annotated[IsoDateTime, Query(description="End, excluded (ISO 8601; default: now)")] = None,
    bucket: Annotated[
        str, Query(pattern=BUCKET.pattern, description="Bucket length: 30s, 5m, 1h, 1d...")
    ] = "1h",
) -> MonitoringOut:
    """Per bucket: requests, errors by status, latency p50/p95/p99, scores, refusal rate, mean probability;
    per month: approval rates and ratios by sex and age band (`fairness`).

    Times are UTC; the window [since, until) is empty (no bucket) when since is not before until.
    """
    end = utc_naive(until) if until else datetime.now(UTC).replace(tzinfo=None)
    day_before = end - timedelta(days=1) if end - datetime.min > timedelta(days=1) else datetime.min
    start = utc_naive(since) if since else day_before
    state.writer.flush()
    predictions = read_predictions(state.engine, start, end, with_features=True)
    rows = summarise(read_requests(state.engine, start, end), predictions, bucket)
    fairness = fairness_trend(predictions, store_groups(state.settings.features_path, state.salt))
    buckets = [BucketOut(**{**r, "start": r["start"].replace(tzinfo=UTC)}) for r in rows]
    return MonitoringOut(
        since=start.replace(tzinfo=UTC),
        until=end.replace(tzinfo=UTC),
        bucket=bucket,
        buckets=buckets,
        fairness=fairness,
    )
