"""What-if and counter-offer: an application rescored with changed fields, and the largest amount accepted.

"Annuity follows credit": when the credit amount changes, the annuity changes in proportion (same rate and
term); `scaled_annuity` is the one home of that rule, used by the counter-offer search and its answer.
The application features are recomputed from the changed fields; the history features stay the client's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from scoring.explain.counter_offer import max_accepted_amount
from scoring.features.application import ANOMALY_FLAG
from scoring.serving.service import ScoreResult, ScoringService
from scoring.vocabulary import Decision

AMOUNT_SEARCH_CAP = (
    4.05e6  # the largest credit amount of the Kaggle data; the search goes up to this (or more)
)


def scaled_annuity(application: Mapping[str, object], amount: float) -> float | None:
    """The annuity of `application` at another credit amount (same rate and term); None when unknown."""
    annuity = application.get("AMT_ANNUITY")
    if annuity is None:
        return None
    return float(annuity) * amount / float(application["AMT_CREDIT"])


@dataclass(frozen=True)
class Offer:
    """The counter-offer: the largest credit amount still accepted (None: none from the minimum up)."""

    client_id: int | None
    current_amount: float
    current_probability: float
    current_decision: Decision
    max_amount: float | None
    annuity_at_max: float | None
    probability_at_max: float | None
    capped: bool
    threshold: float
    model_version: str


def counter_offer(
    service: ScoringService, application: Mapping[str, object], vector: np.ndarray, client_id: object = None
) -> Offer:
    """Largest credit amount still accepted for `application` (history features as in `vector`)."""
    scorer = service.scorer
    credit = float(application["AMT_CREDIT"])

    def probability_of(amounts: np.ndarray) -> np.ndarray:
        rows = [
            {**application, "AMT_CREDIT": float(a), "AMT_ANNUITY": scaled_annuity(application, float(a))}
            for a in amounts
        ]
        X = np.repeat(vector[None, :], len(rows), axis=0)
        service.featurizer.replace_application_features(X, rows)
        return scorer.predict(X)

    found = max_accepted_amount(
        probability_of,
        credit,
        scorer.threshold,
        upper=max(AMOUNT_SEARCH_CAP, 2 * credit),
        grid=32,
        rounds=2,
    )
    return Offer(
        client_id=None if client_id is None else int(client_id),
        current_amount=found.current_amount,
        current_probability=found.current_probability,
        current_decision=scorer.decision(found.current_probability),
        max_amount=found.max_amount,
        annuity_at_max=None if found.max_amount is None else scaled_annuity(application, found.max_amount),
        probability_at_max=found.probability_at_max,
        capped=found.capped,
        threshold=scorer.threshold,
        model_version=scorer.version,
    )


@dataclass(frozen=True)
class WhatIf:
    """A stored client rescored with changed application fields, and the counter-offer with them."""

    client_id: int
    changed: list[str]
    score: ScoreResult
    counter_offer: Offer


def with_changes(stored: Mapping[str, object], changes: Mapping[str, object]) -> dict[str, object]:
    """The stored application with `changes` applied (a new DAYS_EMPLOYED recomputes its anomaly flag)."""
    application = dict(stored)
    if "DAYS_EMPLOYED" in changes:
        application.pop(ANOMALY_FLAG, None)
    return {**application, **changes}


def rescore(
    service: ScoringService, row: int, application: Mapping[str, object], client_id: int
) -> ScoreResult:
    """Score and explanation of a stored client's history features with new application fields."""
    X = np.ascontiguousarray(service.store.matrix[row : row + 1]).copy()
    service.featurizer.replace_application_features(X, [application])
    return service.score_vectors(X, [client_id], explain=True)[0]


def what_if(
    service: ScoringService, row: int, client_id: int, changes: Mapping[str, object]
) -> WhatIf | None:
    """Rescore a stored client with changed application fields; None when its application row is absent."""
    stored = service.raw_application(client_id)
    if stored is None:
        return None
    application = with_changes(stored, changes)
    result = rescore(service, row, application, client_id)
    offer = counter_offer(service, application, result.features, client_id)
    return WhatIf(client_id, sorted(changes), result, offer)
