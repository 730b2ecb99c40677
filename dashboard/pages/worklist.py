"""The officer's worklist (officers, seniors, administrators): the applications the strategy referred to an
officer, oldest first, with their age in the queue, risk, amount asked, the rule or band that referred them
and who has taken each; "Take" assigns one to oneself; the decision is recorded on the client page. Seniors
and administrators also approve or reject the grants above the authority limits awaiting approval."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html, no_update

from dashboard import text, vocabulary
from dashboard.api_client import ApiError, api
from dashboard.auth.roles import REVIEW, protected_callback
from dashboard.callbacks import callback
from dashboard.components.layout import header
from dashboard.components.tables import captioned_table
from dashboard.i18n import ENGLISH, Translator, current
from dashboard.settings import currency
from dashboard.values import money

PREFIX = "worklist"


def title() -> str:
    return current().gettext("Worklist: credit scoring")


def _field(label: str, component: object, name: str) -> html.Div:
    return html.Div([dbc.Label(label, html_for=f"{PREFIX}-{name}"), component], className="mb-2")


def layout(**_query: str) -> html.Div:
    _ = current().gettext
    take = [
        _field(_("Case"), dbc.Select(id=f"{PREFIX}-case", placeholder=_("Choose a case")), "case"),
        dbc.Checkbox(
            id=f"{PREFIX}-take-over",
            label=_("Take over a case another officer holds (seniors and administrators)"),
            value=False,
            className="mb-2",
        ),
        dbc.Button(_("Take"), id=f"{PREFIX}-take", color="primary"),
        html.Div(id=f"{PREFIX}-take-result", role="status", className="mt-2"),
    ]
    review = [
        _field(
            _("Decision awaiting approval"),
            dbc.Select(id=f"{PREFIX}-review-decision", placeholder=_("Choose a decision")),
            "review-decision",
        ),
        _field(
            _("Justification (at least 20 characters)"),
            dbc.Textarea(id=f"{PREFIX}-review-note", rows=2, maxLength=4000),
            "review-note",
        ),
        dbc.Button(_("Approve"), id=f"{PREFIX}-approve", color="primary", className="me-2"),
        dbc.Button(_("Reject"), id=f"{PREFIX}-reject", color="secondary"),
        html.Div(id=f"{PREFIX}-review-result", role="status", className="mt-2"),
    ]
    return html.Div(
        [
            header(
                _("Worklist"),
                _("Applications referred to an officer, oldest first: take one, decide on its client page."),
            ),
            dcc.Store(id=f"{PREFIX}-changed"),
            dcc.Store(id=f"{PREFIX}-awaiting-clients"),
            dbc.Button(_("Refresh"), id=f"{PREFIX}-refresh", color="secondary", className="mb-3"),
            html.Div(id=f"{PREFIX}-cases"),
            html.Section(take, className="mt-3", **{"aria-label": _("Take a case")}),
            html.Section(
                [
                    html.H2(_("Awaiting approval"), className="h4 mt-4"),
                    html.Div(id=f"{PREFIX}-awaiting"),
                    html.Div(review, id=f"{PREFIX}-review"),
                ],
                **{"aria-label": _("Awaiting approval")},
            ),
        ]
    )


def age(hours: float, t: Translator = ENGLISH) -> str:
    """Time in the queue: whole hours under two days, else whole days."""
    if hours < 48:
        return t.gettext("{hours} h").format(hours=t.number(int(hours)))
    count = int(hours // 24)
    return t.ngettext("{count} day", "{count} days", count).format(count=t.number(count))


def referred_by(case: Mapping, t: Translator = ENGLISH) -> str:
    """The rules that referred the case, else the refer band (or that the log did not say)."""
    if case["rules"]:
        return ", ".join(case.get("rule_titles") or case["rules"])
    if case["band"]:
        return t.gettext("refer band")
    return t.gettext("not logged")


def _taken(case: Mapping, t: Translator) -> str:
    if case["taken_by"] is None:
        return "—"
    return t.gettext("{user}, {moment} UTC").format(user=case["taken_by"], moment=t.moment(case["taken_at"]))


def _status(case: Mapping, t: Translator) -> str:
    statuses = {
        vocabulary.AWAITING_APPROVAL: t.gettext("awaiting approval by a senior"),
        vocabulary.REJECTED: t.gettext("rejected by the reviewer: decide again"),
    }
    if case.get("decision") == text.REFER and case["decision_status"] == vocabulary.FINAL:
        return t.gettext("referred to a senior officer by {user}").format(user=case.get("decided_by") or "")
    if case["decision_status"] in statuses:
        return statuses[case["decision_status"]]
    if case.get("taken_by"):  # taken, not decided yet
        return t.gettext("being decided by {user}").format(user=case["taken_by"])
    return t.gettext("waiting for an officer")


def cases_table(cases: Sequence[Mapping], t: Translator = ENGLISH) -> object:
    _ = t.gettext
    if not cases:
        return html.P(_("No application is waiting for an officer."), id=f"{PREFIX}-empty")
    head = [_("Client"), _("In the queue"), _("Risk"), _("Amount asked"), _("Referred by"), _("Taken by")]
    head.append(_("Status"))
    rows = [
        html.Tr(
            [
                html.Td(dcc.Link(str(c["client_id"]), href=f"/client/{c['client_id']}")),
                html.Td(age(c["age_hours"], t)),
                html.Td(t.percent(c["probability"])),
                html.Td(money(c["amount"], t, currency())),
                html.Td(referred_by(c, t)),
                html.Td(_taken(c, t)),
                html.Td(_status(c, t)),
            ]
        )
        for c in cases
    ]
    return captioned_table(_("Referred applications, oldest first"), head, rows, f"{PREFIX}-table")


def awaiting_table(awaiting: Sequence[Mapping], t: Translator = ENGLISH) -> object:
    _ = t.gettext
    if not awaiting:
        return html.P(_("No decision is awaiting approval."), id=f"{PREFIX}-none-awaiting")
    head = [_("Client"), _("Officer"), _("When (UTC)"), _("Decision"), _("Risk"), _("Amount")]
    head.append(_("Justification"))
    rows = [
        html.Tr(
            [
                html.Td(
                    dcc.Link(str(a["client_id"]), href=f"/client/{a['client_id']}") if a["client_id"] else "—"
                ),
                html.Td(a["username"]),
                html.Td(t.moment(a["created_at"])),
                html.Td(vocabulary.label(vocabulary.OFFICER_DECISIONS, a["decision"], t)),
                html.Td(t.percent(a["probability"])),
                html.Td(money(a["amount"], t, currency())),
                html.Td(a["justification"] or ""),
            ]
        )
        for a in awaiting
    ]
    return captioned_table(
        _("Grants above the authority limits, oldest first"), head, rows, f"{PREFIX}-awaiting-table"
    )


def limits_text(limits: Mapping, t: Translator = ENGLISH) -> str:
    return t.gettext(
        "An officer alone may grant credit up to a risk of {pd} and an amount of {amount}; above either, a "
        "senior or an administrator other than the officer approves it before it is final."
    ).format(pd=t.percent(limits["pd_limit"]), amount=money(limits["amount_limit"], t, currency()))


@callback(
    Output(f"{PREFIX}-cases", "children"),
    Output(f"{PREFIX}-case", "options"),
    Output(f"{PREFIX}-awaiting", "children"),
    Output(f"{PREFIX}-review-decision", "options"),
    Output(f"{PREFIX}-review", "hidden"),
    Output(f"{PREFIX}-awaiting-clients", "data"),
    Input(f"{PREFIX}-refresh", "n_clicks"),
    Input(f"{PREFIX}-changed", "data"),
)
def show_worklist(_refresh: int | None, _changed: str | None) -> tuple:
    t = current()
    try:
        found = api().worklist()
    except ApiError as error:
        return dbc.Alert(error.message, color="warning"), [], "", [], True, {}
    cases = [{"label": f"{c['client_id']}", "value": str(c["client_id"])} for c in found["cases"]]
    awaiting = found["awaiting_approval"]
    choices = [
        {
            "label": f"{a['client_id'] or '—'}: {a['username']}, {t.moment(a['created_at'])}",
            "value": str(a["id"]),
        }
        for a in awaiting
    ]
    shown = [html.P(limits_text(found["limits"], t), id=f"{PREFIX}-limits"), awaiting_table(awaiting, t)]
    clients = {str(a["id"]): a["client_id"] for a in awaiting}
    return cases_table(found["cases"], t), cases, shown, choices, not found["can_review"], clients


def _problem(error: ApiError) -> dbc.Alert:
    listed = [html.Li(message) for message in error.fields.values()]
    return dbc.Alert(
        [error.message if not listed else current().gettext("Not done:"), html.Ul(listed)], color="danger"
    )


@callback(
    Output(f"{PREFIX}-take-result", "children"),
    Output(f"{PREFIX}-changed", "data", allow_duplicate=True),
    Input(f"{PREFIX}-take", "n_clicks"),
    State(f"{PREFIX}-case", "value"),
    State(f"{PREFIX}-take-over", "value"),
    prevent_initial_call=True,
)
def take_case(clicks: int | None, case: str | None, take_over: bool | None) -> tuple:
    t = current()
    if not clicks:
        return no_update, no_update
    if not case:
        return dbc.Alert(t.gettext("Choose a case first."), color="warning"), no_update
    try:
        taken = api().take_case(int(case), bool(take_over))
    except ApiError as error:
        return _problem(error), no_update
    link = dcc.Link(t.gettext("Open the client to decide"), href=f"/client/{taken['client_id']}")
    message = t.gettext("Client {client} is yours since {moment} UTC.").format(
        client=taken["client_id"], moment=t.moment(taken["taken_at"])
    )
    return dbc.Alert([message, " ", link], color="success", id=f"{PREFIX}-taken"), f"take:{case}:{clicks}"


@protected_callback(
    REVIEW,
    Output(f"{PREFIX}-review-result", "children"),
    Output(f"{PREFIX}-changed", "data", allow_duplicate=True),
    Output(f"{PREFIX}-review-decision", "value"),
    Output(f"{PREFIX}-review-note", "value"),
    Input(f"{PREFIX}-approve", "n_clicks"),
    Input(f"{PREFIX}-reject", "n_clicks"),
    State(f"{PREFIX}-review-decision", "value"),
    State(f"{PREFIX}-review-note", "value"),
    State(f"{PREFIX}-awaiting-clients", "data"),
    prevent_initial_call=True,
)
def review_decision(
    _approve: int | None,
    _reject: int | None,
    decision: str | None,
    note: str | None,
    clients: Mapping[str, int | None] | None,
) -> tuple:
    """Approve or reject the chosen decision awaiting approval (the API refuses one's own: four eyes); once
    approved, a link to its client, where the letter now is; the form is cleared for the next one."""
    t = current()
    if not decision:
        alert = dbc.Alert(t.gettext("Choose a decision awaiting approval first."), color="warning")
        return alert, no_update, no_update, no_update
    approve = dash.ctx.triggered_id == f"{PREFIX}-approve"
    try:
        reviewed = api().review_decision(int(decision), approve, note or "")
    except ApiError as error:
        return _problem(error), no_update, no_update, no_update
    said = t.gettext("Decision approved: it is final.") if approve else t.gettext("Decision rejected.")
    done: list = [said]
    client_id = (clients or {}).get(decision)
    if approve and client_id is not None:
        link = dcc.Link(t.gettext("Open the client for the letter"), href=f"/client/{client_id}")
        done += [" ", link]
    changed = f"review:{reviewed['id']}:{reviewed['status']}"
    return dbc.Alert(done, color="success", id=f"{PREFIX}-reviewed"), changed, None, ""


dash.register_page(__name__, path="/worklist", title=title, order=3, layout=layout)
