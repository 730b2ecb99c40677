"""New application: an applicant who is not in the data, checked field by field and scored by the API."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard import forms
from dashboard.api_client import ApiError, api
from dashboard.callbacks import callback, clientside_callback
from dashboard.components import form
from dashboard.components.decision import decision_view
from dashboard.components.layout import header
from dashboard.components.offer import offer_section
from dashboard.components.status import HIDDEN, error_box, loading, shown
from dashboard.i18n import Translator, current
from dashboard.settings import currency

PREFIX = "new"
FORM = "new-fields"  # the form's own error box: its choices come from the API
FIELDS = forms.NEW_APPLICATION_FIELDS
FIRST_VALUES = {"NAME_CONTRACT_TYPE": "Cash loans"}

REFUSED = form.refused_id(PREFIX)

form.register(PREFIX, FIELDS, submitted=True)


def title() -> str:
    return current().gettext("New application: credit scoring")


def layout(**_query: str) -> html.Div:
    _ = current().gettext
    return html.Div(
        [
            header(
                _("New application"),
                _("Enter an applicant who is not in the data yet; fields marked required must be filled."),
            ),
            dcc.Store(id="new-page", data=True),
            dcc.Store(id=REFUSED),
            error_box(FORM),
            # The spinner covers the form only while it is drawn: a field's check must not hide the form,
            # and the button with it, under the officer's click (a click released on the spinner is lost).
            loading(
                html.Div(id="new-form", role="form", **{"aria-label": _("New application")}),
                FORM,
                {"new-form": "children"},
            ),
            # While a submit is scored, the spinner covers (and hides) what the last one said.
            loading(
                html.Div(
                    [
                        html.Div(id="new-problems", className="mt-3", role="status"),
                        error_box(PREFIX),
                        html.Div(id="new-result", className="mt-3"),
                    ]
                ),
                PREFIX,
            ),
        ]
    )


@callback(
    Output("new-form", "children"),
    Output("new-fields-error", "hidden"),
    Output("new-fields-error-text", "children"),
    Input("new-page", "data"),
    Input("new-fields-retry", "n_clicks"),
)
def show_form(_page: bool, _retry: int | None) -> tuple:
    """The form, its choices listing the levels the API accepts (an error and a retry when it is down)."""
    t = current()
    try:
        levels = api().application_levels()
    except ApiError as error:
        return None, *shown(error)
    return (
        [
            form.grid(PREFIX, FIELDS, levels, FIRST_VALUES, t),
            dbc.Button(t.gettext("Score this application"), id="new-submit", color="primary", n_clicks=0),
        ],
        *HIDDEN,
    )


def problem_list(found: dict[str, str], t: Translator) -> dbc.Alert:
    count = len(found)
    heading = t.ngettext(
        "{count} field to fix before scoring:", "{count} fields to fix before scoring:", count
    )
    return dbc.Alert(
        [
            html.P(heading.format(count=count), className="mb-1"),
            html.Ul([html.Li(message) for message in found.values()]),
        ],
        color="warning",
    )


def result(score: dict, offer: dict, t: Translator) -> html.Div:
    """The decision on the application, then the lender's offer for it."""
    return html.Div(
        [
            html.H2(t.gettext("Result"), className="h3"),
            decision_view(score, PREFIX, t=t),
            offer_section(offer, t, currency(), section=f"{PREFIX}-offer"),
        ]
    )


@callback(
    Output("new-result", "children"),
    Output("new-problems", "children"),
    Output("new-error", "hidden"),
    Output("new-error-text", "children"),
    Output(REFUSED, "data"),
    Input("new-submit", "n_clicks"),
    Input("new-retry", "n_clicks"),
    *form.inputs(PREFIX, FIELDS, State),
    State(REFUSED, "data"),
    prevent_initial_call=True,
)
def score(submit: int | None, retry: int | None, *args: object) -> tuple:
    """Check, then score, the application the officer submitted (nothing before the first submit: the
    button's arrival in the form must not show every required field as an error).

    The fields' own feedback comes from their checks (`form.register`), run again when the store of what
    the API refused changes (from nothing at the first submit); it is left as it is when unchanged: each
    field was checked as its value changed."""
    if not submit and not retry:
        raise PreventUpdate
    *values, before = args
    t = current()
    entered = dict(zip(FIELDS, values, strict=True))

    def answer(view: object, problems: dict[str, str], error: tuple, refused: forms.Refusals) -> tuple:
        listed = problem_list(problems, t) if problems else None
        return view, listed, *error, no_update if refused == before else refused

    found = forms.problems(entered, form.levels_or_none(), t)
    if found:
        return answer(None, found, HIDDEN, {})
    application = forms.to_api(entered)
    try:
        scored = api().score_application(application)
        offer = api().application_offer(application)
    except ApiError as error:
        refused = {
            forms.form_field_of(f): m for f, m in error.fields.items() if forms.form_field_of(f) in FIELDS
        }
        if refused:
            return answer(None, refused, HIDDEN, forms.refusals(entered, refused))
        return answer(None, {}, shown(error), {})
    return answer(result(scored, offer, t), {}, HIDDEN, {})


clientside_callback(
    "function(n) { if (n) { window.print(); } return window.dash_clientside.no_update; }",
    Output("new-print", "title"),
    Input("new-print", "n_clicks"),
    prevent_initial_call=True,
)


dash.register_page(__name__, path="/new-application", title=title, order=3, layout=layout)
