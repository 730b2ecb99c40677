"""The model's side of a stored client's decision letter: its decision, points, reasons, recourse and the
terms the lender offers, the same as `GET /clients/{id}/offer` (the API's letter route and the example
letters read it here)."""

from __future__ import annotations

from scoring.notice.content import DecisionFacts
from scoring.offer.terms import Terms
from scoring.serving.offering import stored_offer
from scoring.serving.recourse import recourse
from scoring.serving.service import ScoreResult, ScoringService
from scoring.vocabulary import Decision


def stored_facts(service: ScoringService, row: int) -> tuple[DecisionFacts, ScoreResult] | None:
    """The letter's facts of the stored client at `row`, without an officer's decision, and the score they
    come from; None when the client's application row is missing."""
    client_id = int(service.store.ids[row])
    application = service.raw_application(client_id)
    if application is None:
        return None
    vector = service.store.matrix[row]
    options = recourse(service, application, vector)
    found = stored_offer(service, row)
    offer = found.payload() if found is not None else {"decision": Decision.REFUSE, "offer": None}
    granted = offer["decision"] == Decision.ACCEPT  # the application as asked, else the closest terms
    values = service.explanations.row(row)
    result = service.client_result(row, service.explanations.compute_row(row) if values is None else values)
    accept_below = result.threshold if result.strategy is None else result.strategy.strategy.accept_below
    facts = DecisionFacts(
        client_id=client_id,
        model_decision=Decision(result.decision),
        points=result.points,
        threshold_points=(  # a refusal by the score: the points of the cut-off it fell under
            result.threshold_points
            if result.strategy is None
            else result.scale.of(result.strategy.strategy.refuse_from)
        ),
        amount=options.amount,
        reasons=result.explanation.codes if result.explanation else [],
        recourse=options,
        model_version=result.model_version,
        offer=Terms.of(offer["offer"]) if granted else None,
        counter_offer=None if granted else Terms.of(offer["offer"]),
        policy=result.rules_fired,
        risk_accepted=result.probability < accept_below,
    )
    return facts, result
