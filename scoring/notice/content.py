"""What a decision letter says, as a list of blocks (heading, paragraph, numbered or bulleted list) that the
HTML and PDF renderers lay out the same way. The sentences are data (`texts.json`, English and French); the
reasons are the reason codes' customer sentences (at most four)."""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources

from scoring.explain.reason_codes import catalogue
from scoring.explain.reasons import CodeReason
from scoring.explain.recourse import AMOUNT, Recourse, RecourseOption
from scoring.notice import formats
from scoring.vocabulary import Decision

MAX_REASONS = 4


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
class DecisionFacts:
    """The decision the letter tells: one stored client's score, reasons and recourse."""

    client_id: int
    decision: Decision
    probability: float
    points: float
    threshold_points: float
    amount: float
    reasons: Sequence[CodeReason]
    recourse: Recourse | None
    model_version: str


@dataclass(frozen=True)
class Block:
    kind: str  # "heading", "paragraph", "numbered", "bulleted"
    text: str = ""
    items: tuple[str, ...] = ()


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


def build_notice(
    facts: DecisionFacts, lender: Lender, language: str, issued_at: datetime, reference: str
) -> Notice:
    """The letter of a decision in `language` (en or fr)."""
    t = {key: by_language[language] for key, by_language in texts().items()}
    codes = catalogue()
    refused = facts.decision == Decision.REFUSE
    amount = formats.money(facts.amount, lender.currency, language)
    issued = formats.long_date(issued_at.date(), language)
    reasons = list(facts.reasons)[:MAX_REASONS]
    sentence = "adverse" if refused else "favourable"
    points, threshold = formats.points(facts.points, facts.threshold_points, language)
    blocks = [
        Block("paragraph", t["greeting"]),
        Block("paragraph", (t["refused"] if refused else t["accepted"]).format(amount=amount)),
        Block(
            "paragraph",
            t["score"].format(
                points=points,
                threshold=threshold,
                probability=formats.percent(facts.probability, language),
            ),
        ),
    ]
    if reasons:
        heading = t["reasons_refused"] if refused else t["reasons_accepted"]
        items = tuple(codes[r.code].text(sentence, language) for r in reasons)
        blocks += [Block("paragraph", heading), Block("numbered", items=items)]
    actions = tuple(codes[r.code].text("action", language) for r in reasons if codes[r.code].actionable)
    if refused and actions:
        blocks += [Block("paragraph", t["actions"]), Block("bulleted", items=tuple(dict.fromkeys(actions)))]
    if refused and facts.recourse is not None:
        blocks.append(Block("heading", t["offer"]))
        options = facts.recourse.options
        if options:
            items = tuple(_offer(o, lender, language) for o in options)
            blocks += [Block("bulleted", items=items), Block("paragraph", t["offer_accept"])]
        else:
            blocks.append(Block("paragraph", t["offer_none"]))
    how = t["how"].format(
        contact=lender.contact, lender=lender.name, address=lender.address, reference=reference
    )
    blocks += [
        Block("heading", t["rights_heading"]),
        Block("paragraph", t["rights"]),
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
        decision=facts.decision,
    )
