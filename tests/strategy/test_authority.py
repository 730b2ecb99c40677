"""The authority limits are policy data: the shipped file reads, a limit is inclusive, a bad file is refused
naming what is wrong."""

from __future__ import annotations

import pytest

from scoring.strategy.authority import AuthorityLimits, authority_limits
from scoring.vocabulary import Role


def test_the_shipped_limits() -> None:
    limits = authority_limits()
    assert (limits.pd_limit, limits.amount_limit) == (0.12, 1_000_000.0)
    assert limits.approvers == {Role.SENIOR, Role.ADMIN}
    assert limits.may_approve(Role.SENIOR) and not limits.may_approve(Role.OFFICER)
    assert limits.exceeded(0.12, 1_000_000.0) == []  # on the limits: within them
    assert limits.exceeded(0.1201, 1_000_001.0) == ["pd_limit", "amount_limit"]
    assert limits.exceeded(0.5, None) == ["pd_limit"]  # an unknown amount is not judged


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"pd_limit": 1.5, "amount_limit": 1, "approvers": ["admin"]}, "pd_limit"),
        ({"pd_limit": 0.1, "amount_limit": 0, "approvers": ["admin"]}, "amount_limit"),
        ({"pd_limit": 0.1, "amount_limit": 1, "approvers": []}, "approvers"),
        ({"pd_limit": 0.1, "amount_limit": 1, "approvers": ["boss"]}, "approvers: 'boss'"),
    ],
)
def test_a_bad_policy_is_refused_naming_the_field(document: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        AuthorityLimits.of(document)
