"""The API's response models spell the library's vocabularies out as literals (for the OpenAPI document):
each literal must hold exactly the values of its vocabulary."""

from __future__ import annotations

from enum import StrEnum
from typing import get_args

import pytest

from api.schemas import access, strategies
from scoring.vocabulary import Decision, DecisionStatus, OfficerDecision, OverrideReason, Role, StrategyStatus


@pytest.mark.parametrize(
    ("literal", "vocabulary"),
    [
        (access.RoleName, Role),
        (access.OfficerDecisionName, OfficerDecision),
        (access.DecisionStatusName, DecisionStatus),
        (access.OverrideReasonName, OverrideReason),
        (strategies.StatusName, StrategyStatus),
        (strategies.DecisionName, Decision),
    ],
)
def test_literal_holds_the_vocabulary(literal: object, vocabulary: type[StrEnum]) -> None:
    assert set(get_args(literal)) == {member.value for member in vocabulary}
