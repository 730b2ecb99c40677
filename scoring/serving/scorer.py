"""The model as served: probabilities, decisions and SHAP contributions from feature rows in model order.

Rows are numpy float32 arrays in model order (as the model was trained): no DataFrame per request. The
booster predicts on one thread: the API serves requests in parallel instead.
"""

from __future__ import annotations

import numpy as np

from scoring.features.feature import ModelFeature
from scoring.modeling.bundle import Bundle, Contributions
from scoring.vocabulary import Decision


class Scorer:
    """A loaded bundle with what serving needs: feature order and labels, threshold, base value."""

    def __init__(self, bundle: Bundle) -> None:
        self.bundle = bundle
        self.booster = bundle.booster
        self.version = bundle.version
        self.threshold = bundle.threshold
        self.feature_names = bundle.feature_names
        self.names = np.array(self.feature_names, dtype=object)
        self.features = [ModelFeature.from_metadata(f) for f in bundle.metadata["features"]]
        self.position = {name: i for i, name in enumerate(self.feature_names)}
        self.base_value = bundle.base_value

    def predict(self, X: np.ndarray, threads: int = 1) -> np.ndarray:
        """Probability of default of each row."""
        return np.asarray(self.booster.predict(X, num_threads=threads), dtype=np.float64)

    def raw_score(self, X: np.ndarray, threads: int = 1) -> np.ndarray:
        """Raw score (log-odds) of each row."""
        return np.asarray(self.booster.predict(X, raw_score=True, num_threads=threads), dtype=np.float64)

    def contributions(self, X: np.ndarray) -> Contributions:
        """SHAP contributions (rows x features, log-odds) and the base value, from the bundle (one thread)."""
        return self.bundle.contributions(X)

    def decision(self, probability: float) -> Decision:
        """Refuse when the probability of default reaches the threshold, else accept."""
        return Decision.at(probability, self.threshold)

    def warm_up(self, row: np.ndarray) -> None:
        """One prediction and one explanation, so the first request pays no first-call cost."""
        self.predict(row)
        self.contributions(row)
