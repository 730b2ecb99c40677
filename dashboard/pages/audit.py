"""Audit trail (administrators): who did what, when and from where, filtered by dates, action and user, a page
at a time, newest first; the check of the hash chain and of its signed anchors told in words; the filtered
rows exported as CSV (through the dashboard's /audit-export, which holds the API key, not the browser)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html

from dashboard import vocabulary
from dashboard.api_client import ApiError, api
from dashboard.audit_detail import detail_parts, detail_text
from dashboard.audit_export import ROUTE as EXPORT_PATH
from dashboard.callbacks import callback
from dashboard.components.layout import header
from dashboard.components.tables import captioned_table
from dashboard.i18n import ENGLISH, N_, Translator, current
from dashboard.settings import currency

PREFIX = "audit"
PAGE_ROWS = 50
HASH_SHOWN = 10
DETAIL_SHOWN = 90
ACTIONS = vocabulary.AUDIT_ACTIONS
PROBLEMS = {  # scoring.db.audit.Problem.kind
    "edited": N_("row {row} was edited"),
    "inserted": N_("row {row} was inserted into the chain"),
    "deleted": N_("rows were deleted, from row {row} on"),
}


def title() -> str:
    return current().gettext("Audit trail: credit scoring")


def action_label(action: str, t: Translator = ENGLISH) -> str:
    """An action in words (an action this dashboard does not know yet: as the API names it)."""
    return t.gettext(ACTIONS[action]) if action in ACTIONS else action


def _field(label: str, component: object, name: str, width: int) -> dbc.Col:
    return dbc.Col([dbc.Label(label, html_for=f"{PREFIX}-{name}"), component], md=width)


def layout(**_query: str) -> html.Div:
    t = current()
    _ = t.gettext
    actions = [{"label": _("Every action"), "value": ""}] + sorted(
        ({"label": action_label(value, t), "value": value} for value in ACTIONS),
        key=lambda option: option["label"],
    )
    filters = dbc.Row(
        [
            _field(_("From (UTC)"), dbc.Input(id=f"{PREFIX}-from", type="date"), "from", 2),
            _field(_("To, included (UTC)"), dbc.Input(id=f"{PREFIX}-to", type="date"), "to", 2),
            _field(
                _("Action"),
                dbc.Select(id=f"{PREFIX}-action", options=actions, value=""),  # "" is "Every action"
                "action",
                3,
            ),
            _field(
                _("User (name or id)"),
                dbc.Input(id=f"{PREFIX}-user", maxLength=64, autoComplete="off"),
                "user",
                3,
            ),
            dbc.Col(
                dbc.Button(_("Show"), id=f"{PREFIX}-show", color="primary"), md=2, className="align-self-end"
            ),
        ],
        className="g-3 mb-3",
    )
    paging = html.Div(
        [
            dbc.Button(_("Newer rows"), id=f"{PREFIX}-newer", color="secondary", outline=True, disabled=True),
            html.Span(id=f"{PREFIX}-page", className="mx-3", role="status"),
            dbc.Button(_("Older rows"), id=f"{PREFIX}-older", color="secondary", outline=True, disabled=True),
        ],
        className="d-flex align-items-center mb-4",
    )
    tools = html.Div(
        [
            dbc.Button(_("Verify the chain"), id=f"{PREFIX}-verify", color="secondary", className="me-2"),
            html.A(
                _("Export the rows shown by these filters (CSV)"),
                id=f"{PREFIX}-export",
                href=EXPORT_PATH,
                className="btn btn-outline-secondary",
            ),
            html.Div(id=f"{PREFIX}-verify-result", role="status", className="mt-3"),
        ],
        className="mb-4",
    )
    return html.Div(
        [
            header(
                _("Audit trail"),
                _(
                    "Who signed in, viewed or scored a client, decided, issued a letter or changed an "
                    "account: each row is chained to the one before by its hash, so that a change shows."
                ),
            ),
            dcc.Store(id=f"{PREFIX}-cursor", data={"before": None, "newer": []}),  # the page shown
            filters,
            tools,
            html.Div(id=f"{PREFIX}-table"),
            paging,
        ]
    )


def query_of(start: str | None, end: str | None, action: str | None, user: str | None) -> dict[str, str]:
    """The API's filters of the form's values (the end day included); ValueError names a wrong date."""
    query: dict[str, str] = {}
    for name, value, shift in (("since", start, 0), ("until", end, 1)):
        if value:
            try:
                query[name] = (date.fromisoformat(value) + timedelta(days=shift)).isoformat()
            except (ValueError, OverflowError):  # not a date, or the day after 9999-12-31
                raise ValueError(name) from None
    if action:
        query["action"] = action
    if user and user.strip():
        query["user"] = user.strip()
    return query


def export_href(query: Mapping[str, str]) -> str:
    return f"{EXPORT_PATH}?{urlencode(query)}" if query else EXPORT_PATH


def detail_summary(target: str | None, detail: Mapping[str, object], t: Translator = ENGLISH) -> html.Span:
    """The row's object and details in words on one short line, the whole of it on hover."""
    parts = [target] if target else []
    text = detail_text([str(part) for part in parts] + detail_parts(detail, t, currency()), t)
    short = text if len(text) <= DETAIL_SHOWN else text[: DETAIL_SHOWN - 1] + "…"
    return html.Span(short, title=text if short != text else None)


