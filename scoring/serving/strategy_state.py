"""The decision strategy as served: the active one of the product database, picked up without a restart.

Every API worker (and replica) asks the database for the active strategy's version at most every
`ttl_seconds` (one indexed query, made by the first request after the interval, never more often); when the
version changed it reads the row, validates it again and serves it from the next score on. A stored strategy
that no longer validates (a feature renamed, a reason code removed) is not served: the error is logged and
reported (`status`), and the strategy served until then stays. No active strategy: the bundle's single
threshold decides (`decide`, `Decision.at`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError

from scoring.db.strategies import active_strategy
from scoring.db.tables import strategies
from scoring.strategy.decide import decide as decide_rows
from scoring.strategy.definition import Strategy, StrategyError
from scoring.vocabulary import Decision

logger = logging.getLogger(__name__)
CHECK_WAIT_SECONDS = 1.0  # the longest a request waits for the database's answer on the strategy


@dataclass(frozen=True)
class ActiveStrategy:
    """A stored strategy in force: the validated strategy and its version in the database."""

    strategy: Strategy
    version: int

    @property
    def key(self) -> str:
        """Names what the strategy decides (its version and text), e.g. for serialised responses."""
        return f"v{self.version}-{self.strategy.sha256[:12]}"

    @property
    def reads_inputs(self) -> bool:
        """Whether a decision needs the application's fields and features (it has rules)."""
        return bool(self.strategy.rules)

    def describe(self) -> dict:
        """Name, version and cut-offs, as the API reports them."""
        s = self.strategy
        return {
            "name": s.name,
            "version": self.version,
            "accept_below": s.accept_below,
            "refuse_from": s.refuse_from,
        }


@dataclass(frozen=True)
class Decided:
    """A score's decision, the policy codes of the rules that fired, and the strategy that decided (None:
    the bundle's threshold)."""

    decision: Decision
    rules_fired: tuple[str, ...] = ()
    strategy: ActiveStrategy | None = None


def decide(
    active: ActiveStrategy | None, probability: float, threshold: float, fired: np.ndarray | None = None
) -> Decided:
    """The decision of one score: the strategy's (rules `fired`: one flag per rule, None when the strategy
    has none), else the threshold's."""
    if active is None:
        return Decided(Decision.at(probability, threshold))
    rules = len(active.strategy.rules)
    row = (
        np.zeros((1, rules), dtype=bool) if fired is None else np.asarray(fired, dtype=bool).reshape(1, rules)
    )
    decisions = decide_rows(active.strategy, np.array([probability]), row)
    return Decided(Decision(decisions.outcome[0]), tuple(decisions.reasons(0)), active)


class StrategyWatcher:
    """The active strategy of one process, checked against the database at most every `ttl_seconds`."""

    def __init__(
        self, engine: Engine, ttl_seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.engine = engine
        self.ttl_seconds = ttl_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._checked: float | None = None
        self._active: ActiveStrategy | None = None
        self._seen: int | None = None  # the active version last read, served or refused
        self.error: str | None = None

    def current(self) -> ActiveStrategy | None:
        """The strategy in force (None: the bundle's threshold), checked first when the interval is over.

        Only one thread checks at a time; the others keep the strategy in force meanwhile. The check runs
        beside the request, which waits for it at most `CHECK_WAIT_SECONDS` (the first check, at start, as
        long as it takes): a database that stops answering delays one response by that much, never blocks
        it; the check ends, or fails, on its own.
        """
        now = self._clock()
        first = self._checked is None
        due = first or now - self._checked >= self.ttl_seconds  # type: ignore[operator]
        if due and self._lock.acquire(blocking=first):
            checked = threading.Event()
            threading.Thread(target=self._check_then_release, args=(checked,), daemon=True).start()
            checked.wait(None if first else CHECK_WAIT_SECONDS)
        return self._active

    def _check_then_release(self, checked: threading.Event) -> None:
        try:
            self._check()
            self._checked = self._clock()
        finally:
            self._lock.release()
            checked.set()

    def status(self) -> dict:
        """What /ready reports: the strategy in force (name, version, cut-offs; null: the threshold) and
        the error of a stored strategy refused."""
        return {"active": None if self._active is None else self._active.describe(), "error": self.error}

    def _check(self) -> None:
        try:
            with self.engine.connect() as conn:
                version = conn.execute(select(strategies.c.version).where(strategies.c.active)).scalar()
        except SQLAlchemyError as exc:
            logger.warning("active strategy not checked (database: %s); the one in force stays", exc)
            return
        if version == self._seen:
            return
        self._seen = version
        if version is None:
            if self._active is not None:
                logger.info("no active strategy: the bundle's threshold decides")
            self._active, self.error = None, None
            return
        self._load()

    def _load(self) -> None:
        try:
            stored = active_strategy(self.engine)
            if stored is None:  # deactivated between the two queries: the next check sees it
                self._seen = None
                return
            strategy = stored.load()
        except StrategyError as exc:
            kept = "the bundle's threshold" if self._active is None else f"version {self._active.version}"
            self.error = f"strategy version {self._seen} is not valid, {kept} still decides: {exc}"
            logger.error("%s", self.error)
            return
        except SQLAlchemyError as exc:
            self._seen = None  # read it again at the next check
            logger.warning("active strategy not read (database: %s); the one in force stays", exc)
            return
        self._active, self.error = ActiveStrategy(strategy, stored.version), None
        logger.info("strategy %s version %d in force", strategy.name, stored.version)


def active_of(database_url: str) -> Strategy | None:
    """The active strategy of the product database at `database_url`, validated (a StrategyError when it
    does not validate); None: the bundle's threshold decides. For the batch command."""
    from scoring.db.engine import open_database

    engine = open_database(database_url)
    try:
        stored = active_strategy(engine)
        return None if stored is None else stored.load()
    finally:
        engine.dispose()
