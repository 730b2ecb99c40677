"""The offer of a stored client or a posted application, searched over the served model.

Glue between the service and `scoring.offer`: the PD of candidate (amount, instalment) pairs is the served
model's on the application's own row with only the loan-dependent features recomputed (`LoanRows`); the
household is the application's income and family size with the existing instalments of the bureau (a
stored client's bureau rows, or the posted application's, else none known). `OfferResult.payload()` is the
JSON of `GET /api/v1/clients/{id}/offer` (see /work/notes/offer-contract.md and the README).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from scoring.offer.affordability import Household
from scoring.offer.candidate_loans import ProbabilityOf
from scoring.offer.profit import expected_profit
from scoring.offer.search import OfferFound, search_offer
from scoring.serving.offer_data import Existing, existing_from_rows

if TYPE_CHECKING:
    from scoring.serving.service import ScoringService


@dataclass(frozen=True)
class OfferResult:
    """The search's answer for one application, with the client and the model it was made with."""

    client_id: int | None
    model_version: str
    found: OfferFound

    def payload(self) -> dict:
        """The offer contract's JSON document."""
        f = self.found
        return {
            "client_id": self.client_id,
            "model_version": self.model_version,
            "threshold": f.threshold,
            "decision": str(f.decision),
            "probability": f.probability,
            "grade": f.grade,
            "reason_code": f.reason_code,
            "asked": {"amount": f.amount, "term_months": f.term_months},
            "offer": None if f.offer is None else f.offer.payload(),
            "alternatives": [t.payload() for t in f.alternatives],
            "limits": f.limits.payload(),
        }


def _number(value: object) -> float | None:
    if value is None:
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if np.isnan(number) else number


def existing_of(
    service: ScoringService,
    client_id: int | None,
    history: Mapping[str, Sequence[Mapping[str, object]]] | None,
) -> Existing:
    """Existing instalments: the posted history's bureau rows when `history` is given (a posted application),
    else the stored client's bureau rows, else none known."""
    if history is not None:
        return existing_from_rows(history.get("bureau"))
    if client_id is not None and service.store.row(int(client_id)) is not None:
        return service.offer_data.existing(int(client_id))
    return existing_from_rows(None)


@dataclass(frozen=True)
class Applicant:
    """An application as the offer search reads it: the amount, annuity and goods price asked, the share of
    the goods price financed, the household, and the PD of candidate (amount, instalment) pairs."""

    client_id: int | None
    amount: float
    annuity: float | None
    goods: float | None
    share: float | None
    household: Household
    probability_of: ProbabilityOf


def applicant(
    service: ScoringService,
    application: Mapping[str, object],
    vector: np.ndarray,
    client_id: object = None,
    history: Mapping[str, Sequence[Mapping[str, object]]] | None = None,
) -> Applicant:
    """`application` (Kaggle fields) whose model row is `vector`, with its household's existing instalments
    (`existing_of`) and the served model's PD of its candidate loans."""
    client = None if client_id is None else int(client_id)  # type: ignore[call-overload]
    amount = float(application["AMT_CREDIT"])  # type: ignore[arg-type]
    goods = _number(application.get("AMT_GOODS_PRICE"))
    share = None if goods is None or amount <= 0 else goods / amount
    existing = existing_of(service, client, history)
    household = Household.of(
        application, existing.instalments, existing.source, existing.credits, existing.without_annuity
    )

    def probability_of(amounts: np.ndarray, instalments: np.ndarray, _candidates: np.ndarray) -> np.ndarray:
        X = service.loan_rows.rows(vector, application, amounts, instalments, share)
        return service.scorer.predict(X)

    annuity = _number(application.get("AMT_ANNUITY"))
    return Applicant(client, amount, annuity, goods, share, household, probability_of)


def refusal_threshold(service: ScoringService) -> float:
    """The PD from which the lender refuses: the strategy in force's `refuse_from` (below it the strategy
    accepts or refers to an officer, who may grant), else the bundle's threshold. The offer's risk limit."""
    active = service.decider.current()
    return service.scorer.threshold if active is None else active.strategy.refuse_from


def offer_for(service: ScoringService, who: Applicant, probability: float | None = None) -> OfferResult:
    """The offer of `who` (`probability`: its PD as posted, when already known)."""
    found = search_offer(
        who.probability_of,
        who.amount,
        who.annuity,
        who.household,
        refusal_threshold(service),
        service.offer_policy,
        asked_probability=probability,
        goods_price=who.goods,
    )
    return OfferResult(who.client_id, service.scorer.version, found)


def make_offer(
    service: ScoringService,
    application: Mapping[str, object],
    vector: np.ndarray,
    client_id: object = None,
    history: Mapping[str, Sequence[Mapping[str, object]]] | None = None,
    probability: float | None = None,
) -> OfferResult:
    """The offer of `application` (Kaggle fields) whose model row is `vector` (`probability`: its PD as
    posted, when already known)."""
    return offer_for(service, applicant(service, application, vector, client_id, history), probability)


def stored_offer(service: ScoringService, row: int) -> OfferResult | None:
    """The offer of the stored client at `row` (its precomputed PD, its bureau's existing instalments);
    None when its ingested application row is missing."""
    client_id = int(service.store.ids[row])
    application = service.offer_data.application(client_id)
    if application is None:
        return None
    probability = float(service.probabilities[row])
    return service.offer(application, service.store.matrix[row], client_id, probability=probability)


def model_profit(service: ScoringService) -> dict | None:
    """Expected (and realised) profit per 1,000 applicants of the served model's out-of-fold PDs at its
    threshold, each loan priced by the offer's policy (`scoring.offer.profit`); computed once per service.
    None when the bundle has no out-of-fold predictions."""
    if service.profit is None:
        oof = service.scorer.bundle.oof()
        if not oof.height:
            return None
        ids = oof["SK_ID_CURR"].to_list()
        credit, annuity = service.offer_data.loans(ids)
        target = oof["TARGET"].cast(pl.Float64).to_numpy()
        probability = oof["probability"].to_numpy()
        found = expected_profit(
            probability, credit, annuity, service.scorer.threshold, target, service.offer_policy
        )
        service.profit = found.to_dict()
    return service.profit
