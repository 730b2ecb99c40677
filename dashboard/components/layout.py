"""The frame of every page: skip link, navigation bar, main region."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

NAV = (
    ("Client decision", "/", "client"),
    ("Similar clients", "/similar", "similar"),
    ("What-if", "/what-if", "what-if"),
    ("New application", "/new-application", None),
    ("Model", "/model", None),
    ("Drift", "/drift", None),
    ("Operations", "/operations", None),
    ("Users", "/users", None),
)


def nav_links(client_id: str | None, hidden: frozenset[str] = frozenset()) -> list[dbc.NavItem]:
    """Navigation links but the `hidden` paths; the client pages keep the client in view."""
    items = []
    for label, path, client_path in NAV:
        if path in hidden:
            continue
        href = f"/{client_path}/{client_id}" if client_id and client_path else path
        items.append(dbc.NavItem(dbc.NavLink(label, href=href, active="partial" if path != "/" else "exact")))
    return items


def shell() -> html.Div:
    """The app layout around Dash Pages' page container."""
    return html.Div(
        [
            html.A("Skip to main content", href="#main", className="skip-link"),
            dcc.Store(id="app-client", storage_type="session"),
            html.Header(
                dbc.Navbar(
                    dbc.Container(
                        [
                            dbc.NavbarBrand("Credit scoring", href="/"),
                            html.Nav(
                                dbc.Nav(nav_links(None), id="app-nav", navbar=True, className="flex-wrap"),
                                **{"aria-label": "Pages"},
                            ),
                            html.Div(id="app-user", className="d-flex align-items-center ms-auto"),
                        ],
                        fluid=True,
                    ),
                    color="dark",
                    dark=True,
                    className="mb-3 no-print",
                )
            ),
            html.Main(dbc.Container(dash.page_container, fluid=True), id="main", tabIndex="-1"),
        ]
    )


def header(title: str, lead: str) -> html.Div:
    """The page's one h1 and a sentence saying what the page is for."""
    return html.Div([html.H1(title, className="h2"), html.P(lead, className="lead-text")], className="mb-3")
