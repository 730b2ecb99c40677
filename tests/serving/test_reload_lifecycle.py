"""The model reloader's life cycle: a worker that stops while its model is still loading starts no watcher."""

from __future__ import annotations

import threading
from pathlib import Path

from scoring.home import Paths
from scoring.serving.reload import ModelReloader


def _reloader(home: Path) -> ModelReloader[str]:
    return ModelReloader(Paths(home), load=lambda version: "service", install=lambda s: None, version_of=str)


def _watchers() -> int:
    return sum(t.name == "model-reloader" and t.is_alive() for t in threading.enumerate())


def test_a_model_loaded_after_the_stop_starts_no_watcher(tmp_path: Path) -> None:
    before = _watchers()
    reloader = _reloader(tmp_path)
    reloader.stop()  # the worker shuts down before the background load is over
    reloader.started("v1")
    assert _watchers() == before and reloader.version is None
    assert not list(Paths(tmp_path).workers.glob("*.json"))  # no status of a worker that is gone


def test_started_then_stopped_leaves_no_watcher_and_no_status(tmp_path: Path) -> None:
    before = _watchers()
    reloader = _reloader(tmp_path)
    reloader.started("v1")
    assert _watchers() == before + 1 and reloader.version == "v1"
    assert len(list(Paths(tmp_path).workers.glob("*.json"))) == 1
    reloader.stop()
    assert _watchers() == before and not list(Paths(tmp_path).workers.glob("*.json"))
