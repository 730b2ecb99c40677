"""The one interface of a served model, whatever its kind: raw score, exact contributions, base value.

Kinds:

- ``lightgbm``: one or more LightGBM boosters (seeds bagged with equal weights);
- ``linear``: the regularised logistic regression of ``linear``;
- ``blend``: boosters and partners mixed in log-odds, ``w * boosters + (1 - w) * mean of the partners``, the
  partners being the logistic regression and/or the scorecard (which reads only its own characteristics);
- ``scorecard``: the binned, points-based scorecard of ``scorecard``.

For every kind the raw score is in log-odds and ``contributions(X).sum(axis=1) + base_value == raw_score(X)``
(LightGBM's TreeSHAP for boosters, exact linear terms otherwise; a mix of additive explanations is additive).
The calibrated probability is the bundle's business, not the model's (see ``bundle``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Protocol

import lightgbm as lgb
import numpy as np

from scoring.errors import ScoringError
from scoring.io import write_json_atomic
from scoring.modeling.linear import LinearModel
from scoring.modeling.scorecard import Scorecard

LIGHTGBM_FILES = (
    ".txt"  # LightGBM's model files (model.txt, model-1.txt...), checked in a child process first
)
LIGHTGBM = "lightgbm"
LINEAR = "linear"
BLEND = "blend"
SCORECARD = "scorecard"
KINDS = (LIGHTGBM, LINEAR, BLEND, SCORECARD)
LINEAR_FILE = "linear.json"
SCORECARD_FILE = "scorecard.json"


class ModelError(ScoringError, RuntimeError):
    """A model cannot be loaded from its files."""


class ScoringModel(Protocol):
    kind: str

    @property
    def names(self) -> list[str]: ...

    @property
    def base_value(self) -> float: ...

    def raw_score(self, X: np.ndarray, threads: int = 1) -> np.ndarray: ...

    def contributions(self, X: np.ndarray, threads: int = 1) -> np.ndarray: ...

    def gain(self) -> np.ndarray: ...

    def spec(self) -> dict: ...

    def save(self, directory: Path) -> dict: ...


@dataclass(frozen=True)
class Contributions:
    """SHAP values (clients x features, log-odds) and the base value: values + base value = raw score."""

    values: np.ndarray
    base_value: float

    def raw_score(self) -> np.ndarray:
        return self.values.sum(axis=1) + self.base_value


def tree_shap(booster: lgb.Booster, X: np.ndarray, threads: int = 1) -> Contributions:
    """The one SHAP path: LightGBM's own TreeSHAP (`pred_contrib`, the last column is the base value).

    Every LightGBM part of a model explains itself through it (`BoostedModel`), and the bundle through the
    model (`Bundle.contributions`).
    """
    out = np.asarray(booster.predict(X, pred_contrib=True, num_threads=threads), dtype=np.float64)
    return Contributions(out[:, :-1], float(out[0, -1]) if len(out) else 0.0)


MODEL_FILE = "model.txt"  # the first (often only) booster


def booster_file(i: int) -> str:
    return MODEL_FILE if i == 0 else f"model-{i}.txt"


Partner = LinearModel | Scorecard
# Each kind of partner: its key in the metadata ``model`` entry, its class, its file (and the partners' order)
PARTNERS: tuple[tuple[str, type, str], ...] = (
    ("linear", LinearModel, LINEAR_FILE),
    ("scorecard", Scorecard, SCORECARD_FILE),
)


@dataclass(frozen=True)
class BoostedModel:
    """LightGBM boosters (mean of their log-odds) and/or partners (the logistic regression, and the scorecard
    in a blend): the boosters weigh ``weight``, the partners share the rest equally."""

    boosters: tuple[lgb.Booster, ...]
    partners: tuple[Partner, ...] = ()
    weight: float = 1.0  # share of the boosters

    @property
    def kind(self) -> str:
        if not self.boosters:
            return LINEAR
        return BLEND if self.partners else LIGHTGBM

    @property
    def names(self) -> list[str]:
        return list(self.boosters[0].feature_name()) if self.boosters else list(self.partners[0].names)

    @cached_property
    def _parts(self) -> list[tuple[float, object, slice | list[int] | None]]:
        """(share, part, columns it reads: None for a booster; a slice, so a view and no copy, for a partner
        reading every column in order, as the logistic regression does)."""
        position = {name: i for i, name in enumerate(self.names)}
        parts: list[tuple[float, object, slice | list[int] | None]] = []
        if self.boosters:
            share = (self.weight if self.partners else 1.0) / len(self.boosters)
            parts += [(share, b, None) for b in self.boosters]
        for partner in self.partners:
            share = (1.0 - self.weight if self.boosters else 1.0) / len(self.partners)
            columns = [position[name] for name in partner.names]
            whole = columns == list(range(len(self.names)))
            parts.append((share, partner, slice(0, len(columns)) if whole else columns))
        return parts

    def _explain(self, X: np.ndarray, threads: int) -> np.ndarray:
        """Contributions with the base value as last column."""
        total = np.zeros((len(X), len(self.names) + 1))
        for share, part, columns in self._parts:
            if columns is not None:
                total[:, columns] += share * part.contributions(np.asarray(X)[:, columns])
                total[:, -1] += share * part.base_value
            else:
                shap = tree_shap(part, X, threads=threads)
                total[:, :-1] += share * shap.values
                total[:, -1] += share * shap.base_value
        return total

    @property
    def base_value(self) -> float:
        return float(self._explain(np.full((1, len(self.names)), np.nan, dtype=np.float32), 1)[0, -1])

    def raw_score(self, X: np.ndarray, threads: int = 1) -> np.ndarray:
        total = np.zeros(len(X))
        for share, part, columns in self._parts:
            if columns is not None:
                total += share * part.raw_score(np.asarray(X)[:, columns])
            else:
                total += share * np.asarray(part.predict(X, raw_score=True, num_threads=threads))
        return total

    def contributions(self, X: np.ndarray, threads: int = 1) -> np.ndarray:
        return self._explain(X, threads)[:, :-1]

    def gain(self) -> np.ndarray:
        """Total split gain of each feature over the boosters (zeros for a linear model)."""
        if not self.boosters:
            return np.zeros(len(self.names))
        return np.mean([b.feature_importance("gain") for b in self.boosters], axis=0)

    def spec(self) -> dict:
        """The metadata ``model`` entry: kind, files (``linear``, ``scorecard``: a partner's file or None) and
        the boosters' weight."""
        return {
            "kind": self.kind,
            "boosters": [booster_file(i) for i in range(len(self.boosters))],
            **{key: name if self._partner(kind) is not None else None for key, kind, name in PARTNERS},
            "weight": self.weight,
        }

    def _partner(self, kind: type) -> Partner | None:
        return next((p for p in self.partners if isinstance(p, kind)), None)

    def save(self, directory: Path) -> dict:
        spec = self.spec()
        for booster, name in zip(self.boosters, spec["boosters"], strict=True):
            booster.save_model(str(directory / name))
        for _, kind, name in PARTNERS:
            partner = self._partner(kind)
            if partner is not None:
                write_json_atomic(directory / name, partner.to_dict())
        return spec


@dataclass(frozen=True)
class ScorecardModel:
    scorecard: Scorecard
    kind: str = SCORECARD

    @property
    def names(self) -> list[str]:
        return self.scorecard.names

    @property
    def base_value(self) -> float:
        return self.scorecard.base_value

    def raw_score(self, X: np.ndarray, threads: int = 1) -> np.ndarray:
        return self.scorecard.raw_score(X)

    def contributions(self, X: np.ndarray, threads: int = 1) -> np.ndarray:
        return self.scorecard.contributions(X)

    def gain(self) -> np.ndarray:
        return np.zeros(len(self.names))

    def spec(self) -> dict:
        return {"kind": SCORECARD, "scorecard": SCORECARD_FILE}

    def save(self, directory: Path) -> dict:
        write_json_atomic(directory / SCORECARD_FILE, self.scorecard.to_dict())
        return self.spec()


def model_files(spec: dict) -> list[str]:
    """The files of a model described by ``spec`` (metadata ``model``)."""
    return [*spec.get("boosters", []), *(spec[key] for key, _, _ in PARTNERS if spec.get(key))]


def load_model(directory: Path, spec: dict) -> ScoringModel:
    """The model of a bundle directory from its metadata ``model`` entry."""
    kind = spec.get("kind")
    if kind not in KINDS:
        raise ModelError(f"{directory}: model kind {kind!r} is not one of {', '.join(KINDS)}")
    absent = [f for f in model_files(spec) if not (directory / f).is_file()]
    if absent:
        raise ModelError(f"{directory}: model file(s) missing: {', '.join(absent)}")
    try:
        if kind == SCORECARD:
            return ScorecardModel(
                Scorecard.from_dict(json.loads((directory / spec["scorecard"]).read_text()))
            )
        boosters = tuple(lgb.Booster(model_file=str(directory / f)) for f in spec.get("boosters", []))
        partners = tuple(
            kind.from_dict(json.loads((directory / spec[key]).read_text()))
            for key, kind, _ in PARTNERS
            if spec.get(key)
        )
    except (lgb.basic.LightGBMError, KeyError, ValueError) as exc:
        raise ModelError(f"{directory}: model does not load: {exc}") from None
    return BoostedModel(boosters, partners, float(spec.get("weight", 1.0)))
