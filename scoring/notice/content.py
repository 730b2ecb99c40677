"""What a decision letter says, as a list of blocks (heading, paragraph, numbered or bulleted list) that the
HTML and PDF renderers lay out the same way. The sentences are data (`texts.json`, English and French).

A letter announces the final decision (the officer's when one is recorded, else the model's) and only what
supports it: a refusal gives the officer's reason category in the customer's words, the policy rules that
fired (their customer sentences from the policy catalogue) and the model's reasons towards refusal (its
customer sentences, at most four in all); the points against those needed, what the applicant can do and
what the lender can offer only for a refusal by the model's score that stands; an acceptance says nothing of
a refusal, a score or a cut-off. A referral to an officer is no final decision: it has no letter until the
officer decides. No letter prints a probability of default. The rights paragraph says whether a person or
the model took the decision."""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache, partial
from importlib import resources

from scoring.explain.policy_reasons import policy_catalogue
from scoring.explain.reason_codes import catalogue
from scoring.explain.reasons import CodeReason, principal_reasons
from scoring.explain.recourse import AMOUNT, Recourse, RecourseOption
from scoring.explain.sentences import customer_sentence
from scoring.notice import formats
from scoring.notice.terms_text import rows
from scoring.offer.terms import LONGER_TERM, Terms
from scoring.vocabulary import Decision, OfficerDecision, OverrideReason

MAX_REASONS = 4
CENT = 0.005


@cache
def texts() -> dict[str, dict[str, str]]:
    """The letter's sentences by key and language."""
    return json.loads(resources.files("scoring.notice").joinpath("texts.json").read_text("utf-8"))["texts"]


def new_reference(issued_at: datetime) -> str:
    """A letter reference to quote: issue date and 8 random hex digits (L-20261127-9F2A61C3)."""
    return f"L-{issued_at:%Y%m%d}-{secrets.token_hex(4).upper()}"


@dataclass(frozen=True)
class Lender:
    """Who writes, and where a customer asks for a review."""

    name: str
    address: str
    contact: str
    currency: str = "EUR"


@dataclass(frozen=True)
class OfficerFacts:
    """The officer's recorded final decision (accept, accept the counter-offer, refuse) the letter announces,
    with the override's reason category; for a counter-offer, the amount and instalment granted; for a grant,
    the whole terms recorded with it (a counter-offer's; an accept's of what the model did not offer as
    asked: the application priced at the grade of the model's PD; none on decisions recorded before offers
    were priced, nor on an accept of the model's own offer)."""

    decision: OfficerDecision
    reason: OverrideReason | None = None
    offered_amount: float | None = None
    offered_annuity: float | None = None
    offer: Terms | None = None


@dataclass(frozen=True)
class DecisionFacts:
    """The decision the letter tells: the model's decision, points, reasons (its code breakdown) and recourse
    for one stored client, the terms the lender offers: `offer` when it grants the application as asked,
    `counter_offer` the closest terms it grants otherwise (None when nothing can be offered), and the
    officer's final decision when one is recorded; `policy`: the policy codes of the strategy's rules that
    fired. The probability of default is not among them: no letter prints it."""

    client_id: int
    model_decision: Decision
    points: float
    threshold_points: float
    amount: float
    reasons: Sequence[CodeReason]
    recourse: Recourse | None
    model_version: str
    officer: OfficerFacts | None = None
    offer: Terms | None = None
    counter_offer: Terms | None = None
    policy: tuple[str, ...] = ()
    risk_accepted: bool = False  # the risk alone is in the accept band: a refusal rests on a rule or a person

    @property
    def by_officer(self) -> bool:
        """Whether a person took the final decision (a referral takes none: the model's decision stands)."""
        return self.officer is not None and self.officer.decision.announced is not None

    @property
    def final(self) -> Decision:
        """The decision the letter announces: the officer's final decision, else the model's."""
        announced = self.officer.decision.announced if self.officer is not None else None
        return announced or self.model_decision

    @property
    def officer_reason(self) -> OverrideReason | None:
        """The reason category of the officer's refusal (None for any other decision)."""
        if self.officer is None or self.officer.decision != OfficerDecision.REFUSE:
            return None
        return self.officer.reason

    @property
    def model_refusal_stands(self) -> bool:
        """A refusal by the model's score that stands (no officer's decision, or one following it without a
        reason of its own, and no policy rule fired): its points, the actions and the recourse are then true
        of the final decision."""
        return (
            self.final == Decision.REFUSE
            and self.model_decision == Decision.REFUSE
            and self.officer_reason is None
            and not self.policy
        )


