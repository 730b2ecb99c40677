"""The officer's decision on the client page: the decision form (officers and admins), the override's reason
and justification, and the client's decision history (letters are issued through the letter links).

The vocabulary (decisions, override reasons, which decision overrides which) comes from the API, shown in
the page's language where `dashboard.vocabulary` knows the value; the form is checked again by the API, and
every callback is guarded on the server by its rights.
"""

from __future__ import annotations

from collections.abc import Mapping

import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html, no_update

from dashboard import auth, offer_text, text, vocabulary
from dashboard.api_client import ApiError, api
from dashboard.auth.roles import DECIDE, VIEW_CLIENTS, protected_callback
from dashboard.components.recourse import LETTER_SLOT, letter_links
from dashboard.components.tables import captioned_table
from dashboard.i18n import ENGLISH, Translator, current
from dashboard.settings import currency

PREFIX = "client-officer"
PAINTED = "client-painted"  # the client page's store, set once its decision is painted (after first paint)


def panel(client_id: int, score: Mapping, t: Translator = ENGLISH) -> html.Section:
    """The section under the client's decision; its content comes from the callbacks below, once the
    decision is painted (`PAINTED`)."""
    heading = t.gettext("The officer's decision")
    return html.Section(
        [
            html.H3(heading, className="h4"),
            dcc.Store(id=f"{PREFIX}-model", data={"client_id": client_id, "decision": score["decision"]}),
            dcc.Store(id=f"{PREFIX}-recorded"),
            dcc.Store(id=f"{PREFIX}-overriding"),  # the decisions that would override, with the history
            dcc.Store(id=f"{PREFIX}-barred"),  # the decisions no one may record, and why, with the history
            html.Div(id=f"{PREFIX}-form"),
            html.H4(t.gettext("Decision history"), className="h5 mt-3"),
            html.Div(id=f"{PREFIX}-history"),
        ],
        id=PREFIX,
        className="no-print mt-4",
        **{"aria-label": heading},
    )


def labels(words: Mapping, t: Translator = ENGLISH) -> dict[str, str]:
    """Value -> label of the API's decisions and override reasons, in the page's language."""
    tables = (("decisions", vocabulary.OFFICER_DECISIONS), ("override_reasons", vocabulary.OVERRIDE_REASONS))
    return {
        v["value"]: vocabulary.label(table, v["value"], t, fallback=v["label"])
        for key, table in tables
        for v in words[key]
    }


def _options(values: list[dict], named: Mapping[str, str]) -> list[dict]:
    return [{"label": named[v["value"]], "value": v["value"]} for v in values]


def form(words: Mapping, t: Translator = ENGLISH) -> list:
    """The decision form of an officer."""
    _ = t.gettext
    named = labels(words, t)
    return [
        dbc.Label(_("Final decision"), html_for=f"{PREFIX}-decision", className="fw-semibold"),
        dbc.RadioItems(
            id=f"{PREFIX}-decision", options=_options(words["decisions"], named), className="mb-2"
        ),
        html.Div(id=f"{PREFIX}-barred-note", role="note", className="mb-2 small"),
        html.Div(id=f"{PREFIX}-override", role="status", className="mb-2"),
        dbc.Label(_("Reason of an override"), html_for=f"{PREFIX}-reason"),
        dbc.Select(
            id=f"{PREFIX}-reason",
            options=_options(words["override_reasons"], named),
            placeholder=_("Choose a reason (for an override)"),
            className="mb-2",
        ),
        dbc.Label(_("Justification"), html_for=f"{PREFIX}-justification"),
        dbc.Textarea(id=f"{PREFIX}-justification", rows=3, maxLength=4000, className="mb-1"),
        dbc.FormText(
            _(
                "Required for an override: at least {count} characters, in words a reviewer understands."
            ).format(count=words["min_justification"])
        ),
        html.Div(
            dbc.Button(_("Record the decision"), id=f"{PREFIX}-submit", color="primary"), className="mt-2"
        ),
        html.Div(id=f"{PREFIX}-result", role="status", className="mt-2"),
    ]


