"""What makes an app start cheap in a test process, without changing what the app does for the test.

- `migrated_copy`: a new SQLite product database starts as a copy of one migrated once per process (the
  migrations themselves are tested in tests/db on SQLite and PostgreSQL); the app's start-up still runs
  `try_upgrade`, which finds the schema at head.
- `NO_FREEZE`: `api.state` moves the loaded service out of the collector's way (`gc.freeze` after a full
  `gc.collect`, an unfreeze first). In a test process holding every module of the suite that full collection
  walks ~800,000 objects at each start (about 0.5 s of CPU); tests/conftest.py gives `api.state` this
  stand-in (the freeze itself is tested in a process of its own, tests/delivery/test_clean_stop.py).
- `shared_openapi`: the API builds its OpenAPI document when it starts (it reads the declared query
  parameters and the allowed methods from it): ~0.7 s of CPU per app, paid again by every fresh app of the
  tests. FastAPI's `get_openapi` is deterministic in its arguments and the routes'
  definitions, so the test process builds it once per set of routes (the routes' objects, effective paths,
  methods, dependencies and tags, and the document's arguments) and gives each app a copy of its own (the app
  edits its copy: `api.schema_security`). An app with other routes (a test's own) gets a document of its own.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import types
from collections.abc import Callable, Hashable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import orjson

NO_FREEZE = types.SimpleNamespace(collect=lambda *args: 0, freeze=lambda: None, unfreeze=lambda: None)


@cache
def _template() -> Path:
    """An SQLite database at the newest revision, built once per process."""
    from scoring.db.engine import create_db_engine, upgrade

    folder = Path(tempfile.mkdtemp(prefix="migrated-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    database = folder / "product.db"
    engine = create_db_engine(f"sqlite:///{database}")
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    return database


def migrated_copy(database: Path) -> Path:
    """`database`, a copy of the migrated template when it does not exist yet and its folder does."""
    if database.parent.is_dir() and not database.exists():
        shutil.copyfile(_template(), database)
    return database


def _route_key(context: Any) -> tuple[Hashable, list[object]]:
    """What the OpenAPI document reads of a route (a `fastapi.routing.RouteContext`), its objects by identity;
    and those objects (kept alive with the document, so that no other object takes their identity)."""
    objects = [context.original_route, *(d.dependency for d in getattr(context, "dependencies", ()) or ())]
    key = (
        tuple(map(id, objects)),
        context.path,
        frozenset(context.methods or ()),
        tuple(getattr(context, "tags", ()) or ()),
    )
    return key, objects


def _schema_routes(routes: Sequence[Any]) -> list[tuple[Hashable, list[object]]]:
    """The routes the document lists (the others, such as an app's own /docs, are not read)."""
    from fastapi import routing

    contexts = routing.iter_route_contexts(routes)
    return [_route_key(c) for c in contexts if getattr(c, "include_in_schema", False)]


@cache
def shared_openapi() -> Callable[..., dict[str, Any]]:
    """FastAPI's `get_openapi`, built once per process for each set of routes and arguments (a copy each
    call)."""
    from fastapi.openapi.utils import get_openapi as build

    documents: dict[Hashable, tuple[bytes, list[object]]] = {}

    def get_openapi(*, routes: Sequence[Any], webhooks: Sequence[Any] | None = None, **kwargs: Any) -> dict:
        listed = _schema_routes(routes) + [
            (("webhook", key), kept) for key, kept in _schema_routes(webhooks or [])
        ]
        key = (tuple(k for k, _ in listed), orjson.dumps(kwargs, option=orjson.OPT_SORT_KEYS))
        if key not in documents:
            document = build(routes=routes, webhooks=webhooks, **kwargs)
            documents[key] = (orjson.dumps(document), [o for _, kept in listed for o in kept])
        return orjson.loads(documents[key][0])

    return get_openapi
