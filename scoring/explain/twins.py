"""Twin features: one quantity the model uses twice (age in years and in days; one share computed two ways).

The one reader of `twin_features.json`. SHAP values add up, so the quantity's contribution for a client is the
sum of its twins', and its value is the readable twin's (or the other's divided by `divide_by`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

TWINS_FILE = Path(__file__).with_name("twin_features.json")


@dataclass(frozen=True)
class Twin:
    feature: str
    shown_as: str
    divide_by: float


@cache
def twins() -> dict[str, Twin]:
    """The features shown as another one, by name."""
    entries = json.loads(TWINS_FILE.read_text(encoding="utf-8"))["twins"]
    return {e["feature"]: Twin(e["feature"], e["as"], float(e["divide_by"])) for e in entries}


def shown_as(feature: str) -> str:
    """The feature a page shows for `feature` (itself unless it is a twin in a less readable unit)."""
    twin = twins().get(feature)
    return twin.shown_as if twin else feature


def twin_positions(names: Sequence[str]) -> tuple[tuple[int, int], ...]:
    """(twin, shown) positions in `names` of each twin whose readable feature the model also has."""
    position = {name: i for i, name in enumerate(names)}
    pairs = ((i, position.get(shown_as(name))) for i, name in enumerate(names))
    return tuple((i, target) for i, target in pairs if target is not None and target != i)


def folded(contributions: np.ndarray, positions: Sequence[tuple[int, int]]) -> np.ndarray:
    """One client's contributions with each twin's added to the feature it is shown as and its own set to 0
    (`positions`: `twin_positions` of the model's features); the total is unchanged."""
    shown = np.array(contributions, dtype=np.float64)
    for twin, target in positions:
        shown[target] += shown[twin]
        shown[twin] = 0.0
    return shown