def audit_table(rows: Sequence[Mapping], t: Translator = ENGLISH) -> dbc.Table | dbc.Alert:
    _ = t.gettext
    if not rows:
        return dbc.Alert(_("No audit row matches these filters."), color="info")
    body = [
        html.Tr(
            [
                html.Td(str(row["id"])),
                html.Td(t.moment(row["created_at"])),
                html.Td(action_label(row["action"], t)),
                html.Td(row["actor"]),
                html.Td(row["source"] or "–"),
                html.Td(
                    html.Span(row["client_hash"][:HASH_SHOWN] + "…", title=row["client_hash"])
                    if row["client_hash"]
                    else "–"
                ),
                html.Td(detail_summary(row["target"], row["detail"], t), className="small"),
            ]
        )
        for row in rows
    ]
    head = [_("Row"), _("Time (UTC)"), _("Action"), _("User"), _("Address"), _("Client (hash)"), _("Detail")]
    return captioned_table(_("Audit rows, newest first"), head, body, f"{PREFIX}-rows")


def verification_text(result: Mapping, t: Translator = ENGLISH) -> dbc.Alert:
    """The chain's check and its anchors' in words: intact, or how it is broken and where."""
    _ = t.gettext
    if result["problem_kind"] is not None:
        what = _(PROBLEMS[result["problem_kind"]]).format(row=result["problem_row"])
        message = _("The audit trail was tampered with: {what}.").format(what=what)
        return dbc.Alert(message, color="danger")
    if result["anchor_problem"] is not None:
        message = _(
            "The chain holds, but its signed anchors disagree with it: rows were cut at its end, or the "
            "anchor file was edited ({problem})."
        ).format(problem=result["anchor_problem"])
        return dbc.Alert(message, color="danger")
    chain = _("The audit trail is intact: {rows} rows checked (rows {first} to {last}).").format(
        rows=t.number(result["rows"]), first=result["first_id"], last=result["last_id"]
    )
    if result["anchors"]:
        anchors = t.ngettext(
            "{anchors} signed anchor of its end agrees (the newest names row {row}).",
            "{anchors} signed anchors of its end agree (the newest names row {row}).",
            result["anchors"],
        ).format(anchors=t.number(result["anchors"]), row=result["last_anchored"])
    else:
        anchors = _(
            "No signed anchor of its end yet: each export writes one, and the API one every few minutes."
        )
    return dbc.Alert(f"{chain} {anchors}", color="success")


def _page_label(cursor: Mapping, t: Translator) -> str:
    return t.gettext("Page {page}").format(page=len(cursor["newer"]) + 1)


@callback(
    Output(f"{PREFIX}-table", "children"),
    Output(f"{PREFIX}-cursor", "data"),
    Output(f"{PREFIX}-newer", "disabled"),
    Output(f"{PREFIX}-older", "disabled"),
    Output(f"{PREFIX}-page", "children"),
    Output(f"{PREFIX}-export", "href"),
    Input(f"{PREFIX}-show", "n_clicks"),
    Input(f"{PREFIX}-older", "n_clicks"),
    Input(f"{PREFIX}-newer", "n_clicks"),
    State(f"{PREFIX}-from", "value"),
    State(f"{PREFIX}-to", "value"),
    State(f"{PREFIX}-action", "value"),
    State(f"{PREFIX}-user", "value"),
    State(f"{PREFIX}-cursor", "data"),
)
def show_rows(
    _show: int | None,
    _older: int | None,
    _newer: int | None,
    start: str | None,
    end: str | None,
    action: str | None,
    user: str | None,
    cursor: dict | None,
) -> tuple:
    """A page of rows: the first one of the form's filters (on load and on Show), else the next older or
    newer one of the filters shown (kept in the cursor: a filter edited without Show does not page)."""
    t = current()
    cursor = cursor or {}
    trigger = dash.ctx.triggered_id
    paging = trigger in (f"{PREFIX}-older", f"{PREFIX}-newer") and isinstance(cursor.get("query"), dict)
    try:
        query = cursor["query"] if paging else query_of(start, end, action, user)
    except ValueError as error:
        field = t.gettext("From (UTC)") if str(error) == "since" else t.gettext("To, included (UTC)")
        problem = t.gettext("{field}: not a date.").format(field=field)
        return dbc.Alert(problem, color="warning"), dash.no_update, True, True, "", dash.no_update
    if paging and trigger == f"{PREFIX}-older" and cursor.get("next"):
        cursor = {"before": cursor["next"], "newer": [*cursor["newer"], cursor["before"]]}
    elif paging and trigger == f"{PREFIX}-newer" and cursor.get("newer"):
        cursor = {"before": cursor["newer"][-1], "newer": cursor["newer"][:-1]}
    else:
        cursor = {"before": None, "newer": []}
    cursor["query"] = query
    try:
        page = api().audit_rows({**query, "before": cursor["before"], "limit": PAGE_ROWS})
    except ApiError as error:
        return dbc.Alert(error.message, color="warning"), cursor, True, True, "", export_href(query)
    cursor["next"] = page["next_before"]
    return (
        audit_table(page["rows"], t),
        cursor,
        not cursor["newer"],
        page["next_before"] is None,
        _page_label(cursor, t),
        export_href(query),
    )


@callback(
    Output(f"{PREFIX}-verify-result", "children"),
    Input(f"{PREFIX}-verify", "n_clicks"),
    prevent_initial_call=True,
)
def verify_chain(_clicks: int) -> dbc.Alert:
    try:
        result = api().audit_verify()
    except ApiError as error:
        return dbc.Alert(error.message, color="warning")
    return verification_text(result, current())


dash.register_page(__name__, path="/audit", title=title, order=8, layout=layout)
