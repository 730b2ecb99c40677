"""The scoring API's failures as the dashboard tells them: `ApiError`, with a message a credit officer can
read (service down or slow, unknown client, invalid values by field, internal error with its request id),
built from a non-2xx response in the language of the request being served; each response logged by path."""

from __future__ import annotations

import logging
import re

import httpx

from dashboard import forms
from dashboard.i18n import current

USER_CHALLENGE = "SignedInUser"  # the API's 401 about the person (sign-in, session token), not its key
NUMBER = re.compile(r"/[0-9]+(?=/|$)")

logger = logging.getLogger("dashboard.api")


def path_template(path: str) -> str:
    """A request path with its numbers (client IDs) replaced by {id}."""
    return NUMBER.sub("/{id}", path)


def log_response(response: httpx.Response) -> None:
    logger.info(
        "%s %s %d", response.request.method, path_template(response.request.url.path), response.status_code
    )


class ApiError(Exception):
    """A call that did not succeed, with a message for people and the fields the API found invalid (every
    problem in `problems`, several of one field included: a strategy file's, one a line)."""

    def __init__(
        self,
        message: str,
        status: int | None = None,
        fields: dict[str, str] | None = None,
        problems: list[str] | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.status = status
        self.fields = fields or {}
        self.problems = problems or list(self.fields.values())

    @property
    def not_found(self) -> bool:
        return self.status == 404


def _detail(response: httpx.Response) -> tuple[str, str | None]:
    """The API's error detail and request id (the body may not be JSON when a proxy answers)."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200], None
    if not isinstance(body, dict):
        return str(body)[:200], None
    return body.get("detail", ""), body.get("request_id")


def error_of(response: httpx.Response) -> ApiError:
    """The ApiError of a non-2xx response, in the language of the request being served."""
    _ = current().gettext
    status = response.status_code
    detail, request_id = _detail(response)
    if status == 422 and isinstance(detail, list):
        fields = {p.get("field", "body"): p.get("message", "invalid") for p in detail if isinstance(p, dict)}
        listed = "; ".join(
            _("{field}: {problem}").format(field=forms.label(name, current()), problem=message)
            for name, message in fields.items()
        )
        return ApiError(
            _("Some values were refused by the scoring service ({fields}).").format(fields=listed),
            status,
            fields,
            [p.get("message", "invalid") for p in detail if isinstance(p, dict)],
        )
    if status == 401 and response.headers.get("WWW-Authenticate") != USER_CHALLENGE:
        return ApiError(
            _("The scoring service refused the dashboard's API key (check SCORING_DASHBOARD_API_KEY)."),
            status,
        )
    if status == 401 and "Authorization" in response.request.headers:
        return ApiError(_("Your session has ended: sign in again."), status)
    if status in (401, 403, 409, 429):
        refused = _("Refused (HTTP {status}).").format(status=status)
        return ApiError(f"{detail}." if detail else refused, status)
    if status == 404:
        return ApiError(
            _("Not found: {detail}.").format(detail=detail) if detail else _("Not found."), status
        )
    if status == 503:
        return ApiError(
            _("The scoring service is starting and still loading the model; try again in a few seconds."),
            status,
        )
    if request_id:
        return ApiError(
            _("The scoring service failed to answer (request id {request_id}): HTTP {status}.").format(
                request_id=request_id, status=status
            ),
            status,
        )
    return ApiError(_("The scoring service failed to answer: HTTP {status}.").format(status=status), status)
