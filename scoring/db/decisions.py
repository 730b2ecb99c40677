"""The officer's decision on a client: recorded beside the model's, an override needing a reason category and
a written justification; a grant above the authority limits awaiting a second person's approval
(`scoring.db.approvals`); the client's history; decisions and override rates per officer and month, with the
default rate of overridden vs followed decisions once outcomes are known (a `labels` table)."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, Select, Table, func, select

from scoring.db.audit import Actor, AuditEvent, append
from scoring.db.engine import write_transaction
from scoring.db.tables import decisions, labels, users, utc_now, worklist_claims
from scoring.errors import ScoringError
from scoring.explain.policy_reasons import policy_catalogue, policy_title
from scoring.strategy.authority import AuthorityLimits
from scoring.vocabulary import (
    AuditAction,
    Decision,
    DecisionStatus,
    Language,
    OfficerDecision,
    OverrideReason,
)

MIN_JUSTIFICATION = 20  # visible characters: no space, no invisible format character (zero-width space...)
MIN_WORDS = 3  # words with a letter
MIN_DISTINCT_LETTERS = 5  # not one letter repeated, nor two in turn
MAX_JUSTIFICATION = 4000
WORD = re.compile(r"[^\W\d_]\w*")
GRANTED = (str(OfficerDecision.ACCEPT), str(OfficerDecision.ACCEPT_COUNTER_OFFER))
CLOSING = (*GRANTED, str(OfficerDecision.REFUSE))  # final decisions that take a client off the worklist
REVIEWER = users.alias("reviewer")
NO_COUNTER_OFFER = "NO_COUNTER_OFFER"  # the reason code of an accept of the counter-offer without one
NO_COUNTER_OFFER_MESSAGE = "there is no counter-offer: the model accepts no amount for this client"


class DecisionError(ScoringError, ValueError):
    """A decision that cannot be recorded, naming the field at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class ModelOpinion:
    """What the model said about the client when the officer decided (computed by the API, not sent)."""

    client_hash: str
    model_version: str
    probability: float
    threshold: float
    decision: Decision
    reasons: Sequence[Mapping[str, object]]
    counter_offer_amount: float | None
    offer: Mapping[str, object] | None = None  # the counter-offer's whole terms (amount, term, rates...)
    amount: float | None = None  # the credit asked (the authority limits' amount for an accept)
    # the policy code of the limit the application as asked breaks (`scoring.offer.search.barrier`: the
    # product's range, the usury threshold or the household's budget, whatever the risk): the lender may
    # not grant it as asked, whoever decides, override or not
    barrier: str | None = None
    # the application as asked, priced at the grade of the model's PD (`OfferFound.asked`): what an accept
    # grants; the same terms as `offer` when the model offers the application as asked
    asked: Mapping[str, object] | None = None

    @property
    def counter_offered(self) -> bool:
        """Whether the lender has a counter-offer for the client (other terms it can grant)."""
        return self.counter_offer_amount is not None

    def overridden_by(self, decision: OfficerDecision) -> bool:
        """Whether an officer's `decision` goes against this opinion (`OfficerDecision.overrides`), except
        accepting the counter-offer of an accepted risk whose application the lender may not grant as asked
        (a `barrier`): the counter-offer is then what the acceptance can lend, and its letter's offer."""
        if decision is OfficerDecision.ACCEPT_COUNTER_OFFER and self.barrier is not None:
            return False
        return decision.overrides(self.decision)

    def granted_terms(self, decision: OfficerDecision) -> Mapping[str, object] | None:
        """The whole terms recorded with a grant: an accepted counter-offer's; for an accept, the asked terms
        priced at the grade of the model's PD, unless the model accepts and offers them itself (its letter
        states the model's offer then); None for any other decision."""
        if decision is OfficerDecision.ACCEPT_COUNTER_OFFER:
            return self.offer
        if decision is not OfficerDecision.ACCEPT:
            return None
        offered = self.decision is Decision.ACCEPT and self.offer is not None and self.offer == self.asked
        return None if offered else self.asked


