"""The decision letter of a stored client (PDF or HTML, English or French): one decision, one letter.

The letter announces the officer's final decision when one is recorded (a grant with the terms recorded
with it; a referral is not final, so the model's decision stands), else the model's, and only what supports
it (`scoring.notice.content`). The first delivery of a decision's letter issues it, with its audit row,
before it is sent; later views, formats and languages of the same decision carry the same reference and
issue date and are listed on that letter (`scoring.db.letters`).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import replace
from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Request, Response, status
from starlette.concurrency import run_in_threadpool

from api.deps import (
    ClientId,
    ClientRowDep,
    RequestIdDep,
    ServiceDep,
    SettingsDep,
    StateDep,
    application_not_found,
)
from api.errors import error_responses
from api.identity import OptionalUser, actor_of
from api.language import LanguageDep
from scoring.db import decisions
from scoring.db.letters import IssuedLetter, decision_key, first_issue, record_delivery
from scoring.explain.recourse import Recourse
from scoring.notice.content import OfficerFacts, build_notice, new_reference
from scoring.notice.html import render_html
from scoring.notice.pdf import render_pdf
from scoring.offer.terms import Terms
from scoring.serving.letter_facts import stored_facts
from scoring.serving.prediction_log import client_hash
from scoring.vocabulary import Decision, OfficerDecision, OverrideReason, Role

router = APIRouter(prefix="/clients", tags=["clients"])

MEDIA = {"pdf": "application/pdf", "html": "text/html; charset=utf-8"}  # Starlette adds no second charset
ISSUERS = frozenset({Role.OFFICER, Role.SENIOR, Role.ADMIN})
REFERRED = "referred to an officer: the letter follows the officer's decision"
NOTHING_LENT = (
    "the model accepts the risk, but nothing can be lent to this household, as asked or otherwise: the "
    "letter follows an officer's decision"
)
LETTER = {
    200: {
        "description": "The letter: one A4 page (PDF) or a printable HTML page",
        "content": {"application/pdf": {}, "text/html": {}},
        "headers": {
            "X-Letter-Reference": {
                "description": "the letter's reference, the same for every "
                "view, format and language of one decision",
                "schema": {"type": "string"},
            }
        },
    }
}


def _officer(recorded: dict | None, recourse: Recourse) -> OfficerFacts | None:
    """The officer's recorded final decision (None without one, or for a referral), a grant with the terms
    recorded with it (an accepted counter-offer; an accept of what the model did not offer as asked)."""
    officer = OfficerDecision(recorded["decision"]) if recorded else None
    if officer is None or officer.announced is None:
        return None
    reason = recorded["reason_category"]
    offered = recorded["counter_offer_amount"] if officer == OfficerDecision.ACCEPT_COUNTER_OFFER else None
    annuity = recourse.annuity
    known = offered and annuity is not None and math.isfinite(annuity) and recourse.amount > 0
    terms = Terms.of(recorded["offer"])  # as recorded, whatever the model says now
    return OfficerFacts(
        decision=officer,
        reason=OverrideReason(reason) if reason else None,
        offered_amount=offered,
        offered_annuity=annuity * offered / recourse.amount if known else None,  # same rate and term
        offer=terms,
    )


@router.get(
    "/{client_id}/notice",
    response_class=Response,
    responses={**LETTER, **error_responses(401, 403, 404, 409, 422, 500, 503)},
)
async def client_notice(
    client_id: ClientId,
    row: ClientRowDep,
    request: Request,
    service: ServiceDep,
    settings: SettingsDep,
    state: StateDep,
    request_id: RequestIdDep,
    language: LanguageDep,
    user: OptionalUser,
    format: Annotated[Literal["pdf", "html"], Query(description="pdf (one A4 page) or html")] = "pdf",  # noqa: A002
) -> Response:
    """The letter of the client's final decision: the officer's recorded decision when there is one (a
    referral is not final: the model's decision stands), else the model's, and only what supports it. A
    model's referral (the strategy's refer band or a refer rule) is no final decision: without an officer's
    final decision the answer is 409 ("referred to an officer: the letter follows the officer's decision"),
    and so is a model's acceptance of a client the offer can lend nothing to (no terms, as asked or
    otherwise: the household cannot carry even the product's smallest amount), until an officer decides.
    A refusal by a policy rule gives the rule's customer sentence among the reasons.

    A refusal gives the officer's reason category in the customer's words (a suspicion of fraud is told as
    "our checks") and the model's principal reasons towards refusal (at most 4 in all); a refusal by the
    model that stands adds its score points against those needed, what the customer can do and the
    lower amount or longer term the model accepts. An acceptance says nothing of a refusal, a score or a
    cut-off; it states the credit's terms as Directive 2023/2225 names them (total amount of credit,
    duration, fixed annual borrowing rate, APR, amount and number of instalments, fees, total cost, total
    amount payable): a grant by an officer those recorded with the decision (an accepted counter-offer; an
    accept of an application the model refused or referred, the application as asked priced at the grade of
    the model's PD). No letter gives a
    probability of default. The rights paragraph says whether a person or the model took the decision;
    then how to ask for a review and an explanation, and the model version.

    One decision, one letter: the first delivery issues it (letter and `letter-issued` audit row written
    before it is sent: who, when, salted client hash, reference); every later view, format or language of
    the same decision (same officer's decision, or without one the same model decision, version and
    probability) carries the same reference (X-Letter-Reference) and issue date, is listed on that letter
    and issues nothing. Issued for the signed-in officer of the session token (an analyst gets 403), or
    for the API's caller."""
    if user is not None and user.role not in ISSUERS:
        raise HTTPException(status.HTTP_403_FORBIDDEN, f"the role {user.role} may not issue letters")
    stored = await run_in_threadpool(stored_facts, service, row)
    if stored is None:
        raise application_not_found()
    model_facts, result = stored
    hashed = client_hash(client_id, state.salt) or ""
    recorded = await run_in_threadpool(decisions.latest, state.engine, hashed)
    if (pending := decisions.not_final(recorded)) is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, pending)
    officer = _officer(recorded, model_facts.recourse)
    model_decision = model_facts.model_decision
    if model_decision == Decision.REFER and officer is None:
        raise HTTPException(status.HTTP_409_CONFLICT, REFERRED)
    nothing = model_facts.offer is None and model_facts.counter_offer is None
    if model_decision == Decision.ACCEPT and officer is None and nothing:  # no terms a letter could state
        raise HTTPException(status.HTTP_409_CONFLICT, NOTHING_LENT)
    facts = replace(model_facts, officer=officer)
    decision_id = recorded["id"] if officer is not None and recorded else None
    key = decision_key(hashed, decision_id, model_decision, result.model_version, result.probability)
    now = datetime.now(UTC)
    letter = IssuedLetter(
        created_at=now,
        reference="",
        request_id=request_id,
        client_hash=hashed,
        kind=str(officer.decision) if officer else str(model_decision),
        probability=result.probability,
        language=language,
        format=format,
        model_version=result.model_version,
        document_sha256="",
        decision_key=key,
        decision_id=decision_id,
    )
    first = await run_in_threadpool(first_issue, state.engine, letter.decision_key)
    actor = actor_of(request, user)
    for _ in range(2):  # a second time only when another request issued this decision's letter meanwhile
        reference, issued_at = (first.reference, first.issued_at) if first else (new_reference(now), now)
        notice = build_notice(facts, settings.lender, language, issued_at, reference)
        if format == "pdf":
            body: bytes = await run_in_threadpool(render_pdf, notice, settings.letter_font_dir)
        else:
            body = render_html(notice).encode("utf-8")
        delivered = replace(letter, reference=reference, document_sha256=hashlib.sha256(body).hexdigest())
        first = await run_in_threadpool(record_delivery, state.engine, actor, delivered)
        if first.reference == reference:
            break
    headers = {
        "Content-Disposition": f'inline; filename="decision-{reference}.{format}"',
        "Content-Language": language,
        "X-Letter-Reference": reference,
    }
    return Response(body, media_type=MEDIA[format], headers=headers)
