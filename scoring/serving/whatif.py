"""What-if and counter-offer: an application rescored with changed fields, and the largest amount offered.

The counter-offer is the offer search's (`scoring.offer.search`, through `ScoringService.offer`): the largest
amount at the asked term that the model accepts, the household can afford and the usury threshold allows,
priced at its grade's rate (its instalment is the annuity at that rate and term, the goods price keeps the
asked share financed). The application features are recomputed from the changed fields; the history
features stay the client's.

With a strategy in force, the current decision is the strategy's (as `GET /clients/{id}/score`), and the
largest amount is the largest of those amounts that the strategy also accepts: each candidate (its amount,
instalment and goods price in the application) is decided by the decider's own path, the what-if's for a
stored client, the posted path otherwise (its rules, then its cut-offs). The strategy's decision need not be
monotone in the amount (a rule may read the amount, the PD need not rise with it), so the search does not
assume it over the range: it decides a grid of amounts from the product's minimum to the offer's largest,
keeping the largest accepted, and only then narrows the gap to the next grid amount up, assuming the decision
monotone there alone (as the offer search does with the model's). Candidates whose PD is at or above the
strategy's `accept_below` (or outside the offer's limits) cannot be accepted whatever the rules say and are
not decided: the rules are read for the few left, largest first.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np

from scoring.features.application import ANOMALY_FLAG
from scoring.offer.affordability import max_instalment
from scoring.offer.candidate_loans import Priced, price
from scoring.offer.search import GRID, NONE, PRODUCT, RISK, OfferFound, narrowed
from scoring.offer.terms import Terms, terms_of
from scoring.serving.offering import Applicant, applicant, offer_for
from scoring.serving.service import ScoreResult, ScoringService
from scoring.serving.strategy_state import ActiveStrategy, Decided
from scoring.vocabulary import Decision

AMOUNT, ANNUITY, GOODS = "AMT_CREDIT", "AMT_ANNUITY", "AMT_GOODS_PRICE"
History = Mapping[str, Sequence[Mapping[str, object]]]
Decide = Callable[[list[float], list[Mapping[str, object]]], list[Decided]]  # PDs, applications


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


def decisions_of(
    service: ScoringService, client_id: int | None, history: History | None, active: ActiveStrategy | None
) -> Decide:
    """The decider's decisions of the application with other figures: the what-if's path for a stored
    client (no posted history), else the posted applications' path."""
    row = None if history is not None or client_id is None else service.store.row(client_id)
    if row is not None:
        stored, matrix, featurizer = client_id, service.store.matrix, service.featurizer

        def what_if(probabilities: list[float], applications: list[Mapping[str, object]]) -> list[Decided]:
            return [
                service.decider.what_if(
                    p, a, stored, partial(featurizer.with_application, matrix[row], a), active
                )
                for p, a in zip(probabilities, applications, strict=True)
            ]

        return what_if

    def posted(probabilities: list[float], applications: list[Mapping[str, object]]) -> list[Decided]:
        histories = [history or None] * len(applications)
        return service.decider.posted(probabilities, applications, histories, active)  # type: ignore[arg-type]

    return posted


class AcceptedSearch:
    """The largest amount at the asked term within the offer's limits that the strategy accepts (see the
    module docstring), priced as the offer prices it."""

    def __init__(
        self,
        service: ScoringService,
        application: Mapping[str, object],
        who: Applicant,
        found: OfferFound,
        accept_below: float,
        decide: Decide,
    ) -> None:
        self.application, self.who, self.found, self.decide = application, who, found, decide
        self.policy = service.offer_policy
        self.room = max_instalment(who.household, self.policy.affordability)
        self.threshold = min(service.scorer.threshold, accept_below)
        self.start = int(self.policy.pricer.grade_index(found.probability)[0])

    def price(self, amounts: np.ndarray) -> Priced:
        """The candidates at the asked term, feasible within the offer's limits and under the cut-off."""
        term = np.full(len(amounts), self.found.term_months)
        probability_of = self.who.probability_of
        return price(probability_of, amounts, term, self.start, self.threshold, self.room, self.policy)

    def candidate(self, priced: Priced, i: int) -> dict[str, object]:
        """The application asking candidate `i`: its amount, instalment and goods price."""
        amount = float(priced.amount[i])
        goods = None if self.who.share is None else amount * self.who.share
        return {**self.application, AMOUNT: amount, ANNUITY: float(priced.instalment[i]), GOODS: goods}

    def accepted(self, priced: Priced) -> int | None:
        """The largest candidate the strategy accepts (None: none); only the feasible are decided."""
        for i in np.flatnonzero(priced.feasible)[::-1].tolist():
            [decided] = self.decide([float(priced.probability[i])], [self.candidate(priced, i)])
            if decided.decision == Decision.ACCEPT:
                return i
        return None

    def largest(self) -> Terms | None:
        """The terms of the largest accepted amount: on the grid, then narrowed to the amount step."""
        top, product = self.found.at_max, self.policy.product
        if top is None:
            return None
        grid = [product.round_down(a) for a in np.linspace(product.min_amount, top.amount, GRID)]
        priced = self.price(np.unique(np.append(grid, top.amount)))
        best = self.accepted(priced)
        if best is None:
            return None
        batch, i = (priced, best)
        if best + 1 < len(priced):
            (batch, i), _ = narrowed((priced, best), (priced, best + 1), self.price, self.accepted, product)
        return terms_of(batch, i, self.policy.pricer.name(int(batch.grade[i])), self.who.share)


