"""The frame of every page: skip link, navigation bar with the language switch, main region (in the
request's language: the layout is rebuilt for each page load)."""

from __future__ import annotations

from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.components.language import language_switch
from dashboard.i18n import N_, Translator, current

NAV = (
    (N_("Client decision"), "/", "client"),
    (N_("Similar clients"), "/similar", "similar"),
    (N_("What-if"), "/what-if", "what-if"),
    (N_("New application"), "/new-application", None),
    (N_("Worklist"), "/worklist", None),
    (N_("Model"), "/model", None),
    (N_("Drift"), "/drift", None),
    (N_("Operations"), "/operations", None),
    (N_("Strategy"), "/strategy", None),
    (N_("Users"), "/users", None),
    (N_("Audit"), "/audit", None),
)


def nav_href(path: str, client_path: str | None, client_id: str | None) -> str:
    """A link of the navigation bar: a client page opens on the client in view; any other page carries it
    in the query (`?client=ID`), so that it is still there after that page, loaded afresh or in a new tab."""
    if not client_id:
        return path
    return f"/{client_path}/{client_id}" if client_path else f"{path}?{urlencode({'client': client_id})}"


def is_current(path: str, client_path: str | None, pathname: str | None) -> bool:
    """Whether the navigation link of `path` is the page at `pathname` (its client pages included)."""
    here = (pathname or "/").rstrip("/") or "/"
    if client_path and here.startswith(f"/{client_path}/"):
        return True
    return here == path if path == "/" else here == path or here.startswith(path + "/")


def nav_links(
    client_id: str | None,
    hidden: frozenset[str] = frozenset(),
    t: Translator | None = None,
    pathname: str | None = None,
) -> list[dbc.NavItem]:
    """Navigation links but the `hidden` paths, keeping the client in view; the page at `pathname` marked."""
    t = t or current()
    items = []
    for label, path, client_path in NAV:
        if path in hidden:
            continue
        link = dbc.NavLink(
            t.gettext(label),
            href=nav_href(path, client_path, client_id),
            active=is_current(path, client_path, pathname),
        )
        items.append(dbc.NavItem(link))
    return items


def shell(user: list, hidden: frozenset[str]) -> html.Div:
    """The app layout around Dash Pages' page container, with `user` (who is signed in) in the bar and the
    navigation links but the `hidden` paths."""
    t = current()
    return html.Div(
        [
            html.A(t.gettext("Skip to main content"), href="#main", className="skip-link"),
            dcc.Store(id="app-client", storage_type="session"),
            dcc.Store(id="app-painted"),
            dcc.Store(id="app-language-chosen"),
            html.Header(
                dbc.Navbar(
                    dbc.Container(
                        [
                            dbc.NavbarBrand(t.gettext("Credit scoring"), href="/"),
                            html.Nav(
                                dbc.Nav(
                                    nav_links(None, hidden, t=t),
                                    id="app-nav",
                                    navbar=True,
                                    className="flex-wrap",
                                ),
                                **{"aria-label": t.gettext("Pages")},
                            ),
                            language_switch(t),
                            html.Div(user, id="app-user", className="d-flex align-items-center ms-2"),
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
