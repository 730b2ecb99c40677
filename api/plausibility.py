"""Plausibility of a posted application (rules in `plausibility.json`): the applicant's age, the smallest
credit, and ratios of two fields (the annuity does not exceed the credit). The age and the credit are ranges
of their fields; a ratio is a check of the whole application whose problems name each field involved (422),
without echoing their values."""

from __future__ import annotations

import json
import math
from collections.abc import Collection, Mapping
from functools import cache
from importlib import resources
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

DAYS_PER_YEAR = 365.25  # as the dashboard's age field


@cache
def rules() -> dict[str, Any]:
    return json.loads(resources.files("api").joinpath("plausibility.json").read_text("utf-8"))


def days_birth_range() -> tuple[int, int]:
    """DAYS_BIRTH (days before the application, negative) of an applicant of the allowed ages."""
    age = rules()["age_years"]
    return -math.ceil(age["max"] * DAYS_PER_YEAR), -math.floor(age["min"] * DAYS_PER_YEAR)


def minimum(field: str) -> float | None:
    """The smallest value of `field` the rules allow (None: the schema's own)."""
    return rules()["minimum"].get(field)


def ratio_problems(
    values: Mapping[str, Any], touched: Collection[str] | None = None
) -> list[InitErrorDetails]:
    """A problem for each field of each ratio out of its bounds (fields missing, null or a 0 denominator:
    nothing to check); only the ratios with a field in `touched` when it is given."""
    problems: list[InitErrorDetails] = []
    for ratio in rules()["ratios"]:
        if touched is not None and not {ratio["numerator"], ratio["denominator"]} & set(touched):
            continue
        top, bottom = values.get(ratio["numerator"]), values.get(ratio["denominator"])
        if top is None or not bottom or top / bottom >= ratio["min"]:
            continue
        for field, message in ratio["messages"].items():
            error = PydanticCustomError("implausible", message)
            problems.append(InitErrorDetails(type=error, loc=(field,), input=values.get(field)))
    return problems


def check_plausible(model: BaseModel) -> BaseModel:
    """A model validator (mode "after"): the ratios of the fields given."""
    problems = ratio_problems({name: getattr(model, name, None) for name in model.model_fields_set})
    if problems:
        raise ValidationError.from_exception_data(type(model).__name__, problems)
    return model


def changes_problems(stored: Mapping[str, Any], changes: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The ratios a what-if's `changes` break once applied to the stored application (a new annuity above
    the stored credit...), as validation errors at `body.changes.<field>`; a ratio the changes leave alone
    is the application as it was ingested and is not checked."""
    problems = ratio_problems({**stored, **changes}, set(changes))
    return [
        {"loc": ("body", "changes", *problem["loc"]), "msg": problem["type"].message(), "type": "value_error"}
        for problem in problems
        if problem["loc"][0] in changes  # the field the person changed, not the stored one beside it
    ]
