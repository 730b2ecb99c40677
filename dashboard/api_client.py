"""The only place the dashboard talks to the scoring API: httpx with a timeout and the API key header.

Every failure becomes an `ApiError` (`dashboard/api_errors.py`) whose message a credit officer can read; the
pages show it with a retry button.

Each call is logged as its path template (`GET /api/v1/clients/{id}/score 200`): httpx's own request log,
which writes whole URLs with client IDs, is turned off here, where the dashboard makes its calls.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import quote

import flask
import httpx

from dashboard.api_errors import ApiError, error_of, log_response
from dashboard.i18n import current, current_language

PREFIX = "/api/v1"
EXTENSION = "scoring_api"
SESSION_ENDED = "scoring.session_ended"  # set in the request's environ when the API refused its session
PAIRS = ThreadPoolExecutor(max_workers=8, thread_name_prefix="api-both")  # started once, not per page

logging.getLogger("httpx").setLevel(logging.WARNING)  # its INFO lines carry full URLs, client IDs included


def _session_ended() -> None:
    """Mark the request being served: the API refused its session, the person is signed out."""
    if flask.has_request_context():
        flask.request.environ[SESSION_ENDED] = True


class ApiClient:
    """Typed calls of the scoring API; each returns the decoded JSON or raises ApiError.

    `context` gives the headers of the request being served (the signed-in person's session token, and
    their address for the API's audit trail); `bound()` fixes them for calls made from other threads. When
    the API refuses the session a call carried (signed out, expired, revoked), the request being served is
    marked (`SESSION_ENDED` in its WSGI environ) and the dashboard signs the person out.
    """

    def __init__(
        self,
        base_url: str,
        api_key: str | None = None,
        timeout: float = 5.0,
        transport: httpx.BaseTransport | None = None,
        context: Callable[[], Mapping[str, str]] | None = None,
    ) -> None:
        headers = {"X-API-Key": api_key} if api_key else {}
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.context = context
        self._fixed: Mapping[str, str] | None = None
        self._http = httpx.Client(
            base_url=self.base_url + PREFIX,
            headers=headers,
            timeout=timeout,
            transport=transport,
            event_hooks={"response": [log_response]},
        )
        self._levels: dict[str, tuple[str, ...]] | None = None

    def close(self) -> None:
        self._http.close()

    def _headers(self) -> Mapping[str, str]:
        if self._fixed is not None:
            return self._fixed
        return self.context() if self.context else {}

    def bound(self) -> ApiClient:
        """This client with the current request's headers fixed (it shares the connection pool)."""
        clone = copy.copy(self)
        clone._fixed = dict(self._headers())
        return clone

    def unattributed(self) -> ApiClient:
        """This client without the request's headers (for loading the signed-in user itself)."""
        clone = copy.copy(self)
        clone._fixed = {}
        return clone

    def both(self, first: Callable[[ApiClient], Any], second: Callable[[ApiClient], Any]) -> tuple[Any, Any]:
        """Two independent calls made at the same time (the first error raised wins)."""
        client = self.bound()
        calls = [lambda: first(client), lambda: second(client)]
        if flask.has_request_context():  # the calls keep the page's request (its language)
            calls = [flask.copy_current_request_context(call) for call in calls]
        a, b = (PAIRS.submit(call) for call in calls)
        return a.result(), b.result()

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One call; texts the API writes (reasons, errors) come in the language of the page's request."""
        headers = {"Accept-Language": current_language(), **kwargs.pop("headers", {})}
        try:
            response = self._http.request(method, path, headers={**self._headers(), **headers}, **kwargs)
        except httpx.TimeoutException:
            message = current().gettext(
                "The scoring service did not answer within {seconds} s; it may be overloaded."
            )
            raise ApiError(message.format(seconds=f"{self.timeout:g}")) from None
        except httpx.TransportError:
            message = current().gettext(
                "The scoring service cannot be reached at {url}; it may be stopped or restarting."
            )
            raise ApiError(message.format(url=self.base_url)) from None
        if response.is_error:
            error = error_of(response)
            if error.status == 401 and "Authorization" in response.request.headers:
                _session_ended()
            raise error
        return response

    def _get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        clean = {k: v for k, v in (params or {}).items() if v is not None}
        return self._send("GET", path, params=clean).json()

    def _post(self, path: str, body: Mapping[str, Any], params: Mapping[str, Any] | None = None) -> Any:
        return self._send("POST", path, json=dict(body), params=dict(params or {})).json()

    # -- clients ------------------------------------------------------------------------------------

    def search_clients(self, prefix: str, limit: int = 20) -> list[int]:
        return self._get("/clients", {"prefix": prefix, "limit": limit})["ids"]

    def client(self, client_id: int) -> dict:
        """Facts and known outcome of a stored client."""
        return self._get(f"/clients/{client_id}")

    def client_score(self, client_id: int) -> dict:
        """Probability, decision, points and explanation (reasons by code, no full contributions)."""
        return self._get(f"/clients/{client_id}/score", {"contributions": "false"})

    def recourse(self, client_id: int) -> dict:
        """For a refused client, the offers the model accepts (lower amount, longer term)."""
        return self._get(f"/clients/{client_id}/recourse")

    def notice(self, client_id: int, lang: str, form: str) -> tuple[bytes, str]:
        """The decision letter (PDF or HTML bytes) and its reference; the API records it as issued by the
        signed-in user."""
        response = self._send("GET", f"/clients/{client_id}/notice", params={"lang": lang, "format": form})
        return response.content, response.headers.get("x-letter-reference", "")

    def similar(self, client_id: int, k: int) -> dict:
        return self._get(f"/clients/{client_id}/similar", {"k": k})

    def max_amount(self, client_id: int) -> dict:
        return self._get(f"/clients/{client_id}/max-amount")

    def offer(self, client_id: int) -> dict:  # terms, alternatives and what bound them
        return self._get(f"/clients/{client_id}/offer")

    def what_if(self, client_id: int, changes: Mapping[str, Any]) -> dict:
        """New score, explanation and largest accepted amount with changed application fields."""
        return self._post(f"/clients/{client_id}/what-if", {"changes": dict(changes)})

    # -- posted applications ------------------------------------------------------------------------

    def application_levels(self) -> dict[str, tuple[str, ...]]:
        """The levels of each choice field of an application (asked once: they are the API's schema)."""
        if self._levels is None:
            fields = self._get("/applications/fields")["fields"]
            self._levels = {f["name"]: tuple(f["levels"]) for f in fields if f["levels"]}
        return self._levels

    def score_application(self, application: Mapping[str, Any]) -> dict:
        return self._post("/score", application, {"contributions": "false"})

    def application_offer(self, application: Mapping[str, Any]) -> dict:
        """The lender's offer for a posted application (terms, alternatives and what bound them)."""
        return self._post("/score/offer", application)

    # -- model and comparisons ----------------------------------------------------------------------

    def model(self) -> dict:
        return self._get("/model")

    def reason_codes(self) -> dict:
        """The reason codes with their texts and their global importance for the served model."""
        return self._get("/reason-codes")

    def global_explanation(self, top: int = 20, rows: int = 1000) -> dict:
        return self._get("/explain/global", {"top": top, "rows": rows})

    def explanation_summary(self, top: int = 10) -> dict:
        """Importance, the binned SHAP summary and dependence curves of the `top` features (a few KB)."""
        return self._get("/explain/summary", {"top": top})

    def examples(self) -> dict:
        return self._get("/analytics/examples")

    def threshold(self, w_fn: float, w_fp: float) -> dict:
        return self._get("/analytics/threshold", {"w_fn": w_fn, "w_fp": w_fp})

    def performance(self) -> dict:
        return self._get("/analytics/performance")

    def distribution(
        self, feature: str, client_id: int | None = None, similar: int | None = None, bins: int = 30
    ) -> dict:
        """A feature by outcome among all labelled clients, or the client's `similar` nearest ones."""
        if similar is not None and client_id is not None:
            path = f"/analytics/similar/{client_id}/distribution"
            return self._get(path, {"feature": feature, "k": similar, "bins": bins})
        return self._get(
            "/analytics/distribution", {"feature": feature, "client_id": client_id, "bins": bins}
        )

    def scatter(self, x: str, y: str, client_id: int | None = None, rows: int = 1500) -> dict:
        return self._get("/analytics/scatter", {"x": x, "y": y, "client_id": client_id, "rows": rows})

    # -- operations and drift -----------------------------------------------------------------------

    def monitoring(self, since: str | None = None, until: str | None = None, bucket: str = "1h") -> dict:
        return self._get("/monitoring/summary", {"since": since, "until": until, "bucket": bucket})

    def drift_reports(self) -> list[dict]:
        return self._get("/reports/drift")

    def drift_summary(self, name: str) -> dict:
        return self._get(f"/reports/drift/{quote(name, safe='')}/summary")

    def drift_trend(self) -> list[dict]:
        """Each drift run's PSI, drifted shares and estimated performance, oldest first."""
        return self._get("/reports/drift-trend")

    def outcomes(self, since: str | None = None, until: str | None = None) -> dict:
        """Realised default rate, mean PD and AUC per monthly cohort of the score."""
        return self._get("/monitoring/outcomes", {"since": since, "until": until})

    def vintages(self) -> dict:
        """Realised default rate against the mean PD by month of origination and risk grade."""
        return self._get("/monitoring/vintages")

    def calibration(self) -> dict:
        """Calibration watched by month and segment, with the suggested recalibration."""
        return self._get("/monitoring/calibration")

    def model_history(self) -> list[dict]:
        """Every retrain decision, newest first."""
        return self._get("/model/history")

    def drift_html(self, name: str) -> bytes:
        return self._send("GET", f"/reports/drift/{quote(name, safe='')}/html").content

    # -- sign-in, accounts, decisions, letters, oversight -----------------------------------------

    def login(self, username: str, password: str) -> dict:
        return self._post("/auth/login", {"username": username, "password": password})

    def sso_login(self, username: str, provider: str) -> dict:
        return self._post("/auth/sso", {"username": username, "provider": provider})

    def logout(self) -> None:
        """End the signed-in person's session (the API revokes its token)."""
        self._send("POST", "/auth/logout")

    def session(self, token: str) -> dict:
        """The account of a session token (401 once it is signed out, expired or revoked)."""
        return self._send("GET", "/auth/session", headers={"Authorization": f"Bearer {token}"}).json()

    def end_sessions(self, user_id: int | None = None) -> dict:
        """End every session of an account, or of everyone (an admin's call): how many ended."""
        path = "/auth/sessions/end-all" if user_id is None else f"/users/{user_id}/sessions/end"
        return self._post(path, {})

    def denied(self, resource: str, reason: str) -> None:
        self._send("POST", "/auth/denied", json={"resource": resource, "reason": reason})

    def user(self, user_id: int) -> dict:
        return self._get(f"/users/{user_id}")

    def users(self) -> list[dict]:
        return self._get("/users")

    def add_user(self, username: str, role: str, password: str | None) -> dict:
        return self._post("/users", {"username": username, "role": role, "password": password})

    def set_active(self, user_id: int, active: bool) -> dict:
        return self._post(f"/users/{user_id}/{'enable' if active else 'disable'}", {})

    def set_password(self, user_id: int, password: str) -> dict:
        return self._post(f"/users/{user_id}/password", {"password": password})

    def change_password(self, current: str, new: str) -> dict:
        return self._post("/auth/password", {"current_password": current, "new_password": new})

    def decision_vocabulary(self) -> dict:
        return self._get("/decisions/vocabulary")

    def decisions(self, client_id: int) -> dict:
        """The client's recorded decisions, newest first."""
        return self._get(f"/clients/{client_id}/decisions")

    def decide(self, client_id: int, decision: Mapping[str, Any]) -> dict:
        return self._post(f"/clients/{client_id}/decisions", decision)

    def oversight(self, since: str | None = None, until: str | None = None) -> dict:
        return self._get("/oversight/summary", {"since": since, "until": until})

    def worklist(self) -> dict:
        """The referred clients awaiting a final decision, oldest first, and the grants awaiting approval."""
        return self._get("/worklist")

    def take_case(self, client_id: int, take_over: bool = False) -> dict:
        return self._post(f"/worklist/{client_id}/take", {}, {"take_over": "true"} if take_over else None)

    def review_decision(self, decision_id: int, approve: bool, justification: str) -> dict:
        """Approve (it becomes final) or reject another officer's grant above the authority limits."""
        verb = "approve" if approve else "reject"
        return self._post(f"/decisions/{decision_id}/{verb}", {"justification": justification})

    # -- decision strategies (analysts propose, administrators approve) ---------------------------------

    def strategies(self) -> list[dict]:
        """Every stored strategy version with its status, newest first."""
        return self._get("/strategies")

    def active_strategy(self) -> dict:
        """The active strategy (or null) and the product's example."""
        return self._get("/strategies/active")

    def simulate_strategy(self, text: str) -> dict:
        """A strategy file's simulation against the strategy in force, with the chart's points."""
        return self._post("/strategies/simulate", {"yaml": text})

    def propose_strategy(self, text: str) -> dict:
        return self._post("/strategies", {"yaml": text})

    def review_strategy(self, version: int, approve: bool) -> dict:
        """Approve (it becomes active) or reject a proposed version."""
        return self._post(f"/strategies/{version}/{'approve' if approve else 'reject'}", {})

    # -- the audit trail (administrators) ----------------------------------------------------------

    def audit_rows(self, query: Mapping[str, Any]) -> dict:
        """A page of audit rows, newest first (filters since, until, action, user; before, limit)."""
        return self._get("/audit", query)

    def audit_verify(self) -> dict:
        """The check of the audit trail's hash chain and of its signed anchors."""
        return self._get("/audit/verify")

    def audit_export(self, query: Mapping[str, Any]) -> tuple[bytes, str]:
        """The filtered rows as CSV and the file name the API gives them (the API records the export)."""
        response = self._send("GET", "/audit/export", params={**query, "format": "csv"})
        disposition = response.headers.get("content-disposition", "")
        return response.content, disposition.partition('filename="')[2].rstrip('"') or "audit.csv"


def install(server: flask.Flask, client: ApiClient) -> None:
    """Attach the client to the Flask server the dashboard runs in."""
    server.extensions[EXTENSION] = client


def api() -> ApiClient:
    """The client of the dashboard serving the current request."""
    return flask.current_app.extensions[EXTENSION]
