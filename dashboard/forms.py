"""The application fields a person edits (what-if) or enters (new application): labels, ranges, checks
and the conversion to the API's Kaggle fields (ages and years become negative day offsets).

Pure functions: a field's value is checked on its own as it is typed, the API checks the whole application.
The levels of the choice fields are the API's (`ApiClient.application_levels`), passed in as `levels`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

DAYS_PER_YEAR = 365.25
Levels = Mapping[str, Sequence[str]]


@dataclass(frozen=True)
class FormField:
    """One input: a number in [low, high] (`whole` for counts) or a choice among the field's levels."""

    name: str
    label: str
    low: float | None = None
    high: float | None = None
    whole: bool = False
    is_choice: bool = False
    required: bool = False
    help: str = ""


def _choice(name: str, label: str, required: bool = False) -> FormField:
    return FormField(name, label, is_choice=True, required=required)


AMOUNT_HELP = "In the currency of the loan, greater than 0."
FIELDS: dict[str, FormField] = {
    f.name: f
    for f in (
        _choice("NAME_CONTRACT_TYPE", "Contract type", required=True),
        FormField("AMT_CREDIT", "Credit amount", 1, 1e8, required=True, help=AMOUNT_HELP),
        FormField("AMT_ANNUITY", "Loan annuity", 1, 1e8, help=AMOUNT_HELP),
        FormField("AMT_GOODS_PRICE", "Price of the goods financed", 1, 1e8, help=AMOUNT_HELP),
        FormField("AMT_INCOME_TOTAL", "Total income", 1, 1e9, required=True, help=AMOUNT_HELP),
        FormField("AGE_YEARS", "Age (years)", 18, 100, required=True, help="Between 18 and 100."),
        FormField(
            "YEARS_EMPLOYED", "Years employed", 0, 60, help="Current job, 0 to 60; empty when not employed."
        ),
        _choice("CODE_GENDER", "Gender"),
        _choice("NAME_FAMILY_STATUS", "Family status"),
        FormField("CNT_CHILDREN", "Number of children", 0, 30, whole=True, help="A whole number, 0 to 30."),
        _choice("NAME_INCOME_TYPE", "Income type"),
        _choice("NAME_EDUCATION_TYPE", "Education"),
        _choice("NAME_HOUSING_TYPE", "Housing"),
        _choice("FLAG_OWN_CAR", "Owns a car (Y/N)"),
        _choice("FLAG_OWN_REALTY", "Owns real estate (Y/N)"),
        FormField("EXT_SOURCE_1", "External score 1", 0, 1, help="Between 0 and 1; empty when unknown."),
        FormField("EXT_SOURCE_2", "External score 2", 0, 1, help="Between 0 and 1; empty when unknown."),
        FormField("EXT_SOURCE_3", "External score 3", 0, 1, help="Between 0 and 1; empty when unknown."),
    )
}
WHAT_IF_FIELDS = (
    "AMT_CREDIT",
    "AMT_ANNUITY",
    "AMT_GOODS_PRICE",
    "AMT_INCOME_TOTAL",
    "YEARS_EMPLOYED",
    "CNT_CHILDREN",
    "NAME_FAMILY_STATUS",
    "NAME_INCOME_TYPE",
    "NAME_EDUCATION_TYPE",
    "FLAG_OWN_CAR",
    "FLAG_OWN_REALTY",
)
NEW_APPLICATION_FIELDS = tuple(FIELDS)


def blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def check(name: str, value: object, levels: Levels) -> str | None:
    """The problem with one field's value, in words, or None when it is acceptable.

    A choice is checked against `levels` of the field (when the API has not said them, the API checks it).
    """
    spec = FIELDS[name]
    if blank(value):
        return f"{spec.label} is required." if spec.required else None
    if spec.is_choice:
        options = levels.get(name)
        if not options or value in options:
            return None
        return f"Choose one of: {', '.join(options)}."
    try:
        number = float(value)
    except (TypeError, ValueError):
        return f"{spec.label} must be a number."
    if number != number:
        return f"{spec.label} must be a number."
    if spec.whole and not number.is_integer():
        return f"{spec.label} must be a whole number."
    if (spec.low is not None and number < spec.low) or (spec.high is not None and number > spec.high):
        return f"{spec.label} must be between {spec.low:,g} and {spec.high:,g}."
    return None


def problems(values: Mapping[str, object], levels: Levels) -> dict[str, str]:
    """Every field's problem, by field name."""
    found = {name: check(name, value, levels) for name, value in values.items()}
    return {name: message for name, message in found.items() if message}


def to_api(values: Mapping[str, object]) -> dict[str, object]:
    """Kaggle application fields from form values (blank fields are left out; call after `problems`)."""
    out: dict[str, object] = {}
    for name, value in values.items():
        if blank(value):
            continue
        spec = FIELDS[name]
        if spec.is_choice:
            out[name] = value
        elif name == "AGE_YEARS":
            out["DAYS_BIRTH"] = -round(float(value) * DAYS_PER_YEAR)
        elif name == "YEARS_EMPLOYED":
            out["DAYS_EMPLOYED"] = -round(float(value) * DAYS_PER_YEAR)
        elif spec.whole:
            out[name] = int(float(value))
        else:
            out[name] = float(value)
    return out


API_TO_FORM = {"DAYS_BIRTH": "AGE_YEARS", "DAYS_EMPLOYED": "YEARS_EMPLOYED"}


def form_field_of(api_field: str) -> str:
    """The form field behind an API field name (as the API's 422 names it, e.g. 'changes.AMT_CREDIT')."""
    name = api_field.rsplit(".", 1)[-1]
    return API_TO_FORM.get(name, name)


def initial_values(facts: list[Mapping[str, object]], names: tuple[str, ...]) -> dict[str, object]:
    """Form values from a client's facts (rounded as shown), for the fields in `names`."""
    known = {f["name"]: f.get("value") for f in facts}
    values: dict[str, object] = {}
    for name in names:
        value = known.get(name)
        if isinstance(value, float) and FIELDS[name].whole:
            value = int(value)
        elif isinstance(value, float) and name == "YEARS_EMPLOYED":
            value = round(value, 1)
        values[name] = value
    return values


def changes(initial: Mapping[str, object], current: Mapping[str, object]) -> dict[str, object]:
    """The API fields a what-if changes: the form fields whose value differs from the initial one."""
    edited = {}
    for name, value in current.items():
        before = initial.get(name)
        if blank(value) and blank(before):
            continue
        same = (
            not blank(value)
            and not blank(before)
            and not FIELDS[name].is_choice
            and float(value) == float(before)
        )
        if not same and value != before:
            edited[name] = value
    cleared = {name for name, value in edited.items() if blank(value)}
    out = to_api({k: v for k, v in edited.items() if k not in cleared})
    for name in cleared:
        out[{v: k for k, v in API_TO_FORM.items()}.get(name, name)] = None
    return out
