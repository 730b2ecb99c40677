"""Pydantic models of a posted application, generated from the Kaggle schema (`scoring.data.schema`).

Fields keep the Kaggle names and types; numbers are range-checked, categorical fields accept the schema's
levels (plus "XNA"/"XAP", the raw tokens for missing), unknown fields are rejected. Amounts, counts and day
offsets held as floats are 0 or at least one unit (0.01 of currency, 1 count or day) in magnitude: a tiny
fraction such as 1e-300 is no real value, and as a divisor it would blow the ratios up. The optional
`history` holds the applicant's rows of the six secondary tables; their SK_ID_CURR is taken from the
application. `ApplicationChanges` are the same fields, all optional (the what-if of a stored client), and
`application_fields()` lists the fields with their levels for clients that build forms (the dashboard).
A protected attribute (scoring/features/protected.json: the applicant's sex by default) is still accepted, as
the Kaggle schema has it, and stored for fairness monitoring, but no model uses it: its field says so, and
the same application with any value of it gets the same score. Plausibility (`plausibility.py`): an applicant
aged 18 to 100, a credit of at least 1,000, an annuity not above the credit (422s naming the fields).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    create_model,
    model_validator,
)
from pydantic.fields import FieldInfo

from api.plausibility import check_plausible, days_birth_range, minimum
from scoring.data.schema import (
    APPLICATION_TEST,
    CAT,
    DAYS_EMPLOYED_ANOMALY,
    FLOAT,
    KEY,
    MISSING_TOKENS,
    SECONDARY_TABLES,
    TABLES,
    Column,
)
from scoring.features.protected import protected_policy

REQUIRED = ("NAME_CONTRACT_TYPE", "AMT_INCOME_TOTAL", "AMT_CREDIT", "DAYS_BIRTH")
MAX_ID = 2**31 - 1
MAX_AMOUNT = 1e9
MAX_DAYS = 40_000
MAX_HISTORY_DAYS = 1e6
MAX_HISTORY_ROWS = 5_000
CENT = 0.01
_UNIT_INTERVAL_SUFFIXES = ("_AVG", "_MODE", "_MEDI")
_STRICT = ConfigDict(extra="forbid", allow_inf_nan=False, strict=True)  # no "12" or true for a number


def _whole(value: object) -> object:
    """JSON has one number type: 3.0 is the integer 3 (as JSON Schema says); true is not a number."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _ranged(kind: type, low: float, high: float) -> Any:
    if kind is int:
        return Annotated[int, Field(ge=low, le=high), BeforeValidator(_whole)]
    return Annotated[kind, Field(ge=low, le=high)]


def _zero_or_at_least(unit: float, high: float, positive: bool = True, negative: bool = False) -> Any:
    """A float that is 0 or has a magnitude in [unit, high], on the allowed side(s) of 0."""

    def check(value: float) -> float:
        if value != 0 and abs(value) < unit:
            raise ValueError(f"must be 0 or at least {unit:g} in magnitude")
        return value

    ranges: list[dict] = [{"const": 0}]
    if positive:
        ranges.append({"type": "number", "minimum": unit, "maximum": high})
    if negative:
        ranges.append({"type": "number", "minimum": -high, "maximum": -unit})
    low, top = (-high if negative else 0), (high if positive else 0)
    return Annotated[float, Field(ge=low, le=top), AfterValidator(check), WithJsonSchema({"anyOf": ranges})]


def _application_number(column: Column) -> Any:
    """Type and range of a numeric application field."""
    name = column.name
    if name == "SK_ID_CURR":
        return _ranged(int, 1, MAX_ID)
    if name == "DAYS_EMPLOYED":  # days before the application, or the raw "not employed" code
        return _ranged(int, -MAX_DAYS, 0) | Literal[DAYS_EMPLOYED_ANOMALY]
    if column.kind != FLOAT:
        return _ranged(int, *(_APPLICATION_INT_RANGES.get(name) or _int_range(name)))
    if name == "AMT_CREDIT":
        return _ranged(float, minimum(name) or CENT, MAX_AMOUNT)
    if name.startswith("AMT_REQ_CREDIT_BUREAU") or name.endswith("_SOCIAL_CIRCLE"):
        return _zero_or_at_least(1, 1000)
    if name.startswith("AMT_"):
        return _zero_or_at_least(CENT, MAX_AMOUNT)
    if name.startswith("DAYS_"):
        return _zero_or_at_least(1, MAX_DAYS, positive=False, negative=True)
    if (
        name.startswith("EXT_SOURCE")
        or name == "REGION_POPULATION_RELATIVE"
        or name.endswith(_UNIT_INTERVAL_SUFFIXES)
    ):
        return _ranged(float, 0, 1)
    return _ranged(float, *{"CNT_FAM_MEMBERS": (1, 40), "OWN_CAR_AGE": (0, 100)}[name])


