"""The decisions of one scoring service with the strategy in force, on every path.

`source()` names the strategy in force (None: the bundle's threshold; the API's is a `StrategyWatcher`).
Stored clients' rules are evaluated once per strategy for every client (`stored_fired`, then a row lookup);
posted applications and what-ifs evaluate them on their own fields and features.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np

from scoring.serving.featurize import Featurizer, History
from scoring.serving.rule_inputs import posted_frame, stored_fired, what_if_frame
from scoring.serving.strategy_state import ActiveStrategy, Decided, decide
from scoring.strategy.decide import fired_pandas

Source = Callable[[], ActiveStrategy | None]


def _no_strategy() -> ActiveStrategy | None:
    return None


class Decider:
    """Decides a service's scores: accept, refer or refuse, with the rules that fired."""

    def __init__(
        self,
        threshold: float,
        ids: np.ndarray,
        featurizer: Featurizer,
        interim_dir: Path,
        features_path: Path | None,
        probabilities: np.ndarray | None = None,
    ) -> None:
        self.threshold = threshold
        self.probabilities = probabilities  # of the stored clients, in store order
        self.ids = ids
        self.featurizer = featurizer
        self.interim_dir = interim_dir
        self.features_path = features_path
        self.source: Source = _no_strategy
        self._stored: tuple[str, np.ndarray] | None = None
        self.lock = threading.Lock()

    def current(self) -> ActiveStrategy | None:
        return self.source()

    def _path(self) -> Path:
        if self.features_path is None:
            raise ValueError("the service has no features file: the strategy's rules cannot be read")
        return self.features_path

    def stored_rules(self, active: ActiveStrategy) -> np.ndarray:
        """Which rule fires on which stored client (rows x rules), computed once per strategy."""
        found = self._stored
        if found is not None and found[0] == active.key:
            return found[1]
        with self.lock:
            found = self._stored
            if found is None or found[0] != active.key:
                fired = stored_fired(
                    active.strategy, self.ids, self.interim_dir, self._path(), self.probabilities
                )
                found = self._stored = (active.key, fired)
        return found[1]

    def stored(self, row: int, probability: float, active: ActiveStrategy | None) -> Decided:
        """A stored client's decision."""
        if active is None or not active.reads_inputs:
            return decide(active, probability, self.threshold)
        return decide(active, probability, self.threshold, self.stored_rules(active)[row])

    def posted(
        self,
        probabilities: Sequence[float],
        applications: Sequence[Mapping[str, object]],
        histories: Sequence[History | None],
        active: ActiveStrategy | None,
    ) -> list[Decided]:
        """The decisions of posted applications (their fields and computed features)."""
        if active is None or not active.reads_inputs:
            return [decide(active, float(p), self.threshold) for p in probabilities]
        frame = posted_frame(active.strategy, self.featurizer, applications, histories)
        fired = fired_pandas(active.strategy, frame, probabilities)
        return [decide(active, float(p), self.threshold, fired[i]) for i, p in enumerate(probabilities)]

    def what_if(
        self,
        probability: float,
        application: Mapping[str, object],
        client_id: int,
        active: ActiveStrategy | None,
    ) -> Decided:
        """The decision of a stored client rescored with changed fields."""
        if active is None or not active.reads_inputs:
            return decide(active, probability, self.threshold)
        frame = what_if_frame(active.strategy, self.featurizer, application, client_id, self._path())
        fired = fired_pandas(active.strategy, frame, [probability])
        return decide(active, probability, self.threshold, fired[0])