@protected_callback(
    VIEW_CLIENTS, Output(f"{PREFIX}-form", "children"), Input(PAINTED, "data"), prevent_initial_call=True
)
def show_form(_painted: Mapping | None) -> object:
    t = current()
    if not auth.enabled():
        return _read_only(
            t.gettext(
                "Read-only: sign-in is off (SCORING_AUTH=off), and a decision needs a signed-in officer."
            )
        )
    if not auth.can_record():
        return _read_only(t.gettext("Read-only: your role reads the decisions without recording them."))
    try:
        return form(api().decision_vocabulary(), t)
    except ApiError as error:
        return dbc.Alert(error.message, color="warning")


def _read_only(sentence: str) -> html.P:
    return html.P(sentence, className="text-muted", id=f"{PREFIX}-read-only")


@protected_callback(
    DECIDE,
    Output(f"{PREFIX}-override", "children"),
    Output(f"{PREFIX}-reason", "value"),
    Input(f"{PREFIX}-decision", "value"),
    Input(f"{PREFIX}-overriding", "data"),
    State(f"{PREFIX}-model", "data"),
    prevent_initial_call=True,
)
def show_override(decision: str | None, overriding: list[str] | None, model: Mapping) -> tuple[str, object]:
    """Says when the chosen decision overrides the model's (for this client, as the history's answer says:
    accepting the counter-offer of an application that cannot be granted as asked follows an acceptance);
    a decision that does not lets go of a reason chosen before (only an override takes one). Nothing until
    that answer is in (it comes with the history, and this is asked again then)."""
    if overriding is None:
        return "", no_update
    t = current()
    if decision in overriding:
        return t.gettext(
            "This differs from the model's decision ({decision}): it is an override. Choose a reason and "
            "write a justification."
        ).format(decision=text.decision_words(model["decision"], t).lower()), no_update
    if model["decision"] == text.REFER and decision == text.REFUSE:  # the letter gives the reason
        return t.gettext("Choose the reason of the refusal: the letter gives it to the customer."), no_update
    return "", None


@protected_callback(
    DECIDE,
    Output(f"{PREFIX}-decision", "options"),
    Output(f"{PREFIX}-decision", "value"),
    Output(f"{PREFIX}-barred-note", "children"),
    Input(f"{PREFIX}-barred", "data"),
    State(f"{PREFIX}-decision", "options"),
    State(f"{PREFIX}-decision", "value"),
)
def show_barred(barred: list[dict] | None, options: list[dict], decision: str | None) -> tuple:
    """Disables the decisions that cannot be recorded for the client (as the history's answer says) and says
    why beside them, in the API's words; lets go of such a decision if it was chosen. Also run when the form
    is drawn (no `prevent_initial_call`), should that answer have come first. The API refuses them anyway."""
    if barred is None:
        return no_update, no_update, no_update
    why = {b["decision"]: b["message"] for b in barred}
    named = {o["value"]: o["label"] for o in options}
    sentence = current().gettext("\u201c{decision}\u201d is not possible for this client: {reason}.")
    notes = [
        html.P(sentence.format(decision=named.get(d, d), reason=message), className="mb-1")
        for d, message in why.items()
    ]
    shown = [{**o, "disabled": o["value"] in why} for o in options]
    return shown, None if decision in why else no_update, notes