@dataclass(frozen=True)
class OfficerChoice:
    decision: OfficerDecision
    reason_category: OverrideReason | None = None
    justification: str | None = None


def visible(text: str) -> str:
    """The characters of `text` one sees: no space and no invisible format character (category Cf)."""
    return "".join(c for c in text if not c.isspace() and unicodedata.category(c) != "Cf")


def is_written(note: str) -> bool:
    """Whether a justification is written text: enough visible characters, a few words, several letters."""
    shown = visible(note)
    words = WORD.findall(unicodedata.normalize("NFKC", note))
    letters = {c.casefold() for c in shown if c.isalpha()}
    return (
        len(shown) >= MIN_JUSTIFICATION and len(words) >= MIN_WORDS and len(letters) >= MIN_DISTINCT_LETTERS
    )


def barrier_message(code: str, language: Language = Language.EN, counter_offered: bool = True) -> str:
    """Why an application cannot be granted as asked, for the officer: the policy code's title and officer
    text in `language` (the rest of the sentence is translated with the API's error messages), and what
    is left to decide (accept the counter-offer, when there is one, or refuse)."""
    catalogue = policy_catalogue()
    why = catalogue[code].text("officer", language) if code in catalogue else code
    title = policy_title(code, language)
    left = (
        "accept the counter-offer or refuse" if counter_offered else "refuse (no counter-offer can be made)"
    )
    return (
        f"the application as asked cannot be granted: {title} ({why}); {left} (creditworthiness assessment "
        "and usury threshold: Directive 2023/2225, article 18; Code de la consommation, L. 314-6)"
    )


def barred(model: ModelOpinion, language: Language = Language.EN) -> dict[OfficerDecision, tuple[str, str]]:
    """The decisions no one may record for the client now, whoever decides: decision -> (reason code, why in
    `language`): an accept of an application the lender may not grant as asked (its `barrier`), an accept
    of the counter-offer when there is none (`NO_COUNTER_OFFER`)."""
    found: dict[OfficerDecision, tuple[str, str]] = {}
    if model.barrier is not None:
        why = barrier_message(model.barrier, language, model.counter_offered)
        found[OfficerDecision.ACCEPT] = (model.barrier, why)
    if not model.counter_offered:
        found[OfficerDecision.ACCEPT_COUNTER_OFFER] = (NO_COUNTER_OFFER, NO_COUNTER_OFFER_MESSAGE)
    return found


def check(choice: OfficerChoice, model: ModelOpinion, language: Language = Language.EN) -> bool:
    """Whether the choice overrides the model; DecisionError when it cannot be recorded as it is (the limit
    an accept breaks named in `language`). An override needs a reason category and a justification; the
    refusal of a referral a reason category (the officer refuses, and the letter says why)."""
    override = model.overridden_by(choice.decision)
    note = (choice.justification or "").strip()
    refused = barred(model, language).get(choice.decision)
    if refused is not None:
        raise DecisionError("decision", refused[1])
    if len(note) > MAX_JUSTIFICATION:
        raise DecisionError("justification", f"at most {MAX_JUSTIFICATION} characters")
    if override:
        if choice.reason_category is None:
            raise DecisionError(
                "reason_category", "an override of the model's decision needs a reason category"
            )
        if not is_written(note):
            raise DecisionError(
                "justification",
                f"an override of the model's decision needs a written justification "
                f"(at least {MIN_JUSTIFICATION} characters and {MIN_WORDS} words, not spaces or one "
                "repeated character)",
            )
    elif model.decision is Decision.REFER and choice.decision is OfficerDecision.REFUSE:
        if choice.reason_category is None:  # the officer refuses: the letter gives the officer's reason
            raise DecisionError(
                "reason_category", "a refusal of a referred application needs a reason category"
            )
    elif choice.reason_category is not None:
        raise DecisionError(
            "reason_category",
            "only an override of the model's decision, or a refusal of a referral, takes a reason category",
        )
    return override


