"""Authority limits: the PD and amount above which an officer's accept needs a second person's approval.

The one reader of `authority.json` (policy data: the limits, why, and who may approve).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from scoring.vocabulary import Role

POLICY_FILE = Path(__file__).with_name("authority.json")


@dataclass(frozen=True)
class AuthorityLimits:
    """An officer alone may grant credit up to `pd_limit` (calibrated PD) and `amount_limit` (inclusive)."""

    pd_limit: float
    amount_limit: float
    approvers: frozenset[Role]

    def __post_init__(self) -> None:
        if not 0.0 <= self.pd_limit <= 1.0:
            raise ValueError("authority: pd_limit must be a probability in [0, 1]")
        if self.amount_limit <= 0:
            raise ValueError("authority: amount_limit must be positive")
        if not self.approvers:
            raise ValueError("authority: approvers must name at least one role")

    @classmethod
    def of(cls, document: Mapping) -> AuthorityLimits:
        try:
            approvers = frozenset(Role(r) for r in document["approvers"])
        except ValueError as error:
            raise ValueError(f"authority: approvers: {error}") from None
        return cls(float(document["pd_limit"]), float(document["amount_limit"]), approvers)

    def exceeded(self, probability: float, amount: float | None) -> list[str]:
        """The limits a grant at this PD and amount goes beyond: `pd_limit`, `amount_limit` (none: within)."""
        over = []
        if probability > self.pd_limit:
            over.append("pd_limit")
        if amount is not None and amount > self.amount_limit:
            over.append("amount_limit")
        return over

    def may_approve(self, role: Role) -> bool:
        return role in self.approvers


@cache
def authority_limits(path: Path = POLICY_FILE) -> AuthorityLimits:
    """The authority limits of the policy file (read once)."""
    return AuthorityLimits.of(json.loads(path.read_text(encoding="utf-8")))
