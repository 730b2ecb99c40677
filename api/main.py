"""The FastAPI app: `create_app(settings)`; run it with `python -m api` (uvicorn).

Start-up opens the prediction log and its writer, then loads the bundle and the client store in a
background thread (/health answers at once, /ready once loaded); shutdown writes every queued log row.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from sqlalchemy.engine import make_url

from api.deps import reject_unknown_query
from api.errors import install_error_handlers
from api.fast_path import StoredScoreFastPath
from api.log_store import LogWriter
from api.middleware import RequestContextMiddleware
from api.routes import (
    analytics,
    applications,
    clients,
    explain,
    health,
    model,
    monitoring,
    reports,
    score,
)
from api.security import require_api_key
from api.settings import Settings
from api.state import AppState
from scoring.io import PRIVATE_DIR_MODE
from scoring.serving.prediction_log import open_log

PREFIX = "/api/v1"
logger = logging.getLogger("api")


def _open_log(settings: Settings) -> tuple[AppState, LogWriter]:
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database:
        Path(url.database).parent.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    engine = open_log(settings.database_url)
    writer = LogWriter(engine, settings.paths.undelivered, settings.log_flush_seconds)
    return AppState(settings, engine, writer), writer


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    state, writer = _open_log(settings)
    app.state.scoring = state
    app.state.log_writer = writer
    writer.start()
    if settings.background_load:
        threading.Thread(target=state.load, name="load-model", daemon=True).start()
    else:
        state.load()
    try:
        yield
    finally:
        writer.stop()
        state.engine.dispose()
        logger.info("prediction log flushed: %d rows written by this worker", writer.written)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The API with its routes under /api/v1, security, error handlers and middleware."""
    settings = (settings or Settings()).resolved()
    app = FastAPI(
        title="Credit scoring API",
        version="1.0.0",
        description="Scores, explanations, similar clients and counter-offers for credit applications.",
        lifespan=lifespan,
        max_body_size=settings.max_body_bytes,
        telemetry={"tracing": False, "metrics": False, "logs": False},
        dependencies=[Depends(reject_unknown_query)],
    )
    app.state.settings = settings
    install_error_handlers(app)
    app.include_router(health.router, prefix=PREFIX)
    secured = [Depends(require_api_key)]
    for router in (  # the scoring routes first: a request is matched against the routes in this order
        clients.router,
        score.router,
        model.router,
        explain.router,
        monitoring.router,
        reports.router,
        analytics.router,
        applications.router,
    ):
        app.include_router(router, prefix=PREFIX, dependencies=secured)
    score_route = next(r for r in clients.router.routes if r.endpoint is clients.client_score)
    app.add_middleware(StoredScoreFastPath, prefix=PREFIX, route=score_route)  # inside the request context
    app.add_middleware(RequestContextMiddleware, prefix=PREFIX)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST"],
        allow_headers=["X-API-Key", "Content-Type", "X-Request-ID"],
        expose_headers=["X-Request-ID"],
    )
    return app
