"""The page of an address the dashboard does not have, in the request's language (Dash Pages shows the
page of a module named `not_found_404` for every unknown path)."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboard.components.layout import header
from dashboard.i18n import current


def title() -> str:
    return current().gettext("Page not found: credit scoring")


def layout(**_query: str) -> html.Div:
    _ = current().gettext
    return html.Div(
        [
            header(_("Page not found"), _("The dashboard has no page at this address.")),
            dcc.Link(_("Back to the start page"), href="/", id="not-found-home"),
        ]
    )


dash.register_page(__name__, path="/404", title=title, layout=layout)
