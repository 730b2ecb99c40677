"""The strategy in force is checked beside the request: a database that stops answering never blocks one."""

from __future__ import annotations

import threading
import time
from importlib import resources
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from scoring.db.audit import Actor
from scoring.db.engine import open_database
from scoring.db.strategies import activate
from scoring.serving.strategy_state import StrategyWatcher
from scoring.strategy.definition import load_strategy

ACTOR = Actor("cli:test", source="cli")
DEMO = resources.files("scoring.strategy").joinpath("examples/demo.yaml").read_text("utf-8")


class Hung:
    """An engine whose connections never answer until released."""

    def __init__(self) -> None:
        self.released = threading.Event()
        self.calls = 0

    def connect(self) -> object:
        self.calls += 1
        self.released.wait()
        raise OperationalError("SELECT version", {}, TimeoutError("the database came back too late"))


def _answers(function: object) -> object:
    """The value of `function()`, failing if it does not come back (a generous bound: no timing claim)."""
    found: list[object] = []
    thread = threading.Thread(target=lambda: found.append(function()), daemon=True)
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive(), "the request was blocked by the database"
    return found[0]


def test_a_hung_database_keeps_the_strategy_in_force_without_blocking(tmp_path: Path) -> None:
    engine: Engine = open_database(f"sqlite:///{tmp_path / 'product.db'}")
    activate(engine, load_strategy(DEMO), "analyst", ACTOR)
    watcher = StrategyWatcher(engine, ttl_seconds=0)
    first = watcher.current()
    assert first is not None and first.strategy.name == "demo"  # the first check waits for its answer
    hung = Hung()
    watcher.engine = hung  # type: ignore[assignment]
    try:
        assert _answers(watcher.current) is first  # the check hangs beside the request, which goes on
        assert _answers(watcher.current) is first
        assert hung.calls == 1  # one check at a time: the others keep the strategy in force meanwhile
    finally:
        hung.released.set()
    released = watcher._lock.acquire(timeout=30)  # the hung check ends (here: fails) and lets go
    assert released
    watcher._lock.release()
    watcher.engine = engine
    activate(engine, load_strategy(DEMO.replace("name: demo", "name: demo-2")), "analyst", ACTOR)
    for _ in range(300):  # the checks run again against the database: the new version is served
        if _answers(watcher.current).strategy.name == "demo-2":
            break
        time.sleep(0.01)
    assert watcher.current().strategy.name == "demo-2"
