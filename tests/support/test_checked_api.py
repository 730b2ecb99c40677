"""The checked fake API refuses an answer the real API could not send, and every fake goes through it."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from api.main import PREFIX
from tests.support.checked_api import CheckedTransport, api_routes, route_of
from tests.support.payloads import FACTS, SCORE

TESTS = Path(__file__).resolve().parents[1]
UNCHECKED = re.compile(r"MockTransport\s*\(")


def get(path: str, answer: httpx.Response, method: str = "GET") -> httpx.Response:
    with httpx.Client(
        transport=CheckedTransport(lambda request: answer), base_url="http://api.test"
    ) as client:
        return client.request(method, PREFIX + path)


def test_an_answer_the_api_could_send_goes_through() -> None:
    assert get("/clients/100002", httpx.Response(200, json=FACTS)).json() == FACTS
    assert get("/clients/100002/score", httpx.Response(200, json=SCORE)).json() == SCORE
    assert get("/reports/drift/a%2Fb/html", httpx.Response(200, text="<html></html>")).text  # no model


@pytest.mark.parametrize(
    ("path", "answer", "refusal"),
    [
        ("/clients/100002", {k: v for k, v in FACTS.items() if k != "split"}, "split"),  # a field missing
        (
            "/clients/100002",
            {**FACTS, "income": 1.0},
            "not what the API sends",
        ),  # a field the API never sends
        ("/clients/100002", {**FACTS, "known_outcome": "yes"}, "known_outcome"),  # another type
        ("/clients/100002/score", FACTS, "ScoreOut"),  # another route's payload
        ("/reports/drift-trend", [{"created_at": None}], "name"),  # a list item of `list[TrendPointOut]`
        ("/clients/100002/hobbies", FACTS, "has no route for"),  # a route the API does not have
    ],
)
def test_an_answer_the_api_could_not_send_is_refused(path: str, answer: object, refusal: str) -> None:
    with pytest.raises(AssertionError, match=refusal):
        get(path, httpx.Response(200, json=answer))


def test_the_status_of_the_route_is_required() -> None:
    decision = {"decision": "accept", "reason_category": None, "justification": None}
    with pytest.raises(AssertionError, match="answers 201, the fake 200"):
        get("/clients/100002/decisions", httpx.Response(200, json=decision), method="POST")


def test_error_answers_pass_as_they_are() -> None:
    answer = httpx.Response(404, json={"detail": "client 5 not found"})
    assert get("/clients/5", answer).status_code == 404


def test_every_route_of_the_api_is_found_from_its_path() -> None:
    for route in api_routes():
        path = PREFIX + re.sub(r"\{[^}]+\}", "7", route.path)
        for method in route.methods:
            assert route_of(method, path) is route


def test_no_test_fakes_the_api_past_the_check() -> None:
    """A fake API is a `CheckedTransport`: no test builds an unchecked `httpx.MockTransport`."""
    unchecked = [
        str(path.relative_to(TESTS))
        for path in TESTS.rglob("*.py")
        if path.name != "checked_api.py" and UNCHECKED.search(path.read_text(encoding="utf-8"))
    ]
    assert unchecked == []