def strategy_max(
    service: ScoringService,
    application: Mapping[str, object],
    who: Applicant,
    found: OfferFound,
    active: ActiveStrategy,
    decide: Decide,
) -> tuple[Terms | None, str]:
    """The largest amount the strategy `active` accepts within the offer `found`'s limits, and its bound
    (the offer's, else `risk`: the strategy stops it below the offer's largest)."""
    search = AcceptedSearch(service, application, who, found, active.strategy.accept_below, decide)
    best = search.largest()
    same = best is not None and found.at_max is not None and best.amount >= found.at_max.amount
    return best, found.limits.bound if same else RISK


def counter_offer(
    service: ScoringService,
    application: Mapping[str, object],
    vector: np.ndarray,
    client_id: object = None,
    history: History | None = None,
    decision: Decision | None = None,
) -> Offer:
    """Largest amount offered for `application` (history features as in `vector`; existing instalments
    from `history` when given, else the stored client's bureau), with the asked amount's decision under
    the strategy in force (`decision` when known, e.g. the stored client's score's, else the decider's)."""
    scorer = service.scorer
    client = None if client_id is None else int(client_id)  # type: ignore[call-overload]
    current = float(scorer.predict(np.asarray(vector, dtype=np.float32)[None, :])[0])
    who = applicant(service, application, vector, client, history)
    found = offer_for(service, who, probability=current).found
    active = service.decider.current()
    decide = decisions_of(service, client, history, active)
    if decision is None:
        decision = decide([current], [application])[0].decision
    best, bound = found.at_max, found.limits.bound
    if active is not None:
        best, bound = strategy_max(service, application, who, found, active, decide)
    return Offer(
        client_id=client,
        current_amount=found.amount,
        current_probability=current,
        current_decision=decision,
        max_amount=None if best is None else best.amount,
        annuity_at_max=None if best is None else best.instalment,
        probability_at_max=None if best is None else best.probability,
        capped=best is not None and bound in (PRODUCT, NONE),
        threshold=scorer.threshold,
        model_version=scorer.version,
        term_months=found.term_months,
        annual_rate_at_max=None if best is None else best.annual_rate,
        apr_at_max=None if best is None else round(best.apr, 6),
        grade_at_max=None if best is None else best.grade,
        goods_price_at_max=None if best is None else best.goods_price,
        bound=bound,
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
    X = service.featurizer.with_application(service.store.matrix[row], application)
    active = service.decider.current()

    def decided(probabilities: np.ndarray) -> list[Decided]:
        return [service.decider.what_if(float(probabilities[0]), application, client_id, lambda: X, active)]

    return service.score_vectors(X, [client_id], True, decided)[0]


def what_if(
    service: ScoringService,
    row: int,
    client_id: int,
    stored: Mapping[str, object],
    changes: Mapping[str, object],
) -> WhatIf:
    """Rescore a stored client, whose ingested application row is `stored`, with changed fields."""
    application = with_changes(stored, changes)
    result = rescore(service, row, application, client_id)
    offer = counter_offer(service, application, result.features, client_id, decision=result.decision)
    return WhatIf(client_id, sorted(changes), result, offer)
