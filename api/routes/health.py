"""Probes and metrics: no API key needed."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from api.deps import StateDep
from api.errors import error_responses
from api.prometheus import exposition
from api.schemas.scores import Health, Readiness

router = APIRouter(tags=["operations"])


@router.get("/health", response_model=Health, responses=error_responses(500))
async def health() -> Health:
    """Liveness: the process answers."""
    return Health()


@router.get("/ready", response_model=Readiness, responses={503: {"model": Readiness}, **error_responses(500)})
async def ready(state: StateDep) -> Response:
    """Readiness: 200 once the model bundle and the client store are loaded, else 503 (with the reason)."""
    service = state.service
    if service is not None:
        active = state.strategies.current()
        body = Readiness(
            status="ready",
            model_version=service.scorer.version,
            clients=len(service.store),
            explanations=service.explanations.status,
            strategy=None if active is None else active.describe(),
            strategy_error=state.strategies.error,
        )
        return JSONResponse(body.model_dump())
    body = Readiness(status="failed" if state.error else "loading", detail=state.error)
    return JSONResponse(body.model_dump(), status_code=503)


@router.get(
    "/metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}, **error_responses(500)},
)
async def prometheus_metrics() -> Response:
    """Prometheus metrics: request counts and latency by route, decisions, score distribution."""
    payload, content_type = exposition()
    return Response(payload, media_type=content_type)
