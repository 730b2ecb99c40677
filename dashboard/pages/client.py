"""Client decision (home): pick a client, see the decision and its points against the threshold, the reasons
by code (waterfall, drill-down to features, the principal reasons with their share), the lender's offer
(amount, term, rate, APR, instalment, total payable, what bound it, the alternatives), what the lender can
offer instead of a refusal, and the decision letter. Every text is in the request's language."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html

from dashboard import text
from dashboard.api_client import ApiError, api
from dashboard.auth import users
from dashboard.auth.roles import DECIDE_WITHOUT_HINDSIGHT
from dashboard.callbacks import AFTER_PAINT, callback, clientside_callback
from dashboard.components import officer, picker
from dashboard.components.decision import decision_view, register_drilldown
from dashboard.components.layout import header
from dashboard.components.offer import offer_section, offer_unavailable
from dashboard.components.recourse import letter_block, recourse_box
from dashboard.components.status import HIDDEN, error_box, loading, shown
from dashboard.i18n import N_, Translator, current
from dashboard.settings import currency
from dashboard.values import points_digits

PREFIX = "client"
EXAMPLE_NAMES = {"safe": N_("Clearly safe"), "borderline": N_("Borderline"), "risky": N_("Clearly risky")}


def title(client_id: str | None = None) -> str:
    _ = current().gettext
    if client_id:
        return _("Client {client_id}: credit decision").format(client_id=client_id)
    return _("Client decision: credit scoring")


picker.register(PREFIX, "client")
register_drilldown(PREFIX)


def layout(client_id: str | None = None, **_query: str) -> html.Div:
    """The page with the client's decision block already in it: opening a client costs the browser one
    round trip (Dash Pages' own, for this layout); the offer and the officer's panel follow it."""
    t = current()
    content, hidden, message = client_view(client_id)
    return html.Div(
        [
            header(
                t.gettext("Client decision"),
                t.gettext("Look a client up, explain the decision to the customer and print the reasons."),
            ),
            dbc.Row(
                [
                    dbc.Col(picker.picker(PREFIX, client_id), md=6),
                    dbc.Col(examples_section(client_id, t), md=6),
                ]
            ),
            error_box(PREFIX, None if hidden else message),
            dcc.Store(id="client-id", data=client_id),
            loading(html.Div(content, id="client-content"), PREFIX, {"client-content": "children"}),
        ]
    )


def examples_section(client_id: str | None, t: Translator) -> html.Section | None:
    """Three example clients to start from, on the page before a client is chosen."""
    if client_id:
        return None
    return html.Section(
        [html.H2(t.gettext("Examples to start from"), className="h6"), html.Div(id="client-examples")],
        **{"aria-label": t.gettext("Example clients")},
    )


def example_links(payload: dict, t: Translator) -> html.Ul:
    """Links to the three example clients, with their risk."""
    return html.Ul(
        [
            html.Li(
                dcc.Link(
                    t.gettext("{kind}: client {client_id} ({risk}, {decision})").format(
                        kind=t.gettext(EXAMPLE_NAMES[e["kind"]]),
                        client_id=e["client_id"],
                        risk=t.percent(e["probability"]),
                        decision=text.decision_words(e["decision"], t).lower(),
                    ),
                    href=f"/client/{e['client_id']}",
                )
            )
            for e in payload["examples"]
        ],
        className="examples",
    )


def unknown_client(value: object, client_id: int | None, t: Translator) -> dbc.Alert:
    """A friendly word for an ID that is not one, or that no client has."""
    if client_id:
        message = t.gettext(
            "No client with ID {client_id} in the data. Check the number, or type its first digits to see "
            "suggestions."
        ).format(client_id=client_id)
    else:
        message = picker.not_an_id(value, t)
    return dbc.Alert(message, color="warning", id="client-unknown")


def next_steps(client_id: int, t: Translator) -> html.Nav:
    return html.Nav(
        [
            dcc.Link(
                t.gettext("Compare with similar clients"), href=f"/similar/{client_id}", className="me-4"
            ),
            dcc.Link(t.gettext("Try changes to the application (what-if)"), href=f"/what-if/{client_id}"),
        ],
        className="mt-3 no-print",
        **{"aria-label": t.gettext("More about this client")},
    )


# Once the decision's frame is painted, `client-painted` takes the value of `client-shown`: the offer, the
# drill-down's chart and the officer's panel are asked for then, not while the browser draws the decision.
clientside_callback(AFTER_PAINT, Output(officer.PAINTED, "data"), Input("client-shown", "data"))


@callback(Output("client-offer-slot", "children"), Input(officer.PAINTED, "data"), prevent_initial_call=True)
def show_offer(shown: dict | None) -> object:
    """The offer section, once the decision is painted, or a word that the offer is unavailable (the rest
    of the page stands)."""
    client_id = (shown or {}).get("client_id")
    if not isinstance(client_id, int):
        return None
    t = current()
    try:
        return offer_section(api().offer(client_id), t, currency())
    except ApiError as error:
        return offer_unavailable(error.message, t)


@callback(Output("client-examples", "children"), Input("client-retry", "n_clicks"))
def show_examples(_retry: int | None) -> object:
    t = current()
    try:
        return example_links(api().examples(), t)
    except ApiError:
        return html.P(t.gettext("Examples are unavailable while the scoring service does not answer."))


@callback(
    Output("client-content", "children"),
    Output("client-error", "hidden"),
    Output("client-error-text", "children"),
    Input("client-retry", "n_clicks"),
    State("client-id", "data"),
    prevent_initial_call=True,
)
def retry_client(_retry: int | None, value: str | None) -> tuple[object, bool, str]:
    """The decision block again after a failed call (the layout brings it the first time)."""
    return client_view(value)


def client_view(value: str | None) -> tuple[object, bool, str]:
    """The decision block of the client `value` names (decision, risk against the threshold, facts,
    waterfall, reasons, recourse, letter links), and the error box's (hidden, text): two API calls made at
    once, and the recourse of a refused client. The offer (`show_offer`) and the officer's panel (its own
    callbacks) come after it."""
    t = current()
    if not value:
        prompt = t.gettext("Choose a client above, or start from one of the examples.")
        return html.P(prompt, className="mt-3"), *HIDDEN
    client_id = picker.client_id_of(value)
    if client_id is None:
        return unknown_client(value, None, t), *HIDDEN
    try:
        facts, score = api().both(lambda c: c.client(client_id), lambda c: c.client_score(client_id))
        recourse = api().recourse(client_id) if score["decision"] == "refuse" else None
    except ApiError as error:
        if error.not_found:
            return unknown_client(value, client_id, t), *HIDDEN
        return None, *shown(error)
    offers = [o.get("points") for o in (recourse or {}).get("options") or []]
    digits = points_digits([score.get("points"), *offers], score.get("threshold_points"))
    return [
        html.H2(
            t.gettext("Client {client_id}").format(client_id=client_id),
            className="h3 mt-2",
            id="client-heading",
        ),
        decision_view(
            score,
            PREFIX,
            facts,
            t,
            drill=True,
            digits=digits,
            show_outcome=users.role() not in DECIDE_WITHOUT_HINDSIGHT,
        ),
        dcc.Store(id="client-shown", data={"client_id": client_id}),
        dcc.Store(id=officer.PAINTED),
        html.Div(id="client-offer-slot"),
        dbc.Row(
            [
                dbc.Col(recourse_box(recourse, t, digits), lg=8),
                dbc.Col(letter_block(client_id, score["decision"], t), lg=4),
            ],
            className="g-4",
        ),
        next_steps(client_id, t),
        officer.panel(client_id, score, t),
    ], *HIDDEN


clientside_callback(
    "function(n) { if (n) { window.print(); } return window.dash_clientside.no_update; }",
    Output("client-print", "title"),
    Input("client-print", "n_clicks"),
    prevent_initial_call=True,
)


dash.register_page(
    __name__, path="/", path_template="/client/<client_id>", title=title, order=0, layout=layout
)
