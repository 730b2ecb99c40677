"""Error bodies: 422 naming each bad field (never echoing its value), HTTP errors, generic 500."""

from __future__ import annotations

import logging
import re

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import OperationalError, ProgrammingError
from starlette.exceptions import HTTPException
from starlette.types import Scope, Send

from api.error_texts import translate, translate_problem
from api.language import request_language
from api.spool import SpoolError

logger = logging.getLogger("api.errors")

INTERNAL_ERROR = "internal server error"


class ErrorBody(BaseModel):
    """An error: what went wrong, and the request id to quote to support."""

    detail: str
    request_id: str | None = None


class FieldProblem(BaseModel):
    """One invalid input: its dotted path (AMT_CREDIT, history.bureau.0.DAYS_CREDIT), message, rule."""

    field: str
    message: str
    type: str


class ValidationErrorBody(BaseModel):
    detail: list[FieldProblem]
    request_id: str | None = None


def request_id_of(request: Request) -> str | None:
    return getattr(request.state, "request_id", None)


SAFE_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
UNKNOWN_NAME = "(unknown name)"
UNKNOWN_QUERY = "Unknown query parameter"


def _part(part: object) -> str:
    """A path element as shown: a field name that is not a plain identifier (a name the caller made up)
    is not echoed."""
    text = str(part)
    return text if SAFE_NAME.fullmatch(text) else UNKNOWN_NAME


def _field(loc: tuple) -> str:
    """Dotted field path without the 'body'/'path'/'query' prefix; a bad JSON document is 'body'."""
    parts = [_part(p) for p in loc]
    if len(parts) > 1 and parts[0] in ("body", "path", "query", "header"):
        parts = parts[1:]
    if loc and loc[0] == "body" and len(loc) == 2 and isinstance(loc[1], int):
        return "body"  # JSON decode error at a character position
    return ".".join(parts) or "body"


def validation_problems(errors: list[dict], language: str = "en") -> list[FieldProblem]:
    """Each problem with its field, its message in `language` and its rule, once (a path parameter that a
    route and its dependency both read is checked twice)."""
    problems = [
        FieldProblem(
            field=_field(tuple(e.get("loc", ()))),
            message=translate_problem(e["type"], e["msg"], e.get("ctx"), language),
            type=e["type"],
        )
        for e in errors
    ]
    return list({(p.field, p.message, p.type): p for p in problems}.values())


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    problems = validation_problems(list(exc.errors()), request_language(request))
    body = ValidationErrorBody(detail=problems, request_id=request_id_of(request))
    return JSONResponse(body.model_dump(), status_code=422)


async def _http_error(request: Request, exc: HTTPException) -> JSONResponse:
    detail = translate(str(exc.detail), request_language(request))
    body = ErrorBody(detail=detail, request_id=request_id_of(request))
    return JSONResponse(body.model_dump(), status_code=exc.status_code, headers=exc.headers)


async def _log_unavailable(request: Request, exc: Exception) -> JSONResponse:
    """503 when the prediction log cannot take a score (local disk) or be read (its database)."""
    if isinstance(exc, SpoolError):
        detail = "the prediction log cannot record scores now; no score was given"
    else:
        detail = "the prediction log database is unavailable"
    logger.error("request %s: %s (%s)", request_id_of(request), detail, type(exc).__name__)
    body = ErrorBody(detail=translate(detail, request_language(request)), request_id=request_id_of(request))
    return JSONResponse(body.model_dump(), status_code=503, headers={"Retry-After": "5"})


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    for unavailable in (SpoolError, OperationalError, ProgrammingError):
        app.add_exception_handler(unavailable, _log_unavailable)


async def send_error(send: Send, status: int, detail: str, request_id: str) -> None:
    """An error body sent straight from the ASGI layer (no request read)."""
    await _send_json(send, status, orjson.dumps({"detail": detail, "request_id": request_id}))


async def send_unknown_query(send: Send, scope: Scope, names: list[str], request_id: str) -> None:
    """The 422 naming query parameters the operation does not declare, as a route's validation error reads
    (`api.query_names`), sent from the ASGI layer."""
    errors = [{"loc": ("query", name), "msg": UNKNOWN_QUERY, "type": "extra_forbidden"} for name in names]
    problems = validation_problems(errors, request_language(Request(scope)))
    body = ValidationErrorBody(detail=problems, request_id=request_id)
    await _send_json(send, 422, orjson.dumps(body.model_dump()))


async def _send_json(send: Send, status: int, body: bytes) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def send_internal_error(send: Send, request_id: str) -> None:
    """The generic 500: no exception text, no input values; details are in the server log."""
    await send_error(send, 500, INTERNAL_ERROR, request_id)


def error_responses(*codes: int) -> dict[int | str, dict]:
    """OpenAPI documentation of the error statuses a route can return."""
    described = {
        400: "Malformed request",
        401: "Missing or invalid API key, or no valid signed-in user where one is required",
        403: "The signed-in user's role does not allow this",
        404: "Not found",
        409: "Conflict with an existing record",
        413: "Request body or batch too large",
        422: "Invalid input: each problem names its field",
        429: "Too many failed sign-ins from this address (or for this account from it): see Retry-After",
        500: "Internal error (generic body with the request id)",
        503: "Model and client store not loaded yet",
    }
    return {
        code: {"model": ValidationErrorBody if code == 422 else ErrorBody, "description": described[code]}
        for code in codes
    }
