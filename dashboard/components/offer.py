"""The lender's offer on the client and New application pages: its terms and the alternatives in one small
table, what bound the amount, and when nothing can be offered the reason, in the page's language."""

from __future__ import annotations

from collections.abc import Mapping

import dash_bootstrap_components as dbc
from dash import html

from dashboard import offer_text
from dashboard.components.tables import captioned_table
from dashboard.i18n import Translator

SECTION = "client-offer"


def _row(kind: str, terms: Mapping, t: Translator, currency: str) -> html.Tr:
    cells = offer_text.term_cells(terms, t, currency)
    return html.Tr([html.Th(offer_text.kind_words(kind, t), scope="row"), *(html.Td(c) for c in cells)])


def offer_table(payload: Mapping, t: Translator, currency: str, section: str = SECTION) -> dbc.Table:
    """The offer's terms, then each other alternative's."""
    rows = [_row("offer", payload["offer"], t, currency)]
    rows += [_row(a.get("kind", ""), a, t, currency) for a in offer_text.alternatives(payload)]
    head = ["", *(t.gettext(c) for c in offer_text.COLUMNS)]
    return captioned_table(t.gettext("Terms offered"), head, rows, f"{section}-table")


def offer_section(payload: Mapping, t: Translator, currency: str, section: str = SECTION) -> html.Section:
    """The offer for the application as asked: the table and what bound it, or why nothing is offered
    (`section`: the id prefix of the page showing it)."""
    heading = t.gettext("The offer")
    body: list = [html.P(offer_text.asked_words(payload, t, currency), className="mb-1")]
    if payload.get("offer") is None:
        body.append(html.P(offer_text.no_offer_words(payload, t), id=f"{section}-none"))
    else:
        limits = payload.get("limits") or {}
        body += [
            offer_table(payload, t, currency, section),
            html.P(
                [
                    html.Span(t.gettext("What bound the amount:"), className="fw-semibold me-1"),
                    offer_text.bound_words(payload, t, currency),
                ],
                id=f"{section}-bound",
                className="mb-1",
            ),
        ]
        ratio = offer_text.ratio_words(limits, t)
        if ratio:
            body.append(html.P(ratio, className="mb-0"))
    return html.Section(
        [html.H3(heading, className="h5"), *body],
        id=section,
        className="mt-3",
        **{"aria-label": heading},
    )


def offer_unavailable(message: str, t: Translator) -> html.Section:
    """The offer section when the scoring service could not give the offer."""
    heading = t.gettext("The offer")
    return html.Section(
        [html.H3(heading, className="h5"), dbc.Alert(message, color="warning")],
        id=SECTION,
        className="mt-3",
        **{"aria-label": heading},
    )