@dataclass(frozen=True)
class Block:
    kind: str  # "heading", "paragraph", "numbered", "bulleted", "terms" (label and value rows)
    text: str = ""
    items: tuple[str, ...] = ()
    rows: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Notice:
    """A letter ready to render: its language, header lines, title and blocks."""

    language: str
    lender: Lender
    reference: str
    issued_at: datetime
    header: tuple[tuple[str, str], ...]
    title: str
    blocks: tuple[Block, ...]
    footer: str
    decision: Decision


def _offer(option: RecourseOption, lender: Lender, language: str) -> str:
    t = texts()
    amount = formats.money(option.amount, lender.currency, language)
    if option.kind == AMOUNT:
        if option.annuity != option.annuity:  # NaN: the application had no instalment
            return t["offer_amount_only"][language].format(amount=amount)
        annuity = formats.money(option.annuity, lender.currency, language)
        return t["offer_amount"][language].format(amount=amount, annuity=annuity)
    annuity = formats.money(option.annuity, lender.currency, language)
    term = formats.whole(option.term or 0, language)
    return t["offer_term"][language].format(amount=amount, term=term, annuity=annuity)


def _refused(facts: DecisionFacts, lender: Lender, language: str) -> str:
    """The sentence announcing a refusal (as requested when the model's refusal stands)."""
    amount = formats.money(facts.amount, lender.currency, language)
    key = "refused" if facts.model_refusal_stands else "refused_officer"
    return texts()[key][language].format(amount=amount)


def _granted(facts: DecisionFacts) -> tuple[str, Terms | None]:
    """The sentence key of an acceptance and the terms it states: an accepted counter-offer's recorded
    terms; an officer's accept's recorded terms (the application as asked, which the model did not offer);
    the application's terms when the lender grants it as asked; the lender's closest terms when the model's
    acceptance stands but the application as asked cannot be granted; no terms otherwise."""
    officer, offer = facts.officer, facts.offer
    if officer is not None and officer.decision == OfficerDecision.ACCEPT_COUNTER_OFFER:
        terms = officer.offer
        if terms is not None:
            if terms.kind == LONGER_TERM:
                return "accepted_offer_terms_term", terms
            as_asked = terms.kind is None and abs(terms.amount - facts.amount) < CENT
            return ("accepted" if as_asked else "accepted_offer_terms"), terms
        if not officer.offered_amount:
            return "accepted", None
        annuity = officer.offered_annuity
        known = annuity is not None and annuity == annuity  # NaN: the application had no instalment
        return ("accepted_offer_annuity" if known else "accepted_offer"), None
    if officer is not None and officer.decision == OfficerDecision.ACCEPT and officer.offer is not None:
        return "accepted", officer.offer
    if offer is not None:
        return "accepted", offer
    if not facts.by_officer and facts.counter_offer is not None:  # a referral leaves the model's decision
        return "accepted_other", facts.counter_offer
    return "accepted", None


def _acceptance(facts: DecisionFacts, lender: Lender, language: str) -> list[Block]:
    """The sentence announcing an acceptance and, when a credit is offered, its terms."""
    t = {key: by_language[language] for key, by_language in texts().items()}
    key, terms = _granted(facts)
    officer = facts.officer
    money = partial(formats.money, currency=lender.currency, language=language)
    offered = terms.amount if terms is not None else officer.offered_amount if officer else None
    annuity = officer.offered_annuity if officer is not None and key == "accepted_offer_annuity" else None
    sentence = t[key].format(
        amount=money(facts.amount),
        offer=money(offered) if offered else "",
        annuity=money(annuity) if annuity is not None else "",
    )
    blocks = [Block("paragraph", sentence)]
    if terms is not None:
        blocks += [
            Block("heading", t["terms_heading"]),
            Block("terms", rows=rows(terms, t, lender.currency, language)),
            Block("paragraph", t["terms_note"]),
        ]
    return blocks


def _sentences(reasons: Sequence[CodeReason], kind: str, language: str) -> tuple[str, ...]:
    """The customer sentences of `reasons`, each told once (reasons with no history share theirs); none for
    an action the evidence does not support."""
    return tuple(s for s in dict.fromkeys(customer_sentence(r, kind, language) for r in reasons) if s)


