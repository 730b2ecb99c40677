"""The payload check refuses what the API would not send."""

from __future__ import annotations

import pytest

from api.schemas.clients import ClientOut
from tests.support.payloads import FACTS, LEVELS, checked


def test_a_payload_the_api_could_send_passes_unchanged() -> None:
    assert checked(ClientOut, FACTS) is FACTS
    assert LEVELS["CODE_GENDER"] == ("F", "M")


@pytest.mark.parametrize(
    "change",
    [{"split": "later"}, {"known_outcome": "yes"}, {"extra": 1}, {"facts": [{"name": "AMT_CREDIT"}]}],
)
def test_a_payload_the_api_could_not_send_fails(change: dict) -> None:
    with pytest.raises((AssertionError, ValueError)):
        checked(ClientOut, {**FACTS, **change})
