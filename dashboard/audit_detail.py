"""An audit row's details in words: each key by its label in the page's language and each value by its
kind (a request as "GET /clients/{client_id}/score → 200", yes/no, a role, a decision, a risk as a percent,
a hash cut short, money). A key or value this dashboard does not know yet is shown as the API names it;
the CSV export keeps the row as stored."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from dashboard import vocabulary
from dashboard.api_client import PREFIX as API_PREFIX
from dashboard.i18n import ENGLISH, N_, Translator
from dashboard.values import is_number, money

HIDDEN = frozenset({"note"})  # the id the API's durable notes carry: no meaning for people
REQUEST = ("method", "route", "status")  # a request the API audited (a view or a score)
HASH_SHOWN = 10
LIMITS = {  # scoring.strategy.authority: the authority limits a grant went beyond
    "pd_limit": N_("risk limit"),
    "amount_limit": N_("amount limit"),
}
SIGN_IN_REFUSALS = {  # scoring.db.users: why a sign-in was refused
    "unknown account": N_("unknown account"),
    "account disabled": N_("account disabled"),
    "wrong password": N_("wrong password"),
    "throttled": N_("too many attempts"),
    "throttled (password change)": N_("too many attempts (password change)"),
    "unknown account (single sign-on)": N_("unknown account (single sign-on)"),
    "account disabled (single sign-on)": N_("account disabled (single sign-on)"),
    # api/schemas/access.py DeniedIn: why the dashboard refused a page or a callback
    "no session": N_("not signed in"),
    "role": N_("the role has no right to it"),
}
SIGN_IN_METHODS = {"password": N_("password"), "sso": N_("single sign-on")}
LETTER_KINDS = {  # api/routes/notice.py: the decision a letter announces
    "accept": N_("acceptance"),
    "accept-counter-offer": N_("counter-offer accepted"),
    "refuse": N_("refusal"),
}
LANGUAGES = {"en": N_("English"), "fr": N_("French")}
STATUSES = {  # scoring.vocabulary.DecisionStatus
    "final": N_("final"),
    "awaiting-approval": N_("awaiting approval"),
    "rejected": N_("rejected"),
}


def _table(table: Mapping[str, str]) -> Callable[[object, Translator, str], str]:
    return lambda value, t, _currency: vocabulary.label(table, value, t)


def _yes_no(value: object, t: Translator, _currency: str) -> str:
    return t.gettext("yes") if value else t.gettext("no")


def _percent(value: object, t: Translator, _currency: str) -> str:
    return t.percent(value, 2) if is_number(value) else str(value)


def _hash(value: object, _t: Translator, _currency: str) -> str:
    text = str(value)
    return text[:HASH_SHOWN] + "…" if len(text) > HASH_SHOWN else text


def _money(value: object, t: Translator, currency: str) -> str:
    return money(value, t, currency) if is_number(value) else str(value)


def _limits(value: object, t: Translator, _currency: str) -> str:
    items = value if isinstance(value, list) else [value]
    return ", ".join(vocabulary.label(LIMITS, item, t) for item in items)


def _offer(value: object, t: Translator, currency: str) -> str:
    if not isinstance(value, Mapping) or not is_number(value.get("amount")):
        return str(value)
    if not is_number(value.get("term_months")):
        return money(value["amount"], t, currency)
    return t.gettext("{amount} over {months} months").format(
        amount=money(value["amount"], t, currency), months=t.number(value["term_months"])
    )


def _as_is(value: object, t: Translator, _currency: str) -> str:
    """A number as the page's language writes it, anything else as the API sent it."""
    if is_number(value):
        return t.number(value, 0 if float(value).is_integer() else 1)  # type: ignore[arg-type]
    return str(value)


