"""Recourse of a stored client or a posted application: the offer search's alternatives.

Only the lender's terms change (amount, term, hence instalment and the goods price financed in the same
share); every other application field and every history feature stays the client's own, so no immutable fact
(age, history, income) is ever part of an offer. With a strategy in force only the options its decision
accepts are given: a rule that refuses whatever the loan (an income below the minimum) leaves none.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

import numpy as np

from scoring.explain.recourse import Recourse, RecourseOption, from_offer
from scoring.serving.service import ScoringService
from scoring.serving.whatif import decisions_of
from scoring.vocabulary import Decision


def recourse(
    service: ScoringService,
    application: Mapping[str, object],
    vector: np.ndarray,
    client_id: object = None,
    history: Mapping[str, Sequence[Mapping[str, object]]] | None = None,
) -> Recourse:
    """Accepted, affordable options (lower amount, longer term) for an application whose features are
    `vector`, priced and bounded by the offer's policy (scoring/offer/*.json); with a strategy in force,
    those its decision accepts."""
    probability = float(service.scorer.predict(np.asarray(vector, dtype=np.float32)[None, :])[0])
    if client_id is None:
        client_id = application.get("SK_ID_CURR")
    found = service.offer(application, vector, client_id, history, probability=probability).found
    annuity = application.get("AMT_ANNUITY")
    longest = max(service.offer_policy.product.terms)
    options = from_offer(found, None if annuity is None else float(annuity), probability, longest)  # type: ignore[arg-type]
    active = service.decider.current()
    if active is None or not options.options:
        return options
    decide = decisions_of(service, client_id, history, active)  # type: ignore[arg-type]

    def accepted(option: RecourseOption) -> bool:
        asked = {
            "AMT_CREDIT": option.amount,
            "AMT_ANNUITY": option.annuity,
            "AMT_GOODS_PRICE": option.goods_price,
        }
        [decided] = decide([option.probability], [{**application, **asked}])
        return decided.decision == Decision.ACCEPT

    return dataclasses.replace(options, options=[o for o in options.options if accepted(o)])


def client_recourse(service: ScoringService, row: int, client_id: int) -> Recourse | None:
    """The recourse of a stored client (its store row), None when its application row is missing."""
    application = service.offer_data.application(client_id)
    if application is None:
        return None
    return recourse(service, application, service.store.matrix[row], client_id=client_id)