_APPLICATION_INT_RANGES = {
    "CNT_CHILDREN": (0, 30),
    "DAYS_BIRTH": days_birth_range(),  # an applicant aged 18 to 100
    "DAYS_ID_PUBLISH": (-MAX_DAYS, 0),
    "HOUR_APPR_PROCESS_START": (0, 23),
    "REGION_RATING_CLIENT": (1, 3),
    "REGION_RATING_CLIENT_W_CITY": (1, 3),
}


def _int_range(name: str) -> tuple[int, int]:
    """Flags (FLAG_*, REG_*, LIVE_*) are 0/1."""
    if name.startswith(("FLAG_", "REG_", "LIVE_")):
        return 0, 1
    raise KeyError(f"no range defined for application field {name}")


def _history_number(column: Column) -> Any:
    """Type and range of a numeric history field: signed amounts and day offsets, non-negative counts."""
    name = column.name
    if column.kind == KEY:
        return _ranged(int, 1, MAX_ID)
    if column.kind != FLOAT:
        return _ranged(int, -MAX_AMOUNT, MAX_AMOUNT)
    if name.startswith("AMT_"):
        return _zero_or_at_least(CENT, MAX_AMOUNT, negative=True)
    if name.startswith("CNT_"):
        return _zero_or_at_least(1, MAX_AMOUNT)
    if name.startswith("DAYS_"):
        return _zero_or_at_least(1, MAX_HISTORY_DAYS, negative=True)
    return _ranged(float, -MAX_AMOUNT, MAX_AMOUNT)


def _protected_note(name: str) -> str | None:
    """What the field's documentation says of a protected attribute (None for any other field)."""
    attribute = next((a for a in protected_policy().attributes if a.column == name), None)
    if attribute is None:
        return None
    return (
        f"Accepted but never used by the model: {attribute.attribute} is a protected attribute "
        f"({attribute.source}); kept for fairness monitoring only."
    )


def _field(column: Column, number: Any, required: bool, note: str | None = None) -> tuple[Any, Any]:
    annotation = Literal[(*column.levels, *MISSING_TOKENS)] if column.kind == CAT else number(column)
    if required:
        return annotation, Field(..., description=note)
    return annotation | None, Field(None, description=note)


class _Strict(BaseModel):
    model_config = _STRICT


PLAUSIBLE = {"plausible": model_validator(mode="after")(check_plausible)}


def _application_model() -> type[BaseModel]:
    fields = {
        c.name: _field(c, _application_number, c.name in REQUIRED, _protected_note(c.name))
        for c in APPLICATION_TEST.columns
    }
    return create_model(
        "Application",
        __base__=_Strict,
        __doc__="One application with the Kaggle application_test fields (missing fields are unknown).",
        __validators__=PLAUSIBLE,
        **fields,
    )


def _record_model(table: str) -> type[BaseModel]:
    spec = TABLES[table]
    keys = {k for k in (*spec.primary_key, *spec.foreign_keys) if k != "SK_ID_CURR"}
    fields = {c.name: _field(c, _history_number, c.name in keys) for c in spec.columns}
    name = "".join(part.capitalize() for part in table.split("_")) + "Row"
    return create_model(name, __base__=_Strict, __doc__=f"One row of {table}.", **fields)


Application = _application_model()
RECORD_MODELS = {table: _record_model(table) for table in SECONDARY_TABLES}

History = create_model(
    "History",
    __base__=_Strict,
    __doc__="The applicant's rows of the secondary tables (each optional).",
    **{
        table: (list[model] | None, Field(default=None, max_length=MAX_HISTORY_ROWS))
        for table, model in RECORD_MODELS.items()
    },
)


class ScoreRequest(Application):  # type: ignore[misc, valid-type]
    """An application to score: the Kaggle application fields and, optionally, its history."""

    history: History | None = None  # type: ignore[valid-type]


class BatchRequest(BaseModel):
    """Applications to score in one call."""

    model_config = _STRICT

    applications: list[ScoreRequest] = Field(min_length=1)


def _optional(name: str, field: FieldInfo) -> tuple[Any, Any]:
    """A field of `Application` that may be left out; only the optional fields may be set to null."""
    annotation = Annotated[(field.annotation, *field.metadata)] if field.metadata else field.annotation
    return (annotation if name in REQUIRED else annotation | None), Field(None, description=field.description)


ApplicationChanges = create_model(
    "ApplicationChanges",
    __config__=ConfigDict(extra="forbid", strict=True, allow_inf_nan=False),
    __doc__="Application fields to change, typed and checked as in `POST /score` (null clears a field).",
    __validators__=PLAUSIBLE,
    **{name: _optional(name, field) for name, field in Application.model_fields.items()},
)


class WhatIfRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    changes: ApplicationChanges = Field(  # type: ignore[valid-type]
        examples=[{"AMT_CREDIT": 300000.0, "AMT_ANNUITY": 15000.0}]
    )


def application_fields() -> list[dict[str, Any]]:
    """Each application field: name, kind (as in the schema), required, and its levels when categorical."""
    return [
        {"name": c.name, "kind": c.kind, "required": c.name in REQUIRED, "levels": list(c.levels)}
        for c in APPLICATION_TEST.columns
    ]
