"""Outcomes analysis for the Operations page: known outcomes joined to the prediction log, by month."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import StateDep
from api.errors import error_responses
from api.schemas.monitoring import CohortOut, OutcomesOut
from api.times import IsoDateTime, utc_naive
from scoring.monitoring.outcomes import outcome_cohorts

router = APIRouter(prefix="/monitoring", tags=["operations"])


@router.get("/outcomes", response_model=OutcomesOut, responses=error_responses(401, 422, 500))
def outcomes(
    state: StateDep,
    since: Annotated[IsoDateTime, Query(description="First score time (ISO 8601; default: all)")] = None,
    until: Annotated[IsoDateTime, Query(description="Last score time, excluded (ISO 8601)")] = None,
) -> OutcomesOut:
    """Per calendar month of the score: applicants, clients with a known outcome, realised default rate
    against the mean probability of default given, realised AUC (outcomes loaded by `scoring labels`)."""
    start = utc_naive(since) if since else None
    end = utc_naive(until) if until else None
    state.writer.flush()
    result = outcome_cohorts(state.engine, start, end)
    return OutcomesOut(
        since=start.isoformat() if start else None,
        until=end.isoformat() if end else None,
        applicants=result["applicants"],
        labelled=result["labelled"],
        default_rate=result["default_rate"],
        mean_probability=result["mean_probability"],
        auc=result["auc"],
        cohorts=[CohortOut(**c) for c in result["cohorts"]],
    )
