"""What-if: edit a client's main application values, rescore live through the API, compare before/after,
and see the largest credit amount that would still be accepted."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from dashboard import forms, text
from dashboard.api_client import ApiError, api
from dashboard.components import form, picker
from dashboard.components.decision import verdict, waterfall
from dashboard.components.layout import header
from dashboard.components.status import HIDDEN, error_box, figure, loading, shown
from dashboard.figures import client as client_figures
from dashboard.i18n import Translator, current
from dashboard.settings import currency
from dashboard.values import points_digits

PREFIX = "what-if"
FIELDS = forms.WHAT_IF_FIELDS


def title(client_id: str | None = None) -> str:
    _ = current().gettext
    if client_id:
        return _("Client {client_id}: what-if").format(client_id=client_id)
    return _("What-if: credit scoring")


picker.register(PREFIX, "what-if")
form.register(PREFIX, FIELDS)


def layout(client_id: str | None = None, **_query: str) -> html.Div:
    _ = current().gettext
    return html.Div(
        [
            header(
                _("What-if"),
                _(
                    "Change the application's main values and see the new score at once; the client's "
                    "credit history stays as recorded."
                ),
            ),
            dbc.Row(dbc.Col(picker.picker(PREFIX, client_id), md=6)),
            dcc.Store(id="what-if-id", data=client_id),
            dcc.Store(id="what-if-initial"),
            dcc.Store(id="what-if-before"),
            error_box(PREFIX),
            loading(html.Div(id="what-if-form"), PREFIX),
            loading(html.Div(id="what-if-result", **{"aria-live": "polite"}), "what-if-result"),
        ]
    )


def form_section(client_id: int, values: dict, levels: forms.Levels, t: Translator) -> html.Section:
    return html.Section(
        [
            html.H2(
                picker.client_link_sentence(client_id, t.gettext("Application of client {client}")),
                className="h4",
            ),
            html.P(
                t.gettext("Each change rescores the application when you leave the field."),
                className="form-text",
            ),
            form.grid(PREFIX, FIELDS, levels, values, t),
        ]
    )


def result_view(before: dict, payload: dict, t: Translator) -> html.Div:
    """Before and after side by side, the comparison chart, the largest accepted amount, the new reasons."""
    _ = t.gettext
    after = payload["score"]
    changed = ", ".join(forms.label(forms.form_field_of(f), t) for f in payload["changed"])
    digits = points_digits([before.get("points"), after.get("points")], after.get("threshold_points"))
    why = waterfall(after, "what-if-waterfall-graph", t, digits) if after.get("explanation") else None
    return html.Div(
        [
            html.H2(_("Result"), className="h4 mt-2"),
            html.P(
                _("Changed fields: {fields}.").format(fields=changed or _("none yet")), id="what-if-changed"
            ),
            dbc.Row(
                [
                    dbc.Col(
                        html.Div(
                            [
                                html.P(_("Before"), className="fw-semibold mb-1"),
                                verdict(before, t=t, digits=digits),
                            ]
                        ),
                        md=6,
                    ),
                    dbc.Col(
                        html.Div(
                            [
                                html.P(_("After the changes"), className="fw-semibold mb-1"),
                                verdict(after, t=t, digits=digits),
                            ],
                            id="what-if-after",
                        ),
                        md=6,
                    ),
                ],
                className="g-3",
            ),
            figure(
                "what-if-comparison-graph",
                client_figures.comparison(before, after, after["threshold"], t),
                text.what_if_summary(before, after, t),
            ),
            html.Section(
                [
                    html.H3(_("Largest credit amount still accepted"), className="h5"),
                    html.P(
                        text.counter_offer_text(payload["counter_offer"], t, currency()),
                        id="what-if-max-amount",
                    ),
                ],
                className="counter-offer",
            ),
            html.Section([html.H3(_("Why, with the changes"), className="h5"), why]),
        ]
    )


@callback(
    Output("what-if-form", "children"),
    Output("what-if-initial", "data"),
    Output("what-if-before", "data"),
    Output("what-if-error", "hidden"),
    Output("what-if-error-text", "children"),
    Input("what-if-id", "data"),
    Input("what-if-retry", "n_clicks"),
)
def load_client(value: str | None, _retry: int | None) -> tuple:
    t = current()
    client_id = picker.client_id_of(value)
    if client_id is None:
        prompt = t.gettext("Choose a client above to try changes to their application.")
        return picker.no_client(value, prompt), None, None, *HIDDEN
    try:
        facts = api().client(client_id)
        score = api().client_score(client_id)
        levels = api().application_levels()
    except ApiError as error:
        if error.not_found:
            return picker.unknown_client(client_id, t), None, None, *HIDDEN
        return None, None, None, *shown(error)
    values = forms.initial_values(facts["facts"], FIELDS)
    before = {k: score[k] for k in ("probability", "decision", "threshold", "points", "threshold_points")}
    return form_section(client_id, values, levels, t), values, before, *HIDDEN


@callback(
    Output("what-if-result", "children"),
    *form.inputs(PREFIX, FIELDS),
    State("what-if-id", "data"),
    State("what-if-initial", "data"),
    State("what-if-before", "data"),
)
def rescore(*args: object) -> object:
    values = dict(zip(FIELDS, args[: len(FIELDS)], strict=True))
    value, initial, before = args[len(FIELDS) :]
    client_id = picker.client_id_of(value)
    if client_id is None or initial is None or before is None:
        return None
    t = current()
    found = forms.problems(values, form.levels_or_none(), t)
    if found:
        return dbc.Alert(
            [t.gettext("Fix these values to rescore:"), html.Ul([html.Li(m) for m in found.values()])],
            color="warning",
        )
    try:
        payload = api().what_if(client_id, forms.changes(initial, values))
    except ApiError as error:
        retry = t.gettext("Change a value to try again.")
        return dbc.Alert(f"{error.message} {retry}", color="danger")
    return result_view(before, payload, t)


dash.register_page(
    __name__, path="/what-if", path_template="/what-if/<client_id>", title=title, order=2, layout=layout
)
