"""The API client: key header, query parameters, and every failure mapped to a message for people."""

from __future__ import annotations

import json

import httpx
import pytest

from api.schemas.clients import ClientSearch
from dashboard.api_client import ApiClient, ApiError
from tests.support.checked_api import CheckedTransport
from tests.support.payloads import FACTS, FIELDS, SCORE, checked


def client_with(handler) -> ApiClient:  # noqa: ANN001 - an httpx handler
    return ApiClient("http://api.test/", "secret", timeout=2.0, transport=CheckedTransport(handler))


DISTRIBUTION = {
    "feature": "APP_AMT_CREDIT",
    "label": "Credit amount",
    "kind": "numeric",
    "group": "all",
    "clients": 300,
    "edges": [0.0, 100000.0, 200000.0],
    "levels": None,
    "repaid": [150, 126],
    "defaulted": [14, 10],
    "missing_repaid": 0,
    "missing_defaulted": 0,
    "client_value": None,
}
COUNTER_OFFER = {
    "client_id": 7,
    "current_amount": 1.0,
    "current_probability": 0.3,
    "current_decision": "refuse",
    "max_amount": None,
    "annuity_at_max": None,
    "probability_at_max": None,
    "capped": False,
    "threshold": 0.1,
    "model_version": "v1",
    "term_months": None,
    "annual_rate_at_max": None,
    "apr_at_max": None,
    "grade_at_max": None,
    "goods_price_at_max": None,
    "bound": None,
    "max_instalment": None,
}


def test_calls_carry_the_key_and_drop_unset_parameters() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if "/distribution" in request.url.path:
            return httpx.Response(200, json=DISTRIBUTION)
        return httpx.Response(200, json=checked(ClientSearch, {"ids": [100002, 100003]}))

    assert client_with(handler).search_clients("1000", 5) == [100002, 100003]
    request = seen[0]
    assert request.headers["X-API-Key"] == "secret"
    assert request.url.path == "/api/v1/clients"
    assert dict(request.url.params) == {"prefix": "1000", "limit": "5"}
    client_with(handler).distribution("APP_AMT_CREDIT")
    assert dict(seen[1].url.params) == {"feature": "APP_AMT_CREDIT", "bins": "30"}
    client_with(handler).distribution("APP_AMT_CREDIT", 7, similar=20)
    assert seen[2].url.path == "/api/v1/analytics/similar/7/distribution"
    assert dict(seen[2].url.params) == {"feature": "APP_AMT_CREDIT", "k": "20", "bins": "30"}


def test_what_if_posts_the_changes() -> None:
    seen: list[httpx.Request] = []
    answer = {
        "client_id": 7,
        "changed": ["AMT_CREDIT"],
        "score": {**SCORE, "client_id": 7},
        "counter_offer": COUNTER_OFFER,
    }

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=answer)

    assert client_with(handler).what_if(7, {"AMT_CREDIT": 1.0}) == answer
    [sent] = seen
    assert sent.method == "POST" and sent.url.path == "/api/v1/clients/7/what-if"
    assert json.loads(sent.content) == {"changes": {"AMT_CREDIT": 1.0}}


def test_drift_report_names_are_escaped() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text=request.url.raw_path.decode())

    assert client_with(handler).drift_html("a/b c") == b"/api/v1/reports/drift/a%2Fb%20c/html"


def failing(response: httpx.Response | Exception) -> ApiClient:
    def handler(request: httpx.Request) -> httpx.Response:
        if isinstance(response, Exception):
            raise response
        return response

    return client_with(handler)


@pytest.mark.parametrize(
    ("outcome", "status", "words"),
    [
        (httpx.ConnectError("refused"), None, "cannot be reached at http://api.test"),
        (httpx.ReadTimeout("slow"), None, "did not answer within 2 s"),
        (httpx.Response(401, json={"detail": "no"}), 401, "refused the dashboard's API key"),
        (httpx.Response(404, json={"detail": "client 5 not found"}), 404, "client 5 not found"),
        (httpx.Response(503, json={"detail": "loading"}), 503, "still loading the model"),
        (httpx.Response(500, json={"detail": "internal", "request_id": "abc"}), 500, "request id abc"),
        (httpx.Response(502, text="<html>bad gateway</html>"), 502, "HTTP 502"),
    ],
)
def test_failures_become_readable_errors(outcome: object, status: int | None, words: str) -> None:
    with pytest.raises(ApiError) as caught:
        failing(outcome).client(5)
    assert caught.value.status == status
    assert words in caught.value.message
    assert caught.value.not_found == (status == 404)


def test_validation_errors_name_the_fields() -> None:
    body = {"detail": [{"field": "changes.AMT_CREDIT", "message": "must be positive", "type": "x"}]}
    with pytest.raises(ApiError) as caught:
        failing(httpx.Response(422, json=body)).what_if(5, {"AMT_CREDIT": -1})
    assert caught.value.fields == {"changes.AMT_CREDIT": "must be positive"}
    assert "changes.AMT_CREDIT: must be positive" in caught.value.message


def test_both_makes_two_calls_and_raises_the_first_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/score"):
            return httpx.Response(404, json={"detail": "client 5 not found"})
        return httpx.Response(200, json=FACTS)

    api = client_with(handler)
    with pytest.raises(ApiError) as caught:
        api.both(lambda c: c.client(5), lambda c: c.client_score(5))
    assert caught.value.not_found
    assert api.both(lambda c: c.client(5), lambda c: c.client(5)) == (FACTS, FACTS)


def test_application_levels_are_asked_once() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return httpx.Response(200, json=FIELDS)

    api = client_with(handler)
    assert api.application_levels()["NAME_CONTRACT_TYPE"] == ("Cash loans", "Revolving loans")
    assert api.application_levels() is api.application_levels()
    assert seen == ["/api/v1/applications/fields"]
