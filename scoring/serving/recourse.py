"""Recourse of a stored client or a posted application, searched over the served model.

Only AMT_CREDIT and AMT_ANNUITY change (the lender's terms); every other application field and every history
feature stays the client's own, so no immutable fact (age, history, income) is ever part of an offer.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from scoring.explain.recourse import Recourse, RecourseTerms, search
from scoring.serving.service import ScoringService

CHANGED_FIELDS = ("AMT_CREDIT", "AMT_ANNUITY")


def recourse(
    service: ScoringService, application: Mapping[str, object], vector: np.ndarray, terms: RecourseTerms
) -> Recourse:
    """Accepted offers (lower amount, longer term) for an application whose features are `vector`."""

    def probability_of(amounts: np.ndarray, annuities: np.ndarray) -> np.ndarray:
        rows = [
            {
                **application,
                "AMT_CREDIT": float(a),
                "AMT_ANNUITY": None if math.isnan(p) else float(p),
            }
            for a, p in zip(amounts, annuities, strict=True)
        ]
        X = np.repeat(vector[None, :], len(rows), axis=0)
        service.featurizer.replace_application_features(X, rows)
        return service.scorer.predict(X)

    annuity = application.get("AMT_ANNUITY")
    return search(
        probability_of,
        float(application["AMT_CREDIT"]),
        None if annuity is None else float(annuity),
        service.scorer.threshold,
        terms,
    )


def client_recourse(
    service: ScoringService, row: int, client_id: int, terms: RecourseTerms
) -> Recourse | None:
    """The recourse search of a stored client (its store row), None when its application row is missing."""
    application = service.raw_application(client_id)
    if application is None:
        return None
    return recourse(service, application, service.store.matrix[row], terms)
