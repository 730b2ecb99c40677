"""The officer's decision on a stored client (with the model's opinion computed here, never sent by the
caller), a second person's approval or rejection of a grant above the authority limits, the client's
decision history, and the oversight summary for the Operations page (with the worklist's queue and time to
decision)."""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, Request, status
from fastapi.exceptions import RequestValidationError

from api.deps import ClientId, ServiceDep, StateDep, client_not_found
from api.error_texts import translate
from api.errors import error_responses
from api.identity import Analyst, AnyUser, DatabaseDep, Officer, Reviewer, actor_of
from api.language import LanguageDep
from api.schemas.access import (
    BarredOut,
    DecisionHistoryOut,
    DecisionIn,
    DecisionOut,
    DecisionVocabularyOut,
    OversightOut,
)
from api.schemas.worklist import ReviewIn
from api.times import IsoDateTime, aware_utc
from scoring.db import approvals, decisions, worklist
from scoring.serving.offering import stored_offer
from scoring.serving.prediction_log import client_hash
from scoring.serving.service import ScoringService
from scoring.strategy.authority import authority_limits
from scoring.vocabulary import Decision, OfficerDecision, OverrideReason

router = APIRouter(tags=["decisions"])
ERRORS = error_responses(400, 401, 403, 404, 422, 500, 503)


def _reasons(result: object) -> list[dict]:
    explanation = result.explanation  # type: ignore[attr-defined]
    if explanation is None:
        return []
    return [
        {"direction": direction, "feature": r.feature, "label": r.label, "value": r.value}
        for direction, reasons in (("raising", explanation.raising), ("lowering", explanation.lowering))
        for r in reasons
    ]


def model_opinion(service: ScoringService, salt: bytes, client_id: int) -> decisions.ModelOpinion:
    """What the model says of a stored client now: score, decision, reasons, the lending rule the
    application as asked breaks if any (`barrier`), the application as asked priced at the grade of its PD
    (`asked`, what an accept grants) and the counter-offer: the lender's offer for the client's application
    (amount, term, rates, instalment...), computed here as `GET /clients/{id}/offer` computes them (recorded
    with a decision that grants them only)."""
    row = service.store.row(client_id)
    if row is None:
        raise client_not_found()
    values = service.explanations.row(row)
    if values is None:
        values = service.explanations.compute_row(row)
    result = service.client_result(row, values)
    found = stored_offer(service, row)
    offer = found.payload()["offer"] if found is not None else None
    asked = None if found is None or found.found.asked is None else found.found.asked.payload()
    amount = float(service.offer_data.loans([client_id])[0][0])
    return decisions.ModelOpinion(
        client_hash=client_hash(client_id, salt) or "",
        model_version=result.model_version,
        probability=result.probability,
        threshold=result.threshold,
        decision=Decision(result.decision),
        reasons=_reasons(result),
        counter_offer_amount=None if offer is None else float(offer["amount"]),
        offer=offer,
        amount=amount if math.isfinite(amount) else None,
        barrier=None if found is None else found.found.barrier,
        asked=asked,
    )


@router.get(
    "/decisions/vocabulary", response_model=DecisionVocabularyOut, responses=error_responses(401, 500)
)
def decision_vocabulary() -> DecisionVocabularyOut:
    """The officer's possible decisions and override reasons with their labels, and which decisions
    override which model decision (what the dashboard's decision form shows)."""
    return DecisionVocabularyOut(
        decisions=[{"value": str(d), "label": d.label} for d in OfficerDecision],
        override_reasons=[{"value": str(r), "label": r.label} for r in OverrideReason],
        overrides={str(m): [str(d) for d in OfficerDecision if d.overrides(m)] for m in Decision},
        min_justification=decisions.MIN_JUSTIFICATION,
    )


def _field_error(field: str, message: str) -> RequestValidationError:
    return RequestValidationError([{"loc": ("body", field), "msg": message, "type": "value_error"}])


