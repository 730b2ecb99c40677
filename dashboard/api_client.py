"""The only place the dashboard talks to the scoring API: httpx with a timeout and the API key header.

Every failure becomes an `ApiError` whose message a credit officer can read (service down or slow, unknown
client, invalid values by field, internal error with its request id); the pages show it with a retry button.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import quote

import flask
import httpx

PREFIX = "/api/v1"
EXTENSION = "scoring_api"


class ApiError(Exception):
    """A call that did not succeed, with a message for people and the fields the API found invalid."""

    def __init__(self, message: str, status: int | None = None, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.fields = fields or {}

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
    """The ApiError of a non-2xx response."""
    status = response.status_code
    detail, request_id = _detail(response)
    if status == 422 and isinstance(detail, list):
        fields = {p.get("field", "body"): p.get("message", "invalid") for p in detail if isinstance(p, dict)}
        listed = "; ".join(f"{name}: {message}" for name, message in fields.items())
        return ApiError(f"Some values were refused by the scoring service ({listed}).", status, fields)
    if status == 401:
        return ApiError(
            "The scoring service refused the dashboard's API key (check SCORING_API_KEY).", status
        )
    if status == 404:
        return ApiError(f"Not found: {detail}." if detail else "Not found.", status)
    if status == 503:
        return ApiError(
            "The scoring service is starting and still loading the model; try again in a few seconds.",
            status,
        )
    reference = f" (request id {request_id})" if request_id else ""
    return ApiError(f"The scoring service failed to answer{reference}: HTTP {status}.", status)


class ApiClient:
    """Typed calls of the scoring API; each returns the decoded JSON or raises ApiError."""

    def __init__(
        self,
        base_url: str,
        api_key: str | None = None,
        timeout: float = 5.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        headers = {"X-API-Key": api_key} if api_key else {}
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._http = httpx.Client(
            base_url=self.base_url + PREFIX, headers=headers, timeout=timeout, transport=transport
        )
        self._levels: dict[str, tuple[str, ...]] | None = None

    def close(self) -> None:
        self._http.close()

    def both(self, first: Callable[[ApiClient], Any], second: Callable[[ApiClient], Any]) -> tuple[Any, Any]:
        """Two independent calls made at the same time (the first error raised wins)."""
        with ThreadPoolExecutor(max_workers=2) as pool:
            a, b = pool.submit(first, self), pool.submit(second, self)
            return a.result(), b.result()

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.TimeoutException:
            raise ApiError(
                f"The scoring service did not answer within {self.timeout:g} s; it may be overloaded."
            ) from None
        except httpx.TransportError:
            raise ApiError(
                f"The scoring service cannot be reached at {self.base_url}; it may be stopped or restarting."
            ) from None
        if response.is_error:
            raise error_of(response)
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
        """Probability, decision and explanation (top reasons, no full contributions)."""
        return self._get(f"/clients/{client_id}/score", {"contributions": "false"})

    def similar(self, client_id: int, k: int) -> dict:
        return self._get(f"/clients/{client_id}/similar", {"k": k})

    def max_amount(self, client_id: int) -> dict:
        return self._get(f"/clients/{client_id}/max-amount")

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

    def application_max_amount(self, application: Mapping[str, Any]) -> dict:
        return self._post("/score/max-amount", application)

    # -- model and comparisons ----------------------------------------------------------------------

    def model(self) -> dict:
        return self._get("/model")

    def global_explanation(self, top: int = 20, rows: int = 1000) -> dict:
        return self._get("/explain/global", {"top": top, "rows": rows})

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

    def drift_html(self, name: str) -> bytes:
        return self._send("GET", f"/reports/drift/{quote(name, safe='')}/html").content


def install(server: flask.Flask, client: ApiClient) -> None:
    """Attach the client to the Flask server the dashboard runs in."""
    server.extensions[EXTENSION] = client


def api() -> ApiClient:
    """The client of the dashboard serving the current request."""
    return flask.current_app.extensions[EXTENSION]