@protected_callback(
    DECIDE,
    Output(f"{PREFIX}-result", "children"),
    Output(f"{PREFIX}-recorded", "data"),
    Input(f"{PREFIX}-submit", "n_clicks"),
    State(f"{PREFIX}-decision", "value"),
    State(f"{PREFIX}-reason", "value"),
    State(f"{PREFIX}-justification", "value"),
    State(f"{PREFIX}-model", "data"),
    prevent_initial_call=True,
)
def record(
    clicks: int | None, decision: str | None, reason: str | None, note: str | None, model: Mapping
) -> tuple:
    if not clicks:  # the form appearing is not a submission: nothing to say before the officer acts
        return no_update, no_update
    t = current()
    _ = t.gettext
    if not decision:
        return dbc.Alert(_("Choose the final decision first."), color="warning"), no_update
    body = {"decision": decision, "reason_category": reason or None, "justification": note or None}
    try:
        saved = api().decide(model["client_id"], body)
    except ApiError as error:
        problems = [html.Li(message) for message in error.fields.values()] or [html.Li(error.message)]
        return dbc.Alert([_("The decision was not recorded:"), html.Ul(problems)], color="danger"), no_update
    if saved.get("status") == vocabulary.AWAITING_APPROVAL:
        message = _(
            "Decision recorded at {moment} UTC, awaiting approval by a senior: it is above the authority "
            "limits, so no letter is issued until a senior or an administrator approves it."
        )
    elif saved["override"]:
        message = _("Decision recorded (an override) at {moment} UTC.")
    elif model["decision"] == text.REFER:  # the model referred: there is no decision of its own to follow
        message = _("Decision recorded at {moment} UTC.")
    else:
        message = _("Decision recorded (following the model) at {moment} UTC.")
    message = message.format(moment=t.moment(saved["created_at"]))
    return dbc.Alert(message, color="success", id=f"{PREFIX}-saved"), saved["id"]


def _decision_cell(decision: Mapping, named: Mapping[str, str], t: Translator) -> str:
    """The officer's decision in words, an accepted counter-offer with the terms recorded with it."""
    words = named.get(decision["decision"], decision["decision"])
    terms = decision.get("offer")
    if not terms:
        return words
    return t.gettext("{decision}: {offer}").format(
        decision=words, offer=offer_text.offer_sentence(terms, t, currency())
    )


def history_table(decisions: list[dict], named: Mapping[str, str], t: Translator = ENGLISH) -> object:
    _ = t.gettext
    if not decisions:
        return html.P(_("No decision recorded yet for this client."), id=f"{PREFIX}-none")
    status = _status_note(decisions[0], t)
    head = [
        _("When (UTC)"),
        _("Officer"),
        _("Decision"),
        _("Model"),
        _("Override"),
        _("Justification"),
        _("Review"),
    ]
    rows = [
        html.Tr(
            [
                html.Td(t.moment(d["created_at"])),
                html.Td(d["username"]),
                html.Td(_decision_cell(d, named, t)),
                html.Td(f"{text.decision_words(d['model_decision'], t)} ({t.percent(d['probability'])})"),
                html.Td(named.get(d["reason_category"] or "", _("yes")) if d["override"] else _("no")),
                html.Td(d["justification"] or ""),
                html.Td(_review_cell(d, t, latest=index == 0)),
            ]
        )
        for index, d in enumerate(decisions)
    ]
    table = captioned_table(
        _("Decisions recorded for this client, newest first"), head, rows, f"{PREFIX}-history-table"
    )
    return [status, table] if status is not None else table


def _review_cell(decision: Mapping, t: Translator, latest: bool = True) -> str:
    """A second person's review of a grant beyond the authority limits: awaiting it (replaced, when a later
    decision was recorded before any review), approved or rejected by whom (with their note); a dash for a
    decision no one had to review."""
    status, reviewer = decision.get("status", vocabulary.FINAL), decision.get("reviewed_by")
    if status == vocabulary.AWAITING_APPROVAL:
        return t.gettext("awaiting approval") if latest else t.gettext("replaced by a later decision")
    if not reviewer:
        return "\u2014"
    said = (
        t.gettext("rejected by {user}") if status == vocabulary.REJECTED else t.gettext("approved by {user}")
    )
    note = decision.get("review_note")
    named = said.format(user=reviewer)
    return t.gettext("{review}: {note}").format(review=named, note=note) if note else named