def _refusal(facts: DecisionFacts, lender: Lender, language: str) -> list[Block]:
    """What supports a refusal: the officer's reason, the model's reasons towards refusal; for a refusal by
    the model that stands, its points against those needed, what the applicant can do and the recourse."""
    t = {key: by_language[language] for key, by_language in texts().items()}
    codes = catalogue()
    blocks = []
    stands = facts.model_refusal_stands
    if stands:
        points, threshold = formats.points(facts.points, facts.threshold_points, language)
        blocks.append(Block("paragraph", t["score_below"].format(points=points, threshold=threshold)))
    told = facts.officer_reason
    policy = tuple(policy_catalogue()[code].text("customer", language) for code in facts.policy)
    room = max(MAX_REASONS - (told is not None) - len(policy), 0)
    reasons = principal_reasons(facts.reasons, Decision.REFUSE, room)
    weighed = _sentences(reasons, "adverse", language)
    if told is not None:
        blocks.append(Block("paragraph", t[f"officer_reason.{told}"]))
    blocks += _reason_lists(facts, policy, weighed, t)
    if not stands:
        return blocks
    actions = _sentences([r for r in reasons if codes[r.code].actionable], "action", language)
    if actions:
        blocks += [Block("paragraph", t["actions"]), Block("bulleted", items=actions)]
    if facts.recourse is not None:
        blocks.append(Block("heading", t["offer"]))
        options = facts.recourse.options
        if options:
            offers = tuple(_offer(o, lender, language) for o in options)
            blocks += [Block("bulleted", items=offers), Block("paragraph", t["offer_accept"])]
        else:
            blocks.append(Block("paragraph", t["offer_none"]))
    return blocks


def _reason_lists(
    facts: DecisionFacts, policy: Sequence[str], weighed: Sequence[str], t: Mapping[str, str]
) -> list[Block]:
    """The rules' and the model's reasons of a refusal. Where the risk alone was accepted (or the automated
    decision accepted what an officer refused), the model's reasons did not refuse: they are what weighed
    against a favourable assessment, after the reasons that did (the rules; the officer's, told before)."""
    first = t["reasons_refused"] if facts.officer_reason is None else t["other_reasons"]
    favourable = facts.risk_accepted or (
        facts.officer_reason is not None and facts.model_decision == Decision.ACCEPT
    )
    if not favourable:
        items = (*policy, *weighed)
        return [Block("paragraph", first), Block("numbered", items=items)] if items else []
    blocks = [Block("paragraph", first), Block("numbered", items=tuple(policy))] if policy else []
    if weighed:
        key = "weighed_in_favourable" if facts.officer_reason is not None else "weighed_in_favourable_rules"
        blocks += [Block("paragraph", t[key]), Block("numbered", items=tuple(weighed))]
    return blocks


def build_notice(
    facts: DecisionFacts, lender: Lender, language: str, issued_at: datetime, reference: str
) -> Notice:
    """The letter of the final decision in `language` (en or fr): that decision and only what supports it."""
    if facts.final == Decision.REFER:
        raise ValueError("referred to an officer: the letter follows the officer's decision")
    t = {key: by_language[language] for key, by_language in texts().items()}
    issued = formats.long_date(issued_at.date(), language)
    blocks = [Block("paragraph", t["greeting"])]
    if facts.final == Decision.REFUSE:
        blocks += [Block("paragraph", _refused(facts, lender, language)), *_refusal(facts, lender, language)]
    else:
        blocks += _acceptance(facts, lender, language)
    how = t["how"].format(
        contact=lender.contact, lender=lender.name, address=lender.address, reference=reference
    )
    blocks += [
        Block("heading", t["rights_heading"]),
        Block("paragraph", t["rights_human"] if facts.by_officer else t["rights_automated"]),
        Block("paragraph", how),
        Block("paragraph", t["closing"]),
        Block("paragraph", t["signature"].format(lender=lender.name)),
    ]
    return Notice(
        language=language,
        lender=lender,
        reference=reference,
        issued_at=issued_at,
        header=(
            (t["date"], issued),
            (t["reference"], reference),
            (t["client"], str(facts.client_id)),
        ),
        title=t["title"],
        blocks=tuple(blocks),
        footer=t["footer"].format(reference=reference, version=facts.model_version, issued=issued),
        decision=facts.final,
    )
