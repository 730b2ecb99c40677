"""What-if: edit a client's main application values, rescore live through the API, compare before/after,
and see the largest credit amount that would still be accepted. "Apply this offer" puts the lender's offer
(its amount, its monthly instalment at its term, and the goods price at the share of it the application
finances) in the form, so the rescored result is the offer's."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html, no_update

from dashboard import forms, offer_text, text
from dashboard.api_client import ApiError, api
from dashboard.callbacks import callback
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
BEFORE_FIELDS = (
    "probability",
    "decision",
    "threshold",
    "points",
    "threshold_points",
    "strategy",
    "rules_fired",
)


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
            dcc.Store(id="what-if-offer"),
            error_box(PREFIX),
            # The spinner covers the form only while it is drawn, not while a field is checked or the offer
            # applied: it would hide the form, and its buttons, under the officer's click.
            loading(html.Div(id="what-if-form"), PREFIX, {"what-if-form": "children"}),
            loading(html.Div(id="what-if-result", **{"aria-live": "polite"}), "what-if-result"),
        ]
    )


def offer_box(offer: dict | None, t: Translator) -> html.Div:
    """The lender's offer in one sentence and the button that applies it (a word when there is none)."""
    terms = (offer or {}).get("offer")
    if terms is None:
        words = offer_text.no_offer_words(offer, t) if offer else t.gettext("The offer is unavailable.")
        return html.P(words, id="what-if-offer-none", className="form-text")
    return html.Div(
        [
            html.Span(t.gettext("The offer:"), className="fw-semibold me-1"),
            html.Span(offer_text.offer_sentence(terms, t, currency()), id="what-if-offer-terms"),
            dbc.Button(
                t.gettext("Apply this offer"),
                id="what-if-apply-offer",
                color="secondary",
                outline=True,
                size="sm",
                className="ms-2",
            ),
        ],
        className="mb-3",
    )


def form_section(
    client_id: int, values: dict, levels: forms.Levels, t: Translator, offer: dict | None = None
) -> html.Section:
    return html.Section(
        [
            html.H2(
                picker.client_link_sentence(client_id, t.gettext("Application of client {client}")),
                className="h4",
            ),
            offer_box(offer, t),
            html.P(
                t.gettext("Each change rescores the application when you leave the field."),
                className="form-text",
            ),
            form.grid(PREFIX, FIELDS, levels, values, t),
        ]
    )


def offer_values(offer: dict | None) -> tuple[object, object, object]:
    """The form's amount, annuity and goods price of the offer: its amount, its monthly instalment at its
    term, and the goods price it was priced with (kept as it is when the offer gives none)."""
    terms = (offer or {}).get("offer")
    if terms is None:
        return no_update, no_update, no_update
    goods = terms.get("goods_price")
    return terms["amount"], terms["instalment"], no_update if goods is None else goods


def before_of(score: dict) -> dict:
    """What the Before block and the chart keep of the stored score: its risk, decision and points, and
    what decides them (the strategy in force and the policy rules that fired, with their reasons, which
    name them in the page's language), as the After block has them."""
    fired = set(score.get("rules_fired") or ())
    reasons = (score.get("explanation") or {}).get("reasons") or []
    kept = {k: score.get(k) for k in BEFORE_FIELDS}
    return kept | {"explanation": {"reasons": [r for r in reasons if r["code"] in fired]}}


def result_view(before: dict, payload: dict, t: Translator) -> html.Div:
    """Before and after side by side, the comparison chart, the largest accepted amount, the new reasons."""
    _ = t.gettext
    after = payload["score"]
    changed = ", ".join(forms.label(forms.form_field_of(f), t) for f in payload["changed"])
    digits = points_digits([before.get("points"), after.get("points")], after.get("threshold_points"))
    why = waterfall(after, "what-if-waterfall-graph", t, digits) if after.get("explanation") else None
    largest = text.counter_offer_text(payload["counter_offer"], t, currency(), text.refer_band(after))
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
                client_figures.comparison(before, after, after["threshold"], t, after.get("strategy")),
                text.what_if_summary(before, after, t),
            ),
            html.Section(
                [
                    html.H3(_("Largest credit amount still accepted"), className="h5"),
                    html.P(
                        largest,
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
    Output("what-if-offer", "data"),
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
        return picker.no_client(value, prompt), None, None, None, *HIDDEN
    try:
        facts = api().client(client_id)
        score = api().client_score(client_id)
        levels = api().application_levels()
    except ApiError as error:
        if error.not_found:
            return picker.unknown_client(client_id, t), None, None, None, *HIDDEN
        return None, None, None, None, *shown(error)
    try:
        offer = api().offer(client_id)
    except ApiError:
        offer = None  # the form works without it; the box says the offer is unavailable
    values = forms.initial_values(facts["facts"], FIELDS)
    return form_section(client_id, values, levels, t, offer), values, before_of(score), offer, *HIDDEN


@callback(
    Output(form.input_id(PREFIX, "AMT_CREDIT"), "value"),
    Output(form.input_id(PREFIX, "AMT_ANNUITY"), "value"),
    Output(form.input_id(PREFIX, "AMT_GOODS_PRICE"), "value"),
    Input("what-if-apply-offer", "n_clicks"),
    State("what-if-offer", "data"),
    prevent_initial_call=True,
)
def apply_offer(clicks: int | None, offer: dict | None) -> tuple[object, object, object]:
    """Put the offer's amount, monthly instalment and goods price in the form (which rescores it)."""
    if not clicks:
        return no_update, no_update, no_update
    return offer_values(offer)


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
