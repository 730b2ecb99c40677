"""What-if and counter-offer: an application rescored with changed fields, and the largest amount offered.

The counter-offer is the offer search's (`scoring.offer.search`, through `ScoringService.offer`): the largest
amount at the asked term that the model accepts, the household can afford and the usury threshold allows,
priced at its grade's rate (its instalment is the annuity at that rate and term, the goods price keeps the
asked share financed). The application features are recomputed from the changed fields; the history
features stay the client's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from scoring.features.application import ANOMALY_FLAG
from scoring.offer.search import NONE, PRODUCT
from scoring.serving.service import ScoreResult, ScoringService
from scoring.serving.strategy_state import Decided
from scoring.vocabulary import Decision


@dataclass(frozen=True)
class Offer:
    """The counter-offer: the largest amount offered at the asked term (None: none from the product's
    minimum up), its priced terms, and the limit that stopped it (`capped`: only the product's maximum)."""

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
    term_months: int | None = None
    annual_rate_at_max: float | None = None
    apr_at_max: float | None = None
    grade_at_max: str | None = None
    goods_price_at_max: float | None = None
    bound: str | None = None
    max_instalment: float | None = None


def counter_offer(
    service: ScoringService,
    application: Mapping[str, object],
    vector: np.ndarray,
    client_id: object = None,
    history: Mapping[str, Sequence[Mapping[str, object]]] | None = None,
) -> Offer:
    """Largest amount offered for `application` (history features as in `vector`; existing instalments
    from `history` when given, else the stored client's bureau)."""
    scorer = service.scorer
    current = float(scorer.predict(np.asarray(vector, dtype=np.float32)[None, :])[0])
    found = service.offer(application, vector, client_id, history, probability=current).found
    best = found.at_max
    return Offer(
        client_id=None if client_id is None else int(client_id),  # type: ignore[call-overload]
        current_amount=found.amount,
        current_probability=current,
        current_decision=scorer.decision(current),
        max_amount=None if best is None else best.amount,
        annuity_at_max=None if best is None else best.instalment,
        probability_at_max=None if best is None else best.probability,
        capped=best is not None and found.limits.bound in (PRODUCT, NONE),
        threshold=scorer.threshold,
        model_version=scorer.version,
        term_months=found.term_months,
        annual_rate_at_max=None if best is None else best.annual_rate,
        apr_at_max=None if best is None else round(best.apr, 6),
        grade_at_max=None if best is None else best.grade,
        goods_price_at_max=None if best is None else best.goods_price,
        bound=found.limits.bound,
        max_instalment=found.limits.max_instalment,
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
    """Score and explanation of a stored client's history features with new application fields, decided by
    the strategy in force (its rules on the changed fields and recomputed features)."""
    X = np.ascontiguousarray(service.store.matrix[row : row + 1]).copy()
    service.featurizer.replace_application_features(X, [application])
    active = service.decider.current()

    def decided(probabilities: np.ndarray) -> list[Decided]:
        return [service.decider.what_if(float(probabilities[0]), application, client_id, active)]

    return service.score_vectors(X, [client_id], True, decided)[0]


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
