"""The application fields a person edits (what-if) or enters (new application): labels, ranges, checks
and the conversion to the API's Kaggle fields (ages and years become negative day offsets).

Pure functions: a field's value is checked on its own as it is typed, the API checks the whole application.
The applicant's sex is not asked: no model may use it (scoring/features/protected.json).
The levels of the choice fields are the API's (`ApiClient.application_levels`), passed in as `levels`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from dashboard.i18n import ENGLISH, N_, Translator

DAYS_PER_YEAR = 365.25
Levels = Mapping[str, Sequence[str]]
Refusals = Mapping[str, Mapping[str, object]]  # form field -> {"value": refused value, "message": why}


@dataclass(frozen=True)
class FormField:
    """One input: a number in [low, high] (`whole` for counts) or a choice among the field's levels; `label`
    and `help` are English msgids, translated where they are shown."""

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


AMOUNT_HELP = N_("In the currency of the loan, greater than 0.")
SCORE_HELP = N_("Between 0 and 1; empty when unknown.")
FIELDS: dict[str, FormField] = {
    f.name: f
    for f in (
        _choice("NAME_CONTRACT_TYPE", N_("Contract type"), required=True),
        FormField("AMT_CREDIT", N_("Credit amount"), 1, 1e8, required=True, help=AMOUNT_HELP),
        FormField("AMT_ANNUITY", N_("Loan annuity"), 1, 1e8, help=AMOUNT_HELP),
        FormField("AMT_GOODS_PRICE", N_("Price of the goods financed"), 1, 1e8, help=AMOUNT_HELP),
        FormField("AMT_INCOME_TOTAL", N_("Total income"), 1, 1e9, required=True, help=AMOUNT_HELP),
        FormField("AGE_YEARS", N_("Age (years)"), 18, 100, required=True, help=N_("Between 18 and 100.")),
        FormField(
            "YEARS_EMPLOYED",
            N_("Years employed"),
            0,
            60,
            help=N_("Current job, 0 to 60; empty when not employed."),
        ),
        _choice("NAME_FAMILY_STATUS", N_("Family status")),
        FormField(
            "CNT_CHILDREN", N_("Number of children"), 0, 30, whole=True, help=N_("A whole number, 0 to 30.")
        ),
        _choice("NAME_INCOME_TYPE", N_("Income type")),
        _choice("NAME_EDUCATION_TYPE", N_("Education")),
        _choice("NAME_HOUSING_TYPE", N_("Housing")),
        _choice("FLAG_OWN_CAR", N_("Owns a car (Y/N)")),
        _choice("FLAG_OWN_REALTY", N_("Owns real estate (Y/N)")),
        FormField("EXT_SOURCE_1", N_("External score 1"), 0, 1, help=SCORE_HELP),
        FormField("EXT_SOURCE_2", N_("External score 2"), 0, 1, help=SCORE_HELP),
        FormField("EXT_SOURCE_3", N_("External score 3"), 0, 1, help=SCORE_HELP),
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


def label(name: str, t: Translator = ENGLISH) -> str:
    """A form field's label in the page's language (the API's name when the form has no such field)."""
    spec = FIELDS.get(name)
    return t.gettext(spec.label) if spec else name


def blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def check(name: str, value: object, levels: Levels, t: Translator = ENGLISH) -> str | None:
    """The problem with one field's value, in words, or None when it is acceptable.

    A choice is checked against `levels` of the field (when the API has not said them, the API checks it).
    """
    _ = t.gettext
    spec = FIELDS[name]
    field = _(spec.label)
    if blank(value):
        return _("{field} is required.").format(field=field) if spec.required else None
    if spec.is_choice:
        options = levels.get(name)
        if not options or value in options:
            return None
        return _("Choose one of: {options}.").format(options=", ".join(options))
    try:
        number = float(value)
    except (TypeError, ValueError):
        return _("{field} must be a number.").format(field=field)
    if number != number:
        return _("{field} must be a number.").format(field=field)
    if spec.whole and not number.is_integer():
        return _("{field} must be a whole number.").format(field=field)
    if (spec.low is not None and number < spec.low) or (spec.high is not None and number > spec.high):
        return _("{field} must be between {low} and {high}.").format(
            field=field, low=t.number(spec.low), high=t.number(spec.high)
        )
    return None


def field_problem(
    name: str, value: object, levels: Levels, refused: Refusals | None, t: Translator = ENGLISH
) -> str | None:
    """What a field's feedback says: its value's own problem, else why the API refused this very value at
    the last submit (`refused`, see `refusals`); a changed value drops the API's word until it is sent."""
    problem = check(name, value, levels, t)
    refusal = (refused or {}).get(name)
    if problem is None and refusal is not None and refusal["value"] == value:
        return str(refusal["message"])
    return problem


def refusals(values: Mapping[str, object], refused: Mapping[str, str]) -> Refusals:
    """The API's refusals (message by form field) with the values it refused, for `field_problem`."""
    return {name: {"value": values.get(name), "message": message} for name, message in refused.items()}


def problems(values: Mapping[str, object], levels: Levels, t: Translator = ENGLISH) -> dict[str, str]:
    """Every field's problem, by field name."""
    found = {name: check(name, value, levels, t) for name, value in values.items()}
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
