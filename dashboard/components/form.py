"""Form inputs built from `dashboard.forms` fields: a label, the input, help and feedback per field.

The input of field F on page P has the id "P-F" (so its label points at it); its feedback is "P-F-feedback",
written by that field's check only (`register`).
Choices list the levels the API accepts (`levels`, from `ApiClient.application_levels`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import dash_bootstrap_components as dbc
from dash import Input, Output, html

from dashboard import forms, vocabulary
from dashboard.api_client import ApiError, api
from dashboard.callbacks import callback
from dashboard.i18n import ENGLISH, Translator, current


def input_id(page: str, name: str) -> str:
    return f"{page}-{name}"


def _input(page: str, spec: forms.FormField, value: object, levels: forms.Levels, t: Translator) -> object:
    """A select for choices (the API's levels, named in the page's language); a number input without browser
    range checks (ours say what is wrong)."""
    if spec.is_choice:
        choices = levels.get(spec.name, ())
        named = [{"label": vocabulary.level_label(spec.name, o, t), "value": o} for o in choices]
        options = [{"label": t.gettext("Not given"), "value": ""}, *named]  # the data have an "Unknown" level
        return dbc.Select(id=input_id(page, spec.name), options=options, value=value or "")
    return dbc.Input(
        id=input_id(page, spec.name),
        type="number",
        value=value,
        step="any",
        debounce=True,
        required=spec.required,
    )


def field(
    page: str, name: str, levels: forms.Levels, value: object = None, t: Translator = ENGLISH
) -> html.Div:
    """Label (with 'required'), input, help text and the feedback shown when the value is invalid."""
    spec = forms.FIELDS[name]
    label = forms.label(name, t)
    if spec.required:
        label = t.gettext("{field} (required)").format(field=label)
    parts = [
        dbc.Label(label, html_for=input_id(page, name)),
        _input(page, spec, value, levels, t),
        dbc.FormFeedback(id=f"{input_id(page, name)}-feedback", type="invalid"),
    ]
    if spec.help and not spec.is_choice:
        parts.append(dbc.FormText(t.gettext(spec.help), id=f"{input_id(page, name)}-help"))
    return html.Div(parts, className="mb-3")


def grid(
    page: str,
    names: Sequence[str],
    levels: forms.Levels,
    values: Mapping[str, object] | None = None,
    t: Translator = ENGLISH,
) -> dbc.Row:
    """The fields in a responsive grid."""
    values = values or {}
    return dbc.Row([dbc.Col(field(page, n, levels, values.get(n), t), md=6, lg=4) for n in names])


def levels_or_none() -> forms.Levels:
    """The API's levels of the choice fields, or none while it cannot be reached (it checks them itself)."""
    try:
        return api().application_levels()
    except ApiError:
        return {}


def inputs(page: str, names: Sequence[str], kind: type = Input) -> list:
    """Input (or State) dependencies of the fields' values, in the order of `names`."""
    return [kind(input_id(page, n), "value") for n in names]


def refused_id(page: str) -> str:
    """The store of what the API refused at the page's last submit (`forms.refusals`)."""
    return f"{page}-refused"


def register(page: str, names: Sequence[str], submitted: bool = False) -> None:
    """Check each field of a page's form as its value changes: the one place a field's feedback comes from.

    With `submitted`, each field is checked again when the page's submit fills the store `refused_id(page)`:
    a required field left empty is then marked, and a value the API refused says why until it is changed.
    """
    for name in names:
        on_submit = [Input(refused_id(page), "data")] if submitted else []

        @callback(
            Output(input_id(page, name), "invalid"),
            Output(f"{input_id(page, name)}-feedback", "children"),
            Input(input_id(page, name), "value"),
            *on_submit,
            prevent_initial_call=True,
        )
        def check(value: object, refused: forms.Refusals | None = None, name: str = name) -> tuple[bool, str]:
            levels = levels_or_none() if forms.FIELDS[name].is_choice else {}
            problem = forms.field_problem(name, value, levels, refused, current())
            return problem is not None, problem or ""
