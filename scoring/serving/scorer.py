"""The model as served: calibrated probabilities, decisions and contributions of feature rows (model order).

Rows are numpy float32 arrays in model order (as the model was trained): no DataFrame per request. Every
probability goes through the bundle's one calibrated path (``Bundle.predict_proba``); contributions stay in
log-odds of the raw model. The model predicts on one thread: the API serves requests in parallel instead.
"""

from __future__ import annotations

import numpy as np

from scoring.modeling.bundle import Bundle, Contributions
from scoring.vocabulary import Decision


class Scorer:
    """A loaded bundle with what serving needs: feature order and labels, threshold, base value."""

    def __init__(self, bundle: Bundle) -> None:
        self.bundle = bundle
        self.version = bundle.version
        self.kind = bundle.kind
        self.threshold = bundle.threshold
        self.feature_names = bundle.feature_names
        self.names = np.array(self.feature_names, dtype=object)
        self.features = bundle.features
        self.position = {name: i for i, name in enumerate(self.feature_names)}
        self.base_value = bundle.base_value
        self.base_probability = float(self.calibrate(np.array([self.base_value]))[0])

    def predict(self, X: np.ndarray, threads: int = 1) -> np.ndarray:
        """Calibrated probability of default of each row."""
        return np.asarray(self.bundle.predict_proba(X, threads), dtype=np.float64)

    def raw_score(self, X: np.ndarray, threads: int = 1) -> np.ndarray:
        """Raw score (log-odds of the uncalibrated model) of each row."""
        return self.bundle.raw_score(X, threads)

    def calibrate(self, raw: np.ndarray) -> np.ndarray:
        """Calibrated probability of raw scores (the end points of an explanation)."""
        return np.asarray(self.bundle.calibrate(raw), dtype=np.float64)

    def contributions(self, X: np.ndarray) -> Contributions:
        """Contributions (rows x features, log-odds of the raw model) and the base value, from the bundle."""
        return self.bundle.contributions(X)

    def decision(self, probability: float) -> Decision:
        """Refuse when the probability of default reaches the threshold, else accept."""
        return Decision.at(probability, self.threshold)

    def warm_up(self, row: np.ndarray) -> None:
        """One prediction and one explanation, so the first request pays no first-call cost."""
        self.predict(row)
        self.contributions(row)
