"""The decisions of one scoring service with the strategy in force, on every path.

`source()` names the strategy in force (None: the bundle's threshold; the API's is a `StrategyWatcher`).
Stored clients' rules are evaluated once per strategy for every client (`stored_rules`, then a row lookup);
posted applications and what-ifs evaluate them on their own fields and features. Rules reading the offer's
figures of the requested loan score each application again at its priced instalment (`at_loan`: the served
model on its model row, the loan-dependent features recomputed), as the offer does.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np

from scoring.offer.candidate_loans import ProbabilityOf
from scoring.serving.featurize import Featurizer, History
from scoring.serving.rule_inputs import posted_frame, stored_frame, what_if_frame
from scoring.serving.strategy_state import ActiveStrategy, Decided, decide
from scoring.strategy.decide import fired_pandas
from scoring.strategy.definition import Strategy

Source = Callable[[], ActiveStrategy | None]
# model rows and their columns by name -> the PD of each at another loan
AtLoan = Callable[[np.ndarray, Mapping[str, object]], ProbabilityOf]


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
        matrix: np.ndarray | None = None,
        at_loan: AtLoan | None = None,
    ) -> None:
        self.threshold = threshold
        self.probabilities = probabilities  # of the stored clients, in store order
        self.matrix = matrix  # their model rows, in store order
        self.at_loan = at_loan
        self.ids = ids
        self.featurizer = featurizer
        self.interim_dir = interim_dir
        self.features_path = features_path
        self.source: Source = _no_strategy
        self._stored: tuple[str, np.ndarray] | None = None
        self.lock = threading.Lock()

    def current(self) -> ActiveStrategy | None:
        return self.source()

    def _at_loan(
        self, strategy: Strategy, rows: Callable[[], np.ndarray], frame: Mapping[str, object]
    ) -> ProbabilityOf | None:
        """The PD of `frame`'s applications at another loan, when the rules read the offer's figures (their
        model rows given by `rows`)."""
        if self.at_loan is None or not strategy.offer_figures:
            return None
        return self.at_loan(rows(), frame)

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
                fired = self._stored_fired(active.strategy)
                found = self._stored = (active.key, fired)
        return found[1]

    def _stored_fired(self, strategy: Strategy) -> np.ndarray:
        if not strategy.rules:
            return np.zeros((len(self.ids), 0), dtype=bool)
        frame = stored_frame(strategy, self.ids, self.interim_dir, self._path())
        at_loan = self._at_loan(strategy, lambda: self.stored_matrix, frame)
        return fired_pandas(strategy, frame, self.probabilities, at_loan)

    @property
    def stored_matrix(self) -> np.ndarray:
        if self.matrix is None:
            raise ValueError("the decider has no stored model rows: the offer's figures cannot be scored")
        return self.matrix

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
        at_loan = self._at_loan(
            active.strategy, lambda: self.featurizer.vectors(applications, histories), frame
        )
        fired = fired_pandas(active.strategy, frame, probabilities, at_loan)
        return [decide(active, float(p), self.threshold, fired[i]) for i, p in enumerate(probabilities)]

    def what_if(
        self,
        probability: float,
        application: Mapping[str, object],
        client_id: int,
        rows: Callable[[], np.ndarray],
        active: ActiveStrategy | None,
    ) -> Decided:
        """The decision of a stored client rescored with changed fields (`rows`: its changed model row, one
        row of a matrix, asked for only when the rules read the offer's figures)."""
        if active is None or not active.reads_inputs:
            return decide(active, probability, self.threshold)
        frame = what_if_frame(active.strategy, self.featurizer, application, client_id, self._path())
        at_loan = self._at_loan(active.strategy, rows, frame)
        fired = fired_pandas(active.strategy, frame, [probability], at_loan)
        return decide(active, probability, self.threshold, fired[0])
