"""What the prediction log keeps of a model input: the minimised vector, as the policy file says.

`log_privacy.json` (data, not code) names how many features are kept (the model's most important by mean
|SHAP|, enough for drift), the direct identifiers and the features they can be recovered from (never stored),
and the coarse bands kept instead (age in 5-year bands, income to one significant digit: the band's lower
bound). Band columns have names that are not model features, so drift never compares them with exact values.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from scoring.serving.prediction_log import encode_features

POLICY_FILE = Path(__file__).with_name("log_privacy.json")


@cache
def policy() -> dict:
    """The log's privacy policy (read once)."""
    return json.loads(POLICY_FILE.read_text())


def identifiers() -> frozenset[str]:
    """Model features the log never stores: direct identifiers and what they can be recovered from."""
    return frozenset(policy()["identifiers"])


@dataclass(frozen=True)
class Band:
    """A coarse column computed from one model feature: floor(value * scale / step) * step, or the value
    floored to `significant` digits."""

    name: str
    source: int
    scale: float = 1.0
    step: float | None = None
    significant: int | None = None

    def of(self, value: float) -> float:
        x = value * self.scale
        if not math.isfinite(x):
            return math.nan
        if self.step is not None:
            return math.floor(x / self.step) * self.step
        if x == 0 or self.significant is None:
            return x
        unit = 10.0 ** (math.floor(math.log10(abs(x))) - self.significant + 1)
        return math.floor(x / unit) * unit


@dataclass(frozen=True)
class LogVector:
    """Which values of a model input the log stores, in which order (`names`), and how to encode them."""

    names: tuple[str, ...]
    columns: np.ndarray
    bands: tuple[Band, ...]

    @classmethod
    def for_model(
        cls, feature_names: Sequence[str], importance: Sequence[Mapping], rules: Mapping | None = None
    ) -> LogVector:
        """The top features by mean |SHAP| (`importance.json` rows) minus identifiers, then the bands."""
        rules = rules or policy()
        position = {name: i for i, name in enumerate(feature_names)}
        hidden = set(rules["identifiers"])
        ranked = [row["feature"] for row in importance if row["feature"] in position]
        ranked += [name for name in feature_names if name not in set(ranked)]
        kept = [name for name in ranked if name not in hidden][: int(rules["features"])]
        bands = tuple(
            Band(
                name,
                position[rule["from"]],
                rule.get("scale", 1.0),
                rule.get("step"),
                rule.get("significant"),
            )
            for name, rule in rules["bands"].items()
            if rule["from"] in position
        )
        columns = np.array([position[name] for name in kept], dtype=np.int64)
        return cls((*kept, *(b.name for b in bands)), columns, bands)

    def values(self, vector: np.ndarray) -> np.ndarray:
        """The stored values of one model input (float32)."""
        kept = np.asarray(vector, dtype=np.float32)[self.columns]
        banded = [b.of(float(vector[b.source])) for b in self.bands]
        return np.concatenate([kept, np.asarray(banded, dtype=np.float32)])

    def encode(self, vector: np.ndarray) -> bytes:
        """The stored values as the log's `features` column."""
        return encode_features(self.values(vector))