def limits_exceeded(choice: OfficerChoice, model: ModelOpinion, limits: AuthorityLimits | None) -> list[str]:
    """The authority limits a grant goes beyond (at the model's PD, for the amount asked or the
    counter-offer's); none for a refusal, a referral or without limits."""
    if limits is None or str(choice.decision) not in GRANTED:
        return []
    counter_offer = choice.decision is OfficerDecision.ACCEPT_COUNTER_OFFER
    return limits.exceeded(model.probability, model.counter_offer_amount if counter_offer else model.amount)


def record(
    engine: Engine,
    choice: OfficerChoice,
    model: ModelOpinion,
    actor: Actor,
    limits: AuthorityLimits | None = None,
    language: Language = Language.EN,
) -> dict:
    """Store the decision and its audit row (decision or override) in one transaction; returns the row.

    A grant's whole terms (`ModelOpinion.granted_terms`) are stored with it and written to its audit row. A
    grant beyond the authority `limits` is stored awaiting approval; a final accept or refusal takes the
    client off the worklist (its claim is dropped). A refusal to record names its limit in `language`."""
    override = check(choice, model, language)
    exceeded = limits_exceeded(choice, model, limits)
    status = DecisionStatus.AWAITING_APPROVAL if exceeded else DecisionStatus.FINAL
    note = (choice.justification or "").strip() or None
    counter_offer = choice.decision is OfficerDecision.ACCEPT_COUNTER_OFFER
    terms = model.granted_terms(choice.decision)
    row = {
        "created_at": utc_now(),
        "user_id": actor.id,
        "client_hash": model.client_hash,
        "model_version": model.model_version,
        "probability": model.probability,
        "threshold": model.threshold,
        "model_decision": str(model.decision),
        "decision": str(choice.decision),
        "override": override,
        "reason_category": None if choice.reason_category is None else str(choice.reason_category),
        "justification": note,
        "reasons": json.dumps(list(model.reasons), ensure_ascii=False),
        "counter_offer_amount": model.counter_offer_amount if counter_offer else None,
        "offer": None if terms is None else json.dumps(dict(terms)),
        "status": str(status),
    }
    action = AuditAction.OVERRIDE if override else AuditAction.DECISION
    with write_transaction(engine) as conn:
        row["id"] = conn.execute(decisions.insert().values(**row)).inserted_primary_key[0]
        if status is DecisionStatus.FINAL and row["decision"] in CLOSING:
            conn.execute(worklist_claims.delete().where(worklist_claims.c.client_hash == model.client_hash))
        detail = {
            "decision_id": row["id"],
            "decision": row["decision"],
            "model_decision": row["model_decision"],
            "model_version": row["model_version"],
            "probability": row["probability"],
            "threshold": row["threshold"],
            "reason_category": row["reason_category"],
            "status": row["status"],
        }
        if exceeded:
            detail["limits_exceeded"] = exceeded
        if terms is not None:
            detail["offer"] = dict(terms)
        append(conn, [AuditEvent(action, actor, client_hash=model.client_hash, detail=detail)])
    return out({**row, "username": actor.name, "reviewed_by": None, "reviewed_at": None, "review_note": None})


def columns() -> list:
    """A decision's columns with its officer's name (`username`) and its reviewer's (`reviewed_by`)."""
    own = [c for c in decisions.columns if c.name != "reviewed_by"]
    return [*own, users.c.username, REVIEWER.c.username.label("reviewed_by")]


def joined(query: Select) -> Select:
    """`query` (of `columns()`) joined to the officer and the reviewer (if any)."""
    return query.join_from(decisions, users, decisions.c.user_id == users.c.id).outerjoin(
        REVIEWER, decisions.c.reviewed_by == REVIEWER.c.id
    )


def out(row: Mapping) -> dict:
    """A stored decision with its reasons and offer read back from their JSON."""
    offer = row["offer"]
    return {
        **row,
        "reasons": json.loads(row["reasons"]),
        "offer": None if offer is None else json.loads(offer),
    }


