"""Operations summary from the prediction log, and the outcomes analysis by vintage and the calibration watch
(analysts), for the dashboard's Operations page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.deps import StateDep
from api.errors import error_responses
from api.identity import Analyst
from api.schemas.model import BucketOut, MonitoringOut
from api.schemas.vintages import CalibrationOut, VintagesOut
from api.times import IsoDateTime, utc_naive
from scoring.monitoring.calibration_watch import calibration_watch
from scoring.monitoring.fairness_trend import fairness_trend, store_groups
from scoring.monitoring.outcomes import labelled_scores
from scoring.monitoring.vintages import vintages
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


def _score_window(
    since: Annotated[IsoDateTime, Query(description="First score time (ISO 8601; default: all)")] = None,
    until: Annotated[IsoDateTime, Query(description="Last score time, excluded (ISO 8601)")] = None,
) -> tuple[datetime | None, datetime | None]:
    """The window of score times asked for, as the log stores them (UTC, naive)."""
    return (utc_naive(since) if since else None), (utc_naive(until) if until else None)


ScoreWindow = Annotated[tuple[datetime | None, datetime | None], Depends(_score_window)]


@router.get("/vintages", response_model=VintagesOut, responses=error_responses(401, 403, 422, 500))
def vintage_curves(state: StateDep, _user: Analyst, window: ScoreWindow) -> VintagesOut:
    """Labelled clients (`scoring labels`) by month of the score (vintage) and risk grade: realised default
    rate with its 95 % Wilson interval against the mean probability of default given."""
    state.writer.flush()
    return VintagesOut(**vintages(labelled_scores(state.engine, *window)))


@router.get("/calibration", response_model=CalibrationOut, responses=error_responses(401, 403, 422, 500))
def calibration(state: StateDep, _user: Analyst, window: ScoreWindow) -> CalibrationOut:
    """Realised default rate against the mean PD with a Wilson interval and the ECE, per month of the score
    and, over the recent window, per segment (scoring/drift/segments.json); `flagged` with a suggested
    prior-shift recalibration when the recent window's rate moves beyond its interval."""
    state.writer.flush()
    labelled = labelled_scores(state.engine, *window, with_features=True)
    return CalibrationOut(**calibration_watch(labelled))
