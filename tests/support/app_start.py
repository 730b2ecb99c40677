"""What makes an app start cheap in a test process, without changing what the app does for the test.

- `migrated_copy`: a new SQLite product database starts as a copy of one migrated once per process (the
  migrations themselves are tested in tests/db on SQLite and PostgreSQL); the app's start-up still runs
  `try_upgrade`, which finds the schema at head.
- `NO_FREEZE`: `api.state` moves the loaded service out of the collector's way (`gc.freeze` after a full
  `gc.collect`, an unfreeze first). In a test process holding every module of the suite that full collection
  walks ~800,000 objects at each start (about 0.5 s of CPU); tests/conftest.py gives `api.state` this
  stand-in (the freeze itself is tested in a process of its own, tests/delivery/test_clean_stop.py).
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import types
from functools import cache
from pathlib import Path

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