DETAIL_KEYS: dict[str, tuple[str, Callable[[object, Translator, str], str]]] = {
    # key -> (label, how its value reads); the writers of the details are named beside each group
    # scoring.db.users, api/routes/users.py, api/routes/auth.py: accounts and sessions
    "role": (N_("role"), _table(vocabulary.ROLES)),
    "password": (N_("password set"), _yes_no),
    "first_start": (N_("first start"), _yes_no),
    "method": (N_("method"), _table(SIGN_IN_METHODS)),
    "provider": (N_("identity provider"), _as_is),
    "reason": (N_("reason"), _table(SIGN_IN_REFUSALS)),
    "delay_seconds": (N_("next attempt after (seconds)"), _as_is),
    "ended_by_admin": (N_("ended by an administrator"), _yes_no),
    "sessions": (N_("sessions ended"), _as_is),
    # scoring.db.decisions, scoring.db.approvals: officers' decisions
    "decision_id": (N_("decision no."), _as_is),
    "decision": (N_("officer's decision"), _table(vocabulary.OFFICER_DECISIONS)),
    "model_decision": (N_("model's decision"), _table(vocabulary.DECISIONS)),
    "model_version": (N_("model"), _as_is),
    "probability": (N_("risk"), _percent),
    "threshold": (N_("threshold"), _percent),
    "reason_category": (N_("override reason"), _table(vocabulary.OVERRIDE_REASONS)),
    "status": (N_("status"), _table(STATUSES)),
    "limits_exceeded": (N_("limits exceeded"), _limits),
    "offer": (N_("counter-offer"), _offer),
    "decided_by": (N_("decided by (account no.)"), _as_is),
    "taken_over_from": (N_("taken over from"), _as_is),
    # scoring.db.letters
    "letter_id": (N_("letter no."), _as_is),
    "reference": (N_("reference"), _as_is),
    "kind": (N_("kind"), _table(LETTER_KINDS)),
    "language": (N_("language"), _table(LANGUAGES)),
    "format": (N_("format"), _as_is),
    # scoring.db.strategies
    "name": (N_("name"), _as_is),
    "sha256": (N_("SHA-256"), _hash),
    "author": (N_("author"), _as_is),
    "proposed_by": (N_("proposed by"), _as_is),
    # scoring.db.export, api/routes/audit.py, scoring.db.audit: the trail itself
    "rows": (N_("rows"), _as_is),
    "file": (N_("file"), _as_is),
    "since": (N_("from"), _as_is),
    "until": (N_("until"), _as_is),
    "before": (N_("before"), _as_is),
    "deleted": (N_("rows deleted"), _as_is),
    "chain_starts_after_hash": (N_("chain starts after"), _hash),
    "action": (N_("action"), _table(vocabulary.AUDIT_ACTIONS)),
    "user": (N_("user"), _as_is),
    "amount": (N_("amount"), _money),
}


def request_text(detail: Mapping[str, object]) -> str:
    """An audited request: method, route template (without the API's prefix) and response status."""
    route = str(detail["route"]).removeprefix(API_PREFIX)
    return f"{detail['method']} {route} \u2192 {detail['status']}"


def detail_text(parts: list[str], t: Translator = ENGLISH) -> str:
    """The parts on one line, with the page's language's separator ("; " in English, " ; " in French)."""
    return t.gettext("; ").join(parts)


def detail_parts(detail: Mapping[str, object], t: Translator = ENGLISH, currency: str = "EUR") -> list[str]:
    """The details of an audit row as 'label: value' texts in the page's language."""
    parts, shown = [], set(HIDDEN)
    if all(key in detail for key in REQUEST):
        parts.append(request_text(detail))
        shown.update(REQUEST)
    for key, value in detail.items():
        if key in shown or value is None or value == "":  # nothing to say (no decision, no reason)
            continue
        label, reads = DETAIL_KEYS.get(key, (key, _as_is))
        parts.append(
            t.gettext("{label}: {value}").format(label=t.gettext(label), value=reads(value, t, currency))
        )
    return parts