def history(engine: Engine, client_hash: str) -> list[dict]:
    """The client's decisions, newest first, with the officer's name."""
    query = (
        joined(select(*columns()))
        .where(decisions.c.client_hash == client_hash)
        .order_by(decisions.c.id.desc())
    )
    with engine.connect() as conn:
        return [out(row) for row in conn.execute(query).mappings()]


def latest(engine: Engine, client_hash: str) -> dict | None:
    found = history(engine, client_hash)
    return found[0] if found else None


def not_final(recorded: Mapping | None) -> str | None:
    """Why no letter may announce the officer's recorded decision yet (None when it may)."""
    status = None if recorded is None else recorded.get("status", DecisionStatus.FINAL)
    if status == DecisionStatus.AWAITING_APPROVAL:
        return "the officer's decision is awaiting approval by a senior: no letter until it is approved"
    if status == DecisionStatus.REJECTED:
        return "the officer's decision was rejected by the reviewer: no letter until an officer decides again"
    return None


# -- oversight summary -------------------------------------------------------------------------------------


def _labels(engine: Engine) -> Table | None:
    """The outcomes table once it holds an outcome (`scoring labels` loads them), else None."""
    with engine.connect() as conn:
        known = conn.execute(select(labels.c.client_hash).limit(1)).first()
    return labels if known is not None else None


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def summary(engine: Engine, since: datetime | None = None, until: datetime | None = None) -> dict:
    """Decisions and override rate per officer and per month; default rates once outcomes are known.

    Outcomes join on the client hash: each client's latest decision in the window counts once, and only
    granted credit (accept, accept the counter-offer) can default.
    """
    window = []
    if since is not None:
        window.append(decisions.c.created_at >= since)
    if until is not None:
        window.append(decisions.c.created_at < until)
    outcomes = _labels(engine)
    columns = [decisions.c.id, decisions.c.created_at, decisions.c.client_hash, decisions.c.decision]
    columns += [decisions.c.override, users.c.username]
    query = select(*columns).join_from(decisions, users, decisions.c.user_id == users.c.id)
    if outcomes is not None:
        outcome = select(outcomes.c.client_hash, func.max(outcomes.c.outcome).label("outcome"))
        outcome = outcome.group_by(outcomes.c.client_hash).subquery()
        query = query.add_columns(outcome.c.outcome).outerjoin(
            outcome, outcome.c.client_hash == decisions.c.client_hash
        )
    with engine.connect() as conn:
        rows = conn.execute(query.where(*window).order_by(decisions.c.id)).mappings().all()
    groups: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        counts = groups[(row["username"], row["created_at"].strftime("%Y-%m"))]
        counts[0] += 1
        counts[1] += int(row["override"])
    per_officer = [
        {"officer": officer, "month": month, "decisions": n, "overrides": o, "override_rate": _rate(o, n)}
        for (officer, month), (n, o) in sorted(groups.items(), key=lambda item: (item[0][1], item[0][0]))
    ]
    total, overrides = len(rows), sum(int(r["override"]) for r in rows)
    return {
        "decisions": total,
        "overrides": overrides,
        "override_rate": _rate(overrides, total),
        "per_officer_month": per_officer,
        "outcomes": None if outcomes is None else _outcomes(rows),
    }


def _outcomes(rows: Sequence[Mapping]) -> dict:
    """Default rate of granted credit, overridden vs following the model (latest decision per client)."""
    latest_rows: dict[str, Mapping] = {}
    for row in rows:
        latest_rows[row["client_hash"]] = row
    result = {}
    for name, flag in (("overridden", True), ("followed", False)):
        known = [
            r
            for r in latest_rows.values()
            if r["override"] == flag and r["decision"] in GRANTED and r["outcome"] is not None
        ]
        defaults = sum(int(r["outcome"]) for r in known)
        result[name] = {
            "granted_with_outcome": len(known),
            "defaults": defaults,
            "default_rate": _rate(defaults, len(known)),
        }
    return result
