"""SHAP contributions summed per reason code: exact, since every feature belongs to exactly one code.

The sum of a client's code contributions equals the sum of its feature contributions, that is the raw score
(log-odds) minus the base value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from scoring.explain.reason_codes import ReasonCatalogue


@dataclass(frozen=True)
class CodeGrouping:
    """The reason code of each model feature, as positions into `codes` (catalogue order)."""

    codes: tuple[str, ...]
    index: np.ndarray  # per feature: position of its code in `codes`
    member_positions: tuple[np.ndarray, ...]  # per code: positions of its features

    @classmethod
    def of(cls, catalogue: ReasonCatalogue, feature_names: Sequence[str]) -> CodeGrouping:
        """The grouping of a model's features; fails naming any feature without exactly one code."""
        codes = tuple(c.code for c in catalogue.codes)
        position = {code: i for i, code in enumerate(codes)}
        index = np.array([position[c] for c in catalogue.codes_of(feature_names)], dtype=np.int64)
        return cls(codes, index, tuple(np.flatnonzero(index == i) for i in range(len(codes))))

    def __len__(self) -> int:
        return len(self.codes)

    def one_hot(self) -> np.ndarray:
        """Features x codes matrix of 0/1: contributions @ one_hot sums them per code."""
        matrix = np.zeros((len(self.index), len(self.codes)))
        matrix[np.arange(len(self.index)), self.index] = 1.0
        return matrix

    def sum(self, contributions: np.ndarray) -> np.ndarray:
        """Per-code sums of one client's contributions (1-D) or of each row of a matrix (2-D)."""
        values = np.asarray(contributions, dtype=np.float64)
        if values.ndim == 1:
            return np.bincount(self.index, weights=values, minlength=len(self.codes))
        return values @ self.one_hot()


def code_importance(shap_values: np.ndarray, grouping: CodeGrouping) -> np.ndarray:
    """Global importance of each code: mean over clients of |sum of its features' SHAP values|."""
    return np.abs(grouping.sum(np.asarray(shap_values, dtype=np.float64))).mean(axis=0)
