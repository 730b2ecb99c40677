"""The FastAPI app: `create_app(settings)`; run it with `python -m api` (uvicorn).

Start-up migrates the product database when it answers, opens the prediction log's spool and starts its
shipper and the audit writer (without waiting for the database: the API serves while it is down, and the
shipper migrates and ships once it is back), then loads the bundle and the client store in a
background thread (/health answers at once, /ready once loaded); shutdown delivers what the database takes
within SCORING_LOG_SHUTDOWN_SECONDS and leaves the rest in the spool for the next start.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI

from api.audit_trail import AuditWriter
from api.docs import install_docs
from api.errors import install_error_handlers
from api.fast_path import StoredScoreFastPath
from api.identity import UserCache, current_user
from api.log_store import PredictionLog, spool_for, warn_other_spools
from api.middleware import RequestContextMiddleware
from api.preflight import RouteCORSMiddleware, schema_methods
from api.routes import (
    admin,
    analytics,
    applications,
    audit,
    auth,
    clients,
    decisions,
    explain,
    health,
    lifecycle,
    model,
    monitoring,
    notice,
    offers,
    outcomes,
    reason_codes,
    recourse,
    reports,
    score,
    strategies,
    users,
    worklist,
)
from api.security import require_api_key, require_dashboard_key
from api.settings import Settings
from api.state import AppState
from scoring.db.engine import WRITER_CACHE_MB, create_db_engine, try_upgrade

PREFIX = "/api/v1"
logger = logging.getLogger("api")


def _open_log(settings: Settings) -> AppState:
    """The app state with its prediction log (spool in the home's runtime folder) and a reader engine."""
    settings.runtime_dir()
    spool = spool_for(settings.paths.spool, settings.database_url)
    warn_other_spools(settings.paths.spool, spool)
    log = PredictionLog(
        settings.database_url,
        spool,
        flush_seconds=settings.log_flush_seconds,
        batch_rows=settings.log_batch_rows,
        write_timeout=settings.log_write_timeout,
        max_backoff=settings.log_max_backoff,
        retention_days=settings.log_retention_days,
        adopt=settings.paths.undelivered,
    )
    engine = create_db_engine(settings.database_url, timeout=5.0)
    try_upgrade(engine)
    return AppState(settings, engine, log)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    app.openapi()  # built at start: the declared query parameters and methods are read from it
    state = _open_log(settings)
    app.state.scoring = state
    app.state.log_writer = state.writer
    app.state.users = UserCache(state.engine, settings.user_cache_seconds)
    audit_engine = create_db_engine(settings.database_url, timeout=5.0, cache_mb=WRITER_CACHE_MB)
    auditor = AuditWriter(
        audit_engine,
        app.state.users,
        state.salt,
        spool_for(settings.paths.runtime / "audit_spool", settings.database_url),
        settings.log_flush_seconds,
        settings,
        adopt=settings.paths.audit_undelivered,
        hashes=state.hashes,
    )
    app.state.audit_writer = auditor
    state.writer.start()
    auditor.start()
    if settings.background_load:
        threading.Thread(target=state.load, name="load-model", daemon=True).start()
    else:
        state.load()
    try:
        yield
    finally:
        state.reloader.stop()
        left = state.writer.stop(settings.log_shutdown_seconds)
        auditor.stop(settings.log_shutdown_seconds)
        audit_engine.dispose()
        state.engine.dispose()
        logger.info(
            "prediction log: %d rows delivered by this worker, %d left in the spool",
            state.writer.shipped,
            left,
        )


def create_app(settings: Settings | None = None) -> FastAPI:
    """The API with its routes under /api/v1, security, error handlers and middleware."""
    settings = (settings or Settings()).resolved()
    app = FastAPI(
        title="Credit scoring API",
        version="1.0.0",
        description="Scores, explanations, similar clients and counter-offers for credit applications.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.settings = settings
    install_error_handlers(app)
    install_docs(app, settings)
    app.include_router(health.router, prefix=PREFIX)
    secured = [Depends(require_api_key), Depends(current_user)]  # the key first, then the session if any
    acting_for_users = (
        notice.router,
        decisions.router,
        auth.router,
        users.router,
        audit.router,
        strategies.router,
        worklist.router,
    )
    for router in (  # the scoring routes first: a request is matched against the routes in this order
        clients.router,
        recourse.router,
        offers.router,
        notice.router,
        score.router,
        model.router,
        explain.router,
        reason_codes.router,
        monitoring.router,
        reports.router,
        analytics.router,
        decisions.router,
        auth.router,
        users.router,
        audit.router,
        admin.router,
        outcomes.router,
        lifecycle.router,
        applications.router,
        strategies.router,
        worklist.router,
    ):
        dashboard_only = [Depends(require_dashboard_key)] if router in acting_for_users else []
        app.include_router(router, prefix=PREFIX, dependencies=secured + dashboard_only)
    score_route = next(r for r in clients.router.routes if r.endpoint is clients.client_score)
    app.add_middleware(  # one pass: request id, body limit, fast path, audit, headers, metrics, logs
        RequestContextMiddleware,
        prefix=PREFIX,
        max_body_bytes=settings.max_body_bytes,
        fast_path=StoredScoreFastPath(PREFIX, score_route),
    )
    app.add_middleware(
        RouteCORSMiddleware,
        methods_of=schema_methods(app),  # preflights answer with the route's own methods, as Allow does
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST"],
        allow_headers=["X-API-Key", "Authorization", "Content-Type", "X-Request-ID"],
        expose_headers=["X-Request-ID"],
    )
    return app
