"""Run the API with uvicorn: logging of the api/scoring loggers, multiprocess metrics for several workers."""

from __future__ import annotations

import copy
import logging
import os
import shutil
import sys
from pathlib import Path

import uvicorn
from uvicorn.config import LOGGING_CONFIG

from scoring.io import PRIVATE_DIR_MODE
from scoring.settings import ScoringSettings

# In-flight requests get this long after SIGTERM; compose's stop_grace_period exceeds it.
GRACEFUL_SHUTDOWN_SECONDS = 30


def log_config(access_log: bool) -> dict:
    """uvicorn's logging, plus the app's loggers (uvicorn's own access log is off: it shows raw paths)."""
    config = copy.deepcopy(LOGGING_CONFIG)
    for name in ("api", "scoring"):
        config["loggers"][name] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    config["loggers"]["api.access"] = {
        "handlers": ["default"],
        "level": "INFO" if access_log else "WARNING",
        "propagate": False,
    }
    return config


def first_admin_banner(password: str) -> str:
    """What the terminal shows, once, when the first start created the administrator's account."""
    return "\n".join(
        [
            "=" * 78,
            "First start: no account existed, so the administrator account was created.",
            "  user name: admin",
            f"  password:  {password}",
            "This password is shown only now and stored only hashed: keep it, or set another with",
            "  scoring users reset-password admin",
            "Sign in to the dashboard with it, then add the officers and analysts on its Users page, or:",
            "  scoring users add NAME --role officer     (or --role analyst, --role admin)",
            "=" * 78,
        ]
    )


def prepare_database() -> None:
    """Migrate the product database to the newest revision and, on a first start without any account,
    create `admin` with a random password printed once on the terminal. A database that does not answer
    delays both (the API serves meanwhile; the prediction log's shipper migrates once it is back)."""
    from sqlalchemy.exc import DBAPIError

    from api.settings import Settings
    from scoring.db.audit import Actor
    from scoring.db.engine import create_db_engine, try_upgrade
    from scoring.db.users import ensure_first_admin

    engine = create_db_engine(Settings().resolved().database_url, timeout=5.0)
    try:
        if not try_upgrade(engine):
            return
        password = ensure_first_admin(engine, Actor("system", source="api start"))
    except DBAPIError as error:  # e.g. a read-only SQLite file: the API serves, the next start retries
        logging.getLogger("api").warning("first administrator not checked: %s", type(error.orig).__name__)
        return
    finally:
        engine.dispose()
    if password:
        print(first_admin_banner(password), file=sys.stderr, flush=True)


def metrics_dir() -> Path:
    """The home's Prometheus multiprocess folder (data/runtime/metrics/, 0700), emptied: the counts of a
    previous run are not this run's."""
    folder = ScoringSettings().paths.metrics
    shutil.rmtree(folder, ignore_errors=True)
    ScoringSettings().runtime_dir()
    folder.mkdir(mode=PRIVATE_DIR_MODE)
    return folder


def check_start(host: str) -> None:
    """Exit (code 2, one message per problem, no traceback) when the settings must not serve on `host`:
    no API key on a non-loopback address, or a placeholder key (`api.security.start_problems`)."""
    from api.security import start_problems
    from api.settings import Settings

    settings = Settings()
    problems = start_problems(settings, host)
    if problems:
        print("\n".join(f"error: {problem}" for problem in problems), file=sys.stderr, flush=True)
        raise SystemExit(2)
    if not settings.accepted_keys():
        print(
            f"warning: no API key set: every route is open to callers reaching {host} (fine on your own "
            "machine; set SCORING_API_KEY before others can reach it)",
            file=sys.stderr,
        )


def serve(host: str, port: int, workers: int, access_log: bool = True) -> None:
    """Serve `api.main:create_app` until interrupted; shutdown flushes the prediction log.

    Several workers share one socket, and the kernel hands connections to any worker that accepts: so each
    worker loads the model before it accepts (no 503 from a worker still loading), unless
    SCORING_BACKGROUND_LOAD says otherwise. One worker (one per container behind a load balancer) accepts at
    once and answers /ready with 503 until it is loaded. The metrics folder of several workers is emptied
    again when the server stops. Settings that must not serve on `host` stop it first (`check_start`).
    X-Forwarded-For/-Proto are believed only from SCORING_TRUSTED_PROXY: the request's client is then the
    address the proxy forwards, which the audit trail records.
    """
    from api.settings import Settings

    check_start(host)
    prepare_database()
    proxies = Settings().trusted_proxy
    folder = None
    if workers > 1:
        os.environ.setdefault("SCORING_BACKGROUND_LOAD", "false")
        if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            folder = metrics_dir()
            os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
    try:
        uvicorn.run(
            "api.main:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            access_log=False,
            log_config=log_config(access_log),
            timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
            proxy_headers=bool(proxies),  # uvicorn's default would believe X-Forwarded-For from loopback
            forwarded_allow_ips=proxies or None,
        )
    finally:
        if folder is not None:
            for leftover in folder.iterdir():
                leftover.unlink(missing_ok=True)
