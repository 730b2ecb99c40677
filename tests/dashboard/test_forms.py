"""Form fields: checks as a person types, conversion to the API's Kaggle fields, what-if changes."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from dash import no_update
from dash.exceptions import PreventUpdate

from dashboard import forms
from tests.support.payloads import FIELDS, LEVELS


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("AMT_CREDIT", None, "Credit amount is required."),
        ("AMT_CREDIT", "", "Credit amount is required."),
        ("AMT_CREDIT", -5, "Credit amount must be between 1 and 100,000,000."),
        ("AMT_CREDIT", "abc", "Credit amount must be a number."),
        ("AMT_CREDIT", 250000, None),
        ("AMT_ANNUITY", None, None),
        ("CNT_CHILDREN", 2.5, "Number of children must be a whole number."),
        ("CNT_CHILDREN", 2.0, None),
        ("AGE_YEARS", 17, "Age (years) must be between 18 and 100."),
        ("EXT_SOURCE_2", 1.5, "External score 2 must be between 0 and 1."),
        ("FLAG_OWN_CAR", "X", "Choose one of: N, Y."),
        ("FLAG_OWN_CAR", "", None),
        ("NAME_CONTRACT_TYPE", "", "Contract type is required."),
        ("NAME_CONTRACT_TYPE", "Revolving loans", None),
    ],
)
def test_check(name: str, value: object, problem: str | None) -> None:
    assert forms.check(name, value, LEVELS) == problem


def test_choices_are_left_to_the_api_when_its_levels_are_unknown() -> None:
    assert forms.check("FLAG_OWN_CAR", "X", {}) is None
    assert forms.check("NAME_CONTRACT_TYPE", "", {}) == "Contract type is required."


def test_every_choice_field_has_levels_from_the_api() -> None:
    choices = {name for name, spec in forms.FIELDS.items() if spec.is_choice}
    assert choices <= set(LEVELS)


def test_the_form_never_asks_a_protected_attribute() -> None:
    from scoring.features.protected import protected_policy

    asked = {*forms.FIELDS, *(api for api, field in forms.API_TO_FORM.items() if field in forms.FIELDS)}
    protected = set(protected_policy().columns)
    assert "CODE_GENDER" in protected and not asked & protected


def test_problems_lists_only_invalid_fields() -> None:
    assert forms.problems({"AMT_CREDIT": 0, "AMT_ANNUITY": 100}, LEVELS) == {
        "AMT_CREDIT": "Credit amount must be between 1 and 100,000,000."
    }


def test_to_api_converts_years_to_negative_days_and_drops_blanks() -> None:
    values = {
        "AGE_YEARS": 40,
        "YEARS_EMPLOYED": 2.5,
        "AMT_CREDIT": 1000,
        "CNT_CHILDREN": 2.0,
        "FLAG_OWN_CAR": "Y",
        "AMT_ANNUITY": None,
        "NAME_FAMILY_STATUS": "",
    }
    assert forms.to_api(values) == {
        "DAYS_BIRTH": -14610,
        "DAYS_EMPLOYED": -913,
        "AMT_CREDIT": 1000.0,
        "CNT_CHILDREN": 2,
        "FLAG_OWN_CAR": "Y",
    }


def test_api_fields_map_back_to_form_fields() -> None:
    assert forms.form_field_of("changes.AMT_CREDIT") == "AMT_CREDIT"
    assert forms.form_field_of("DAYS_BIRTH") == "AGE_YEARS"
    assert forms.form_field_of("changes.DAYS_EMPLOYED") == "YEARS_EMPLOYED"


def test_initial_values_round_as_shown() -> None:
    facts = [
        {"name": "AMT_CREDIT", "value": 500000.0},
        {"name": "YEARS_EMPLOYED", "value": 9.0623},
        {"name": "CNT_CHILDREN", "value": 1.0},
    ]
    values = forms.initial_values(facts, ("AMT_CREDIT", "YEARS_EMPLOYED", "CNT_CHILDREN", "FLAG_OWN_CAR"))
    assert values == {"AMT_CREDIT": 500000.0, "YEARS_EMPLOYED": 9.1, "CNT_CHILDREN": 1, "FLAG_OWN_CAR": None}


def test_changes_are_the_edited_fields_only() -> None:
    initial = {"AMT_CREDIT": 500000.0, "YEARS_EMPLOYED": 9.1, "CNT_CHILDREN": 1, "FLAG_OWN_CAR": "N"}
    assert forms.changes(initial, dict(initial)) == {}
    assert forms.changes(initial, {**initial, "AMT_CREDIT": 500000}) == {}
    edited = {**initial, "AMT_CREDIT": 300000, "FLAG_OWN_CAR": "Y", "YEARS_EMPLOYED": 2}
    assert forms.changes(initial, edited) == {
        "AMT_CREDIT": 300000.0,
        "FLAG_OWN_CAR": "Y",
        "DAYS_EMPLOYED": -730,
    }
    assert forms.changes(initial, {**initial, "YEARS_EMPLOYED": None}) == {"DAYS_EMPLOYED": None}


def test_new_application_says_nothing_before_the_first_submit(answer: Callable) -> None:
    """The submit button arrives with the form (n_clicks 0): no field is called wrong until it is pressed; the
    first submit fills the store of refusals, which checks every field (the empty required ones say so), and
    a submit that leaves it as it was checks none again."""
    from dashboard.pages import new_application

    answer(lambda request: httpx.Response(200, json=FIELDS))
    empty = [None] * len(new_application.FIELDS)
    with pytest.raises(PreventUpdate):
        new_application.score(0, None, *empty, None)
    with pytest.raises(PreventUpdate):
        new_application.score(None, None, *empty, None)
    result, problems, hidden, _text, refused = new_application.score(1, None, *empty, None)
    assert result is None and "to fix before scoring" in str(problems) and hidden
    assert refused == {}
    assert new_application.score(2, None, *empty, {})[-1] is no_update


def test_a_value_the_api_refused_says_why_until_it_is_changed(answer: Callable) -> None:
    from dashboard.pages import new_application

    def refuse(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/applications/fields"):
            return httpx.Response(200, json=FIELDS)
        detail = [{"field": "DAYS_BIRTH", "message": "too young for this loan", "type": "x"}]
        return httpx.Response(422, json={"detail": detail})

    answer(refuse)
    entered = {
        "NAME_CONTRACT_TYPE": "Cash loans",
        "AMT_CREDIT": 1000,
        "AMT_INCOME_TOTAL": 2000,
        "AGE_YEARS": 19,
    }
    values = [entered.get(name) for name in new_application.FIELDS]
    result, problems, hidden, _text, refused = new_application.score(1, None, *values, {})
    assert result is None and "too young for this loan" in str(problems) and hidden
    assert refused == {"AGE_YEARS": {"value": 19, "message": "too young for this loan"}}
    assert forms.field_problem("AGE_YEARS", 19, LEVELS, refused) == "too young for this loan"
    assert forms.field_problem("AGE_YEARS", 45, LEVELS, refused) is None  # changed: the API has not seen it
    assert forms.field_problem("AGE_YEARS", 17, LEVELS, refused) == "Age (years) must be between 18 and 100."
    assert forms.field_problem("AGE_YEARS", None, LEVELS, None) == "Age (years) is required."
