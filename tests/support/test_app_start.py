"""The cheap app start of the tests: a new database is a migrated copy; an existing one is left as it is; the
OpenAPI document built once per set of routes is FastAPI's own, a copy per app."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import fastapi.applications
from fastapi import APIRouter, Depends, FastAPI
from fastapi.openapi.utils import get_openapi

import api.state
from scoring.db.engine import create_db_engine, current_revision, head_revision
from tests.support.app_start import NO_FREEZE, migrated_copy, shared_openapi


def test_a_new_database_starts_at_the_newest_revision(tmp_path: Path) -> None:
    database = migrated_copy(tmp_path / "product.db")
    engine = create_db_engine(f"sqlite:///{database}")
    try:
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_an_existing_database_or_a_missing_folder_is_left_alone(tmp_path: Path) -> None:
    existing = tmp_path / "legacy.db"
    sqlite3.connect(existing).close()
    before = existing.read_bytes()
    assert migrated_copy(existing).read_bytes() == before
    assert not migrated_copy(tmp_path / "down" / "product.db").exists()


def test_the_api_state_of_a_test_process_skips_the_full_collection() -> None:
    assert api.state.gc is NO_FREEZE  # tests/conftest.py's cheap_app_start
    assert NO_FREEZE.collect() == 0


def _listed() -> None:
    """A dependency the router is included with."""


ITEMS = APIRouter()


@ITEMS.get("/items/{item_id}", tags=["items"])
def read_item(item_id: int, q: str | None = None) -> dict[str, int]:
    return {"item_id": item_id}


def _app(*extra: str) -> FastAPI:
    app = FastAPI(title="t", version="1")
    app.include_router(ITEMS, prefix="/v1", dependencies=[Depends(_listed)])
    for path in extra:
        app.add_api_route(path, read_item, methods=["POST"])
    return app


def _fastapis_own(app: FastAPI) -> dict:
    return get_openapi(title=app.title, version=app.version, routes=app.routes)


def test_the_shared_document_is_fastapis_own_a_copy_per_app() -> None:
    assert fastapi.applications.get_openapi is shared_openapi()  # tests/conftest.py's cheap_app_start
    first, second = _app(), _app()
    assert first.openapi() == second.openapi() == _fastapis_own(first)
    first.openapi()["paths"].clear()  # an app edits its own copy (api.schema_security)
    third = _app()
    assert third.openapi() == _fastapis_own(third) and "/v1/items/{item_id}" in third.openapi()["paths"]


def test_other_routes_or_another_prefix_get_a_document_of_their_own() -> None:
    plain = _app().openapi()
    more = _app("/more/{item_id}")
    assert more.openapi() == _fastapis_own(more) and set(more.openapi()["paths"]) == {
        *plain["paths"],
        "/more/{item_id}",
    }
    moved = FastAPI(title="t", version="1")
    moved.include_router(ITEMS, prefix="/v2")
    assert set(moved.openapi()["paths"]) == {"/v2/items/{item_id}"}
