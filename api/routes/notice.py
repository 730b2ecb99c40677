"""The decision letter of a stored client (PDF or HTML, English or French), recorded when issued."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, Response
from starlette.concurrency import run_in_threadpool

from api.deps import RequestIdDep, ServiceDep, SettingsDep, StateDep
from api.errors import error_responses
from api.language import LanguageDep
from api.routes.clients import ClientId
from api.routes.recourse import client_recourse_of
from scoring.notice.content import DecisionFacts, build_notice, new_reference
from scoring.notice.html import render_html
from scoring.notice.pdf import render_pdf
from scoring.serving.letters import LetterRecord, record_letter
from scoring.serving.prediction_log import client_hash
from scoring.vocabulary import Decision

router = APIRouter(prefix="/clients", tags=["clients"])

MEDIA = {"pdf": "application/pdf", "html": "text/html; charset=utf-8"}
LETTER = {
    200: {
        "description": "The letter: one A4 page (PDF) or a printable HTML page",
        "content": {"application/pdf": {}, "text/html": {}},
    }
}


@router.get(
    "/{client_id}/notice",
    response_class=Response,
    responses={**LETTER, **error_responses(401, 404, 422, 500, 503)},
)
async def client_notice(
    client_id: ClientId,
    service: ServiceDep,
    settings: SettingsDep,
    state: StateDep,
    request_id: RequestIdDep,
    language: LanguageDep,
    format: Annotated[Literal["pdf", "html"], Query(description="pdf (one A4 page) or html")] = "pdf",  # noqa: A002
    issued_by: Annotated[
        str | None,
        Header(
            alias="X-Issued-By",
            max_length=128,
            description="Who asks for the letter (recorded with it; 'unknown' when absent)",
        ),
    ] = None,
) -> Response:
    """The decision letter: lender, date, reference, decision, score points, for a refusal the principal
    reasons (at most 4, in the customer's words), what the customer can do, the counter-offer or longer
    term when the model accepts one, the right to a human review and an explanation and how to ask, the
    model version. Every letter issued is recorded (who, when, salted client hash, reference)."""
    recourse = await run_in_threadpool(client_recourse_of, service, client_id, settings)  # 404 if unknown
    row = int(service.store.row(client_id))
    values = service.explanations.row(row)
    if values is None:
        values = await run_in_threadpool(service.explanations.compute_row, row)
    result = service.client_result(row, values)
    decision = Decision(result.decision)
    facts = DecisionFacts(
        client_id=client_id,
        decision=decision,
        probability=result.probability,
        points=result.points,
        threshold_points=result.threshold_points,
        amount=recourse.amount,
        reasons=result.explanation.reasons if result.explanation else [],
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
    letter = LetterRecord(
        created_at=issued_at,
        reference=reference,
        request_id=request_id,
        issued_by=issued_by or "unknown",
        client_hash=client_hash(client_id, state.salt) or "",
        model_version=result.model_version,
        decision=result.decision,
        probability=result.probability,
        language=language,
        format=format,
    )
    await run_in_threadpool(record_letter, state.engine, letter)
    headers = {
        "Content-Disposition": f'inline; filename="decision-{reference}.{format}"',
        "Content-Language": language,
        "X-Letter-Reference": reference,
    }
    return Response(body, media_type=MEDIA[format], headers=headers)
