"""The reject-inference methods: from accepted applicants (features, outcome) and refused ones (features
only, with a predicted probability of default) to weighted training rows.

- ``none``: the accepted rows only, weight 1.
- ``fuzzy``: each refused applicant twice, once as a defaulter with weight min(factor x PD, 1) and once as
  a good client with weight 1 - that; its two weights add up to 1, so the rows' total weight is the number
  of accepted plus refused applicants.
- ``parcelling``: bands of the predicted PD at the quantiles of the accepted applicants' PD (``bands``
  bands, the first and last open-ended); in each band, exactly round(n x min(factor x r, 1)) of the refused
  applicants falling in it, drawn at random, are labelled defaulters and the others good, where r is the
  band's default rate among the accepted; weight 1.

The factors and the number of bands are in policy.json beside this module.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from scoring.errors import ScoringError

POLICY_FILE = Path(__file__).with_name("policy.json")
NONE, FUZZY, PARCELLING = "none", "fuzzy", "parcelling"
OPTION = "--reject-inference"


class RejectInferenceError(ScoringError, ValueError):
    """An unknown method or unusable inputs (message names the option)."""


@dataclass(frozen=True)
class Policy:
    """The methods, the default one and their factors."""

    methods: tuple[str, ...]
    default: str
    fuzzy_factor: float
    parcelling_factor: float
    parcelling_bands: int
    default_source: str  # why the default: the figures it was chosen on


@cache
def policy() -> Policy:
    data = json.loads(POLICY_FILE.read_text())
    return Policy(
        tuple(data["methods"]),
        data["default"],
        float(data["fuzzy_factor"]),
        float(data["parcelling_factor"]),
        int(data["parcelling_bands"]),
        str(data["default_source"]),
    )


def check_method(method: str) -> str:
    """The method, or RejectInferenceError naming the option and the known methods."""
    known = policy().methods
    if method not in known:
        raise RejectInferenceError(f"{OPTION} {method!r} is not one of {', '.join(known)}")
    return method


@dataclass(frozen=True)
class Inferred:
    """Rows added for the refused applicants: which refused applicant (index), label and weight."""

    reject: np.ndarray
    y: np.ndarray
    weight: np.ndarray

    @classmethod
    def empty(cls) -> Inferred:
        return cls(np.empty(0, np.int64), np.empty(0, np.int8), np.empty(0, np.float64))


def fuzzy(reject_pd: np.ndarray, factor: float) -> Inferred:
    """Each refused applicant as a defaulter (weight min(factor x PD, 1)) and as a good client (the rest)."""
    bad = np.clip(factor * np.asarray(reject_pd, np.float64), 0.0, 1.0)
    n = len(bad)
    index = np.arange(n)
    return Inferred(
        np.concatenate([index, index]),
        np.concatenate([np.ones(n, np.int8), np.zeros(n, np.int8)]),
        np.concatenate([bad, 1.0 - bad]),
    )


def band_edges(accepted_pd: np.ndarray, bands: int) -> np.ndarray:
    """Inner edges of the PD bands: quantiles of the accepted applicants' PD (duplicates merged)."""
    return np.unique(np.quantile(accepted_pd, np.linspace(0, 1, bands + 1)[1:-1]))


def band_rates(accepted_pd: np.ndarray, accepted_y: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Default rate of the accepted applicants in each band (0 for an empty band)."""
    band = np.digitize(accepted_pd, edges)
    counts = np.bincount(band, minlength=len(edges) + 1)
    defaults = np.bincount(band, weights=accepted_y, minlength=len(edges) + 1)
    return np.divide(defaults, counts, out=np.zeros(len(counts)), where=counts > 0)


def parcelling(
    accepted_pd: np.ndarray,
    accepted_y: np.ndarray,
    reject_pd: np.ndarray,
    factor: float,
    bands: int,
    seed: int,
) -> Inferred:
    """Refused applicants labelled defaulters at their band's accepted default rate x factor (see above)."""
    edges = band_edges(np.asarray(accepted_pd, np.float64), bands)
    rates = np.minimum(factor * band_rates(accepted_pd, accepted_y, edges), 1.0)
    band = np.digitize(reject_pd, edges)
    y = np.zeros(len(band), np.int8)
    rng = np.random.default_rng(seed)
    for b in np.unique(band):
        members = np.flatnonzero(band == b)
        y[rng.choice(members, size=round(len(members) * rates[b]), replace=False)] = 1
    return Inferred(np.arange(len(band)), y, np.ones(len(band)))


def infer(
    method: str,
    accepted_pd: np.ndarray,
    accepted_y: np.ndarray,
    reject_pd: np.ndarray,
    seed: int,
    settings: Policy | None = None,
) -> Inferred:
    """The rows a method adds for the refused applicants, with the policy's factors (or ``settings``')."""
    settings = settings or policy()
    if check_method(method) == NONE or len(reject_pd) == 0:
        return Inferred.empty()
    if method == FUZZY:
        return fuzzy(reject_pd, settings.fuzzy_factor)
    return parcelling(
        accepted_pd, accepted_y, reject_pd, settings.parcelling_factor, settings.parcelling_bands, seed
    )
