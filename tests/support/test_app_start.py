"""The cheap app start of the tests: a new database is a migrated copy; an existing one is left as it is."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import api.state
from scoring.db.engine import create_db_engine, current_revision, head_revision
from tests.support.app_start import NO_FREEZE, migrated_copy


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
