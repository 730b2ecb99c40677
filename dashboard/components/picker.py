"""Choosing a stored client: type-ahead ID search (server-side) and a button that opens the client's page."""

from __future__ import annotations

import re
from collections.abc import Callable

import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html

from dashboard.api_client import ApiError, api
from dashboard.callbacks import callback, clientside_callback
from dashboard.i18n import Translator, current

PROBLEM, NEWS = "text-danger-emphasis", "text-muted"  # the search message's look: a problem, or news
ID_PATTERN = re.compile(r"^[0-9]{1,10}$")
SUGGESTIONS = 10
# In the browser, so opening a client costs no round trip before the page itself is requested; the
# messages, in the page's language, are carried by the message element's data-not-an-id and data-opening
# attributes (the page that arrives brings a new, empty message element).
OPEN_CLIENT = """
function(clicks, submits, value) {
    const id = String(value || "").trim();
    const message = document.getElementById("PREFIX-search-message");
    if (!/^[0-9]{1,10}$/.test(id) || Number(id) < 1) {
        return [window.dash_clientside.no_update, message ? message.dataset.notAnId : "", PROBLEM];
    }
    const path = "/TARGET/" + id;
    const opening = message && window.location.pathname !== path ? message.dataset.opening : "";
    return [path, opening, NEWS];
}
"""


def client_id_of(value: object) -> int | None:
    """The client ID in a path segment or an input, or None when it is not one."""
    raw = str(value).strip() if value is not None else ""
    return int(raw) if ID_PATTERN.match(raw) and int(raw) > 0 else None


def picker(prefix: str, value: str | None = None) -> html.Div:
    """Label, search input with suggestions, and the open button; ids are prefixed by the page."""
    _ = current().gettext
    return html.Div(
        [
            dbc.Label(_("Client ID"), html_for=f"{prefix}-search", className="fw-semibold"),
            html.Div(
                [
                    dcc.Input(
                        id=f"{prefix}-search",
                        type="search",
                        inputMode="numeric",
                        placeholder=_("Type the first digits, e.g. 1000"),
                        list=f"{prefix}-suggestions",
                        value=value or "",
                        debounce=False,
                        autoComplete="off",
                        className="form-control",
                    ),
                    dbc.Button(_("Open"), id=f"{prefix}-open", color="primary", n_clicks=0),
                ],
                className="d-flex gap-2 picker-row",
            ),
            html.Datalist(id=f"{prefix}-suggestions"),
            dcc.Location(id=f"{prefix}-location", refresh="callback-nav"),
            html.Small(
                _("Suggestions appear as you type; press Enter or Open."),
                id=f"{prefix}-search-help",
                className="form-text",
            ),
            html.Div(
                id=f"{prefix}-search-message",
                className=PROBLEM,
                role="status",
                **{
                    "data-not-an-id": _("Enter a client ID: digits only, e.g. 100002."),
                    "data-opening": _("Opening the client…"),
                },
            ),
        ],
        className="picker mb-3",
    )


def not_an_id(value: object, t: Translator) -> str:
    return t.gettext("\u201c{value}\u201d is not a client ID: IDs are whole numbers such as 100002.").format(
        value=value
    )


def no_client(value: str | None, prompt: str) -> dbc.Alert:
    """The page's prompt to choose a client, or why what is in the URL is not a client ID."""
    return dbc.Alert(not_an_id(value, current()) if value else prompt, color="info")


def unknown_client(client_id: int, t: Translator) -> dbc.Alert:
    return dbc.Alert(
        t.gettext("No client with ID {client_id} in the data.").format(client_id=client_id), color="warning"
    )


def client_link_sentence(client_id: int, sentence: str) -> list:
    """A sentence whose {client} is a link to the client's page."""
    before, _, after = sentence.partition("{client}")
    return [before, dcc.Link(str(client_id), href=f"/client/{client_id}"), after]


def suggestions(value: str | None, search: Callable[[str], list[int]]) -> list[html.Option]:
    """Suggested IDs for what has been typed (digits only), from the API's server-side search."""
    digits = re.sub(r"[^0-9]", "", value or "")[:10]
    if not digits:
        return []
    try:
        ids = search(digits)
    except ApiError:
        return []
    return [html.Option(value=str(i)) for i in ids]


def register(prefix: str, target: str) -> None:
    """The picker's callbacks: suggestions while typing, and opening /<target>/<id>."""

    @callback(
        Output(f"{prefix}-suggestions", "children"),
        Input(f"{prefix}-search", "value"),
        prevent_initial_call=True,
    )
    def suggest(value: str | None) -> list[html.Option]:
        return suggestions(value, lambda digits: api().search_clients(digits, SUGGESTIONS))

    clientside_callback(
        OPEN_CLIENT.replace("TARGET", target)
        .replace("PREFIX", prefix)
        .replace("PROBLEM", repr(PROBLEM))
        .replace("NEWS", repr(NEWS)),
        Output(f"{prefix}-location", "pathname"),
        Output(f"{prefix}-search-message", "children"),
        Output(f"{prefix}-search-message", "className"),
        Input(f"{prefix}-open", "n_clicks"),
        Input(f"{prefix}-search", "n_submit"),
        State(f"{prefix}-search", "value"),
        prevent_initial_call=True,
    )
