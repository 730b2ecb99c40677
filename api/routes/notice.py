"""The decision letter of a stored client (PDF or HTML, English or French), recorded when issued.

The letter announces the officer's final decision when one is recorded (an accepted counter-offer at its
amount; a referral is not final, so the model's decision stands), else the model's; a refusal lists the
principal reasons towards refusal. Each letter is recorded with its audit row before it is sent.
"""

from __future__ import annotations

import hashlib
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
from scoring.db.letters import IssuedLetter, record_letter
from scoring.explain.reasons import principal_reasons
from scoring.notice.content import DecisionFacts, build_notice, new_reference
from scoring.notice.html import render_html
from scoring.notice.pdf import render_pdf
from scoring.serving.prediction_log import client_hash
from scoring.serving.recourse import client_recourse
from scoring.vocabulary import Decision, OfficerDecision, Role

router = APIRouter(prefix="/clients", tags=["clients"])

MEDIA = {"pdf": "application/pdf", "html": "text/html; charset=utf-8"}
ISSUERS = frozenset({Role.OFFICER, Role.ADMIN})
LETTER = {
    200: {
        "description": "The letter: one A4 page (PDF) or a printable HTML page",
        "content": {"application/pdf": {}, "text/html": {}},
    }
}


@router.get(
    "/{client_id}/notice",
    response_class=Response,
    responses={**LETTER, **error_responses(401, 403, 404, 422, 500, 503)},
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
    """The decision letter: lender, date, reference, decision, score points, for a refusal the principal
    reasons (at most 4, in the customer's words), what the customer can do, the counter-offer or longer
    term when the model accepts one, the right to a human review and an explanation and how to ask, the
    model version. Issued for the signed-in officer named in X-Scoring-User (an analyst gets 403), or for
    the API's caller; every letter is recorded (who, when, salted client hash, reference)."""
    if user is not None and user.role not in ISSUERS:
        raise HTTPException(status.HTTP_403_FORBIDDEN, f"the role {user.role} may not issue letters")
    recourse = await run_in_threadpool(client_recourse, service, row, client_id, settings.recourse_terms)
    if recourse is None:
        raise application_not_found()
    values = service.explanations.row(row)
    if values is None:
        values = await run_in_threadpool(service.explanations.compute_row, row)
    result = service.client_result(row, values)
    hashed = client_hash(client_id, state.salt) or ""
    recorded = await run_in_threadpool(decisions.latest, state.engine, hashed)
    officer = OfficerDecision(recorded["decision"]) if recorded else None
    decision = (officer and officer.announced) or Decision(result.decision)
    counter_offer = officer == OfficerDecision.ACCEPT_COUNTER_OFFER and recorded["counter_offer_amount"]
    codes = result.explanation.codes if result.explanation else []
    facts = DecisionFacts(
        client_id=client_id,
        decision=decision,
        probability=result.probability,
        points=result.points,
        threshold_points=result.threshold_points,
        amount=float(recorded["counter_offer_amount"]) if counter_offer else recourse.amount,
        reasons=principal_reasons(codes, decision) if decision == Decision.REFUSE else [],
        recourse=recourse if decision == Decision.REFUSE else None,
        model_version=result.model_version,
    )
    issued_at = datetime.now(UTC)
    reference = new_reference(issued_at)
    notice = build_notice(facts, settings.lender, language, issued_at, reference)
    if format == "pdf":
        body: bytes = await run_in_threadpool(render_pdf, notice, settings.letter_font_dir)
    else:
        body = render_html(notice).encode("utf-8")
    letter = IssuedLetter(
        created_at=issued_at,
        reference=reference,
        request_id=request_id,
        client_hash=hashed,
        kind=str(officer) if officer and officer.announced else str(decision),
        probability=result.probability,
        language=language,
        format=format,
        model_version=result.model_version,
        document_sha256=hashlib.sha256(body).hexdigest(),
        decision_id=recorded["id"] if recorded and officer.announced else None,
    )
    await run_in_threadpool(record_letter, state.engine, actor_of(request, user), letter)
    headers = {
        "Content-Disposition": f'inline; filename="decision-{reference}.{format}"',
        "Content-Language": language,
        "X-Letter-Reference": reference,
    }
    return Response(body, media_type=MEDIA[format], headers=headers)