def _status_note(latest: Mapping, t: Translator) -> dbc.Alert | None:
    """Where the latest decision stands when it is not final: awaiting a senior's approval, or rejected."""
    status = latest.get("status", vocabulary.FINAL)
    if status == vocabulary.AWAITING_APPROVAL:
        sentence = t.gettext(
            "The latest decision ({user}) is awaiting approval by a senior: no letter until it is approved."
        )
    elif status == vocabulary.REJECTED:
        sentence = t.gettext(
            "The latest decision ({user}) was rejected by {reviewer}: an officer decides again."
        )
    else:
        return None
    named = sentence.format(user=latest["username"], reviewer=latest.get("reviewed_by") or "")
    return dbc.Alert(named, color="warning", id=f"{PREFIX}-status")


@protected_callback(
    VIEW_CLIENTS,
    Output(f"{PREFIX}-history", "children"),
    Output(LETTER_SLOT, "children"),
    Output(f"{PREFIX}-overriding", "data"),
    Output(f"{PREFIX}-barred", "data"),
    Input(PAINTED, "data"),
    Input(f"{PREFIX}-recorded", "data"),
    State(f"{PREFIX}-model", "data"),
    prevent_initial_call=True,
)
def show_history(_painted: Mapping | None, _recorded: int | None, model: Mapping | None) -> tuple:
    """The client's decisions, newest first, what the letter block says of them (`letter_state`), the
    decisions that would override the model's for the client (for the form's `show_override`) and those that
    cannot be recorded (for its `show_barred`)."""
    t = current()
    if not model or not auth.current():
        shown_to = t.gettext("The decision history is shown to signed-in users.")
        return html.P(shown_to, className="text-muted"), no_update, no_update, no_update
    try:
        words, found = api().both(
            lambda c: c.decision_vocabulary(), lambda c: c.decisions(model["client_id"])
        )
    except ApiError as error:
        return dbc.Alert(error.message, color="warning"), no_update, no_update, no_update
    letter = letter_state(model, found["decisions"], t)
    table = history_table(found["decisions"], labels(words, t), t)
    return table, letter if letter is not None else no_update, found["overriding"], found["barred"]


def letter_state(model: Mapping, decisions: list[dict], t: Translator) -> object:
    """What the letter block says once an officer has decided (None: as the page laid it out): who decided
    what and the letter's links for a final decision; that no letter is issued while the latest decision
    awaits a senior's approval or after a senior rejected it (the API refuses the letter then)."""
    latest = decisions[0] if decisions else None
    if latest is None:
        return None
    status = latest.get("status", vocabulary.FINAL)
    if status in (vocabulary.AWAITING_APPROVAL, vocabulary.REJECTED):
        sentence = (
            t.gettext("No letter while the latest decision awaits a senior's approval.")
            if status == vocabulary.AWAITING_APPROVAL
            else t.gettext("No letter: a senior rejected the latest decision, and an officer decides again.")
        )
        return html.P(sentence, id=f"{PREFIX}-no-letter", className="mt-3 no-print")
    if latest["decision"] not in vocabulary.ANNOUNCED:
        return None
    outcome = text.decision_words(text.ACCEPT if latest["decision"] != text.REFUSE else text.REFUSE, t)
    terms = latest.get("offer")
    if terms:  # the offer's sentence without its full stop: the block's sentence ends after it
        outcome = t.gettext("{decision}: {offer}").format(
            decision=outcome, offer=offer_text.offer_sentence(terms, t, currency()).rstrip(".")
        )
    referred = model.get("decision") == text.REFER
    sentence = (
        t.gettext("Referred to an officer, who decided on {moment} UTC: {decision}.")
        if referred
        else t.gettext("Decided by an officer on {moment} UTC: {decision}. The letter states this decision.")
    )
    decided = sentence.format(moment=t.moment(latest["created_at"]), decision=outcome)
    if latest.get("reviewed_by"):  # a grant beyond the authority limits, approved by a second person
        decided += " " + t.gettext("Approved by {user}.").format(user=latest["reviewed_by"])
    links = letter_links(model["client_id"], t, f"{PREFIX}-letter" if referred else "client-letter")
    return [html.P(decided, id=f"{PREFIX}-decided", className="mt-3 mb-1 no-print"), links]