@router.post(
    "/clients/{client_id}/decisions",
    response_model=DecisionOut,
    status_code=status.HTTP_201_CREATED,
    responses=ERRORS,
)
def decide(
    client_id: ClientId,
    body: DecisionIn,
    request: Request,
    service: ServiceDep,
    state: StateDep,
    user: Officer,
    language: LanguageDep,
) -> DecisionOut:
    """Record the officer's final decision; one that differs from the model's is an override and needs a
    reason category and a written justification. Stored with the model version, PD, threshold and reasons,
    and a grant with the whole terms the server computes now (amount, term, borrowing rate, APR, instalment,
    fees, total cost and total payable), which its letter states whatever the model later says: an accepted
    counter-offer's, or for an accept of an application the model does not offer as asked (a refusal, a
    referral), the application as asked priced at the grade of the model's PD, as `GET /clients/{id}/offer`
    prices it (an accept of what the model offers as asked keeps the model's offer). A grant (accept, accept
    the counter-offer) above the authority limits (`scoring/strategy/authority.json`: the PD, or the amount
    asked or offered) is recorded with status `awaiting-approval`: not final, no letter, until a senior or an
    admin other than its author approves it. An accept of an application the lender may not grant as asked,
    whoever decides, override or not (an amount outside the product's range, a price above the usury
    threshold of its amount, or an instalment not affordable, whatever the risk) is refused (422 on
    `decision`, naming the limit): accept the counter-offer or refuse. A final accept or refusal takes the
    client off the worklist."""
    choice = decisions.OfficerChoice(
        OfficerDecision(body.decision),
        None if body.reason_category is None else OverrideReason(body.reason_category),
        body.justification,
    )
    opinion = model_opinion(service, state.salt, client_id)
    try:
        actor = actor_of(request, user)
        row = decisions.record(state.engine, choice, opinion, actor, authority_limits(), language)
    except decisions.DecisionError as error:
        raise _field_error(error.field, error.message) from None
    return DecisionOut(**row)


@router.get("/clients/{client_id}/decisions", response_model=DecisionHistoryOut, responses=ERRORS)
def decision_history(
    client_id: ClientId, state: StateDep, service: ServiceDep, _user: AnyUser, language: LanguageDep
) -> DecisionHistoryOut:
    """The client's recorded decisions, newest first; which decisions would override the model's now, and
    which cannot be recorded now, whoever decides, with why in the request's language (the 422 a record of
    one gives: an accept of an application the lender may not grant as asked, an accept of the
    counter-offer when there is none)."""
    opinion = model_opinion(service, state.salt, client_id)
    rows = decisions.history(state.engine, opinion.client_hash)
    overriding = [str(d) for d in OfficerDecision if opinion.overridden_by(d)]
    barred = [
        BarredOut(decision=str(d), reason_code=code, message=translate(message, language))
        for d, (code, message) in decisions.barred(opinion, language).items()
    ]
    return DecisionHistoryOut(
        client_id=client_id, decisions=[DecisionOut(**r) for r in rows], overriding=overriding, barred=barred
    )


@router.get("/oversight/summary", response_model=OversightOut, responses=error_responses(401, 403, 422, 500))
def oversight_summary(
    engine: DatabaseDep,
    _user: Analyst,
    since: Annotated[IsoDateTime, Query(description="Start (ISO 8601; default: all)")] = None,
    until: Annotated[IsoDateTime, Query(description="End, excluded (ISO 8601; default: now)")] = None,
) -> OversightOut:
    """Decisions and override rate per officer and month; default rate of overridden vs followed decisions
    once outcomes are known."""
    start, end = aware_utc(since), aware_utc(until)
    return OversightOut(
        **decisions.summary(engine, start, end), worklist=worklist.metrics(engine, start, end)
    )


DecisionId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The decision's id")]


def _review(
    engine: DatabaseDep, decision_id: int, body: ReviewIn, request: Request, user: Reviewer, approve: bool
) -> DecisionOut:
    verdict = approvals.Review(approve, body.justification)
    try:
        row = approvals.review(engine, decision_id, verdict, actor_of(request, user), authority_limits())
    except approvals.ReviewError as error:
        if error.field is not None:
            raise _field_error(error.field, error.message) from None
        raise HTTPException(error.status, error.message) from None
    return DecisionOut(**row)


@router.post(
    "/decisions/{decision_id}/approve",
    response_model=DecisionOut,
    responses=error_responses(400, 401, 403, 404, 409, 422, 500),
)
def approve(
    decision_id: DecisionId, body: ReviewIn, request: Request, engine: DatabaseDep, user: Reviewer
) -> DecisionOut:
    """A senior or an admin approves another person's grant above the authority limits, with a written
    justification: it becomes final (its letter can be issued). Four eyes: its author may not (403).
    Audited as `decision-approved`."""
    return _review(engine, decision_id, body, request, user, approve=True)


@router.post(
    "/decisions/{decision_id}/reject",
    response_model=DecisionOut,
    responses=error_responses(400, 401, 403, 404, 409, 422, 500),
)
def reject(
    decision_id: DecisionId, body: ReviewIn, request: Request, engine: DatabaseDep, user: Reviewer
) -> DecisionOut:
    """A senior or an admin rejects another person's grant above the authority limits, with a written
    justification: no letter; a referred client goes back to the worklist for a new decision. Four eyes:
    its author may not (403). Audited as `decision-rejected`."""
    return _review(engine, decision_id, body, request, user, approve=False)
