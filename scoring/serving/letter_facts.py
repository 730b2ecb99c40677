"""The model's side of a stored client's decision letter: its decision, points, reasons and recourse (the
API's letter route and the example letters read it here)."""

from __future__ import annotations

from scoring.explain.recourse import RecourseTerms
from scoring.notice.content import DecisionFacts
from scoring.serving.recourse import client_recourse
from scoring.serving.service import ScoreResult, ScoringService
from scoring.vocabulary import Decision


def stored_facts(
    service: ScoringService, row: int, terms: RecourseTerms
) -> tuple[DecisionFacts, ScoreResult] | None:
    """The letter's facts of the stored client at `row`, without an officer's decision, and the score they
    come from; None when the client's application row is missing."""
    client_id = int(service.store.ids[row])
    recourse = client_recourse(service, row, client_id, terms)
    if recourse is None:
        return None
    values = service.explanations.row(row)
    result = service.client_result(row, service.explanations.compute_row(row) if values is None else values)
    facts = DecisionFacts(
        client_id=client_id,
        model_decision=Decision(result.decision),
        points=result.points,
        threshold_points=result.threshold_points,
        amount=recourse.amount,
        reasons=result.explanation.codes if result.explanation else [],
        recourse=recourse,
        model_version=result.model_version,
    )
    return facts, result
