"""Operations summary from the prediction log, for the dashboard's Operations page."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BeforeValidator

from api.deps import StateDep
from api.errors import error_responses
from api.schemas import BucketOut, MonitoringOut
from scoring.serving.monitoring import BUCKET, summarise
from scoring.serving.prediction_log import read_predictions, read_requests

router = APIRouter(prefix="/monitoring", tags=["operations"])


def _utc_naive(moment: datetime) -> datetime:
    """A moment as naive UTC (naive input is taken as UTC), clamped to datetime's range."""
    try:
        return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
    except OverflowError:
        return datetime.max if moment.year > 1 else datetime.min


UNIX_TIME = re.compile(r"[+-]?[0-9]+(\.[0-9]*)?([eE][+-]?[0-9]+)?")


def _iso_only(value: object) -> object:
    """Refuse Unix timestamps ("1700000000"): the schema promises ISO 8601 dates and date-times."""
    if isinstance(value, str) and UNIX_TIME.fullmatch(value.strip()):
        raise ValueError("must be an ISO 8601 date or date-time, e.g. 2024-01-31 or 2024-01-31T12:00:00Z")
    return value


IsoDateTime = Annotated[datetime | None, BeforeValidator(_iso_only)]


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
    """Per bucket: requests, errors by status, latency p50/p95/p99, scores, refusal rate, mean probability.

    Times are UTC; the window [since, until) is empty (no bucket) when since is not before until.
    """
    end = _utc_naive(until) if until else datetime.now(UTC).replace(tzinfo=None)
    day_before = end - timedelta(days=1) if end - datetime.min > timedelta(days=1) else datetime.min
    start = _utc_naive(since) if since else day_before
    state.writer.flush()
    rows = summarise(
        read_requests(state.engine, start, end), read_predictions(state.engine, start, end), bucket
    )
    buckets = [BucketOut(**{**r, "start": r["start"].replace(tzinfo=UTC)}) for r in rows]
    return MonitoringOut(
        since=start.replace(tzinfo=UTC), until=end.replace(tzinfo=UTC), bucket=bucket, buckets=buckets
    )
