"""Example decision letters written from a served model (`python -m api.example_letters`): one stored
client the model refuses and one it accepts, told in each case a letter has, in English and French, as
HTML and PDF. A letter granting a credit states its terms (the lender's offer of the stored client; for an
officer's accept of a refusal, the application as asked priced at the grade of its PD, when a refused
client's may be granted at all).

The facts are assembled as the API's letter route assembles them (the model's decision, points, reasons and
recourse of the stored client), with the officer's decision of each case in place of a recorded one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from scoring.errors import ScoringError
from scoring.io import write_bytes_atomic, write_text_atomic
from scoring.notice.content import DecisionFacts, Lender, OfficerFacts, build_notice, new_reference
from scoring.notice.html import render_html
from scoring.notice.pdf import render_pdf
from scoring.offer.terms import Terms
from scoring.serving.analytics import pick_examples
from scoring.serving.letter_facts import stored_facts
from scoring.serving.offering import stored_offer
from scoring.serving.service import ScoringService
from scoring.vocabulary import Decision, Language, OfficerDecision, OverrideReason

OFFER_SEARCH = 50  # refused clients, nearest the threshold first, searched for a counter-offer
Granted = tuple[DecisionFacts, Terms]  # a refused client, and its application as asked an officer may grant


class NoExampleClient(ScoringError, LookupError):
    """The client store has no client the model refuses, or none it accepts."""


@dataclass(frozen=True)
class Case:
    """One example: its file name stem and the facts its letter tells."""

    name: str
    facts: DecisionFacts


def _facts(service: ScoringService, row: int) -> DecisionFacts | None:
    stored = stored_facts(service, row)
    return None if stored is None else stored[0]


def _has_counter_offer(facts: DecisionFacts) -> bool:
    return facts.counter_offer is not None


def _grantable(service: ScoringService, row: int) -> Granted | None:
    """The refused client at `row` and its application as asked priced at the grade of its PD, when an
    officer's accept may grant it (no limit no one may override: `OfferFound.barrier`); else None."""
    offer = stored_offer(service, row)
    if offer is None or offer.found.barrier is not None or offer.found.asked is None:
        return None
    facts = _facts(service, row)
    return None if facts is None or facts.model_decision != Decision.REFUSE else (facts, offer.found.asked)


def example_clients(service: ScoringService) -> tuple[DecisionFacts, DecisionFacts, Granted | None]:
    """A client the model refuses (the nearest the threshold with a counter-offer the lender grants, else the
    dashboard's risky example), one it accepts (the dashboard's safe example) and the refused client nearest
    the threshold whose application an officer may grant as asked, with those terms (None when none may be:
    above the usury threshold, say)."""
    rows = pick_examples(service.probabilities, service.scorer.threshold)
    probability = service.probabilities
    refusals = np.flatnonzero(probability >= service.scorer.threshold)
    nearest = refusals[np.argsort(probability[refusals], kind="stable")][:OFFER_SEARCH]
    found = (_facts(service, int(row)) for row in nearest)
    refused = next((f for f in found if f is not None and _has_counter_offer(f)), None)
    refused = refused or _facts(service, rows["risky"])
    accepted = _facts(service, rows["safe"])
    for facts, decision in ((refused, Decision.REFUSE), (accepted, Decision.ACCEPT)):
        if facts is None or facts.model_decision != decision:
            raise NoExampleClient(f"no stored client with an application to {decision}: no example letters")
    granted = next((g for g in (_grantable(service, int(row)) for row in nearest) if g is not None), None)
    return refused, accepted, granted


def cases(refused: DecisionFacts, accepted: DecisionFacts, granted: Granted | None = None) -> list[Case]:
    """The letters' cases: each decision of the model standing, the acceptance overridden by the officer, the
    refusal overridden when an officer may grant a refused application as asked (its terms, as recorded),
    and the officer accepting the lender's counter-offer (its whole terms, as recorded) when the refusal has
    one."""
    listed = [
        Case("refused-by-model", refused),
        Case("accepted-by-model", accepted),
        Case(
            "acceptance-overridden-refused",
            replace(accepted, officer=OfficerFacts(OfficerDecision.REFUSE, OverrideReason.AFFORDABILITY)),
        ),
    ]
    if granted is not None:
        facts, terms = granted
        officer = OfficerFacts(OfficerDecision.ACCEPT, OverrideReason.VERIFIED_INCOME, offer=terms)
        listed.append(Case("refusal-overridden-accepted", replace(facts, officer=officer)))
    offer = refused.counter_offer
    if offer is not None:
        officer = OfficerFacts(
            OfficerDecision.ACCEPT_COUNTER_OFFER, None, offer.amount, offer.instalment, offer
        )
        listed.append(Case("counter-offer-accepted", replace(refused, officer=officer)))
    return listed


def write_examples(
    service: ScoringService,
    lender: Lender,
    font_dir: Path | None,
    out: Path,
    issued_at: datetime | None = None,
) -> list[Path]:
    """Write every case's letter in each language and format to `out` (`<case>.<language>.<format>`)."""
    issued_at = issued_at or datetime.now(UTC)
    written = []
    for case in cases(*example_clients(service)):
        reference = new_reference(issued_at)  # one decision, one letter: one reference in every version
        for language in Language:
            notice = build_notice(case.facts, lender, language, issued_at, reference)
            stem = f"{case.name}.{language}"
            written.append(write_text_atomic(out / f"{stem}.html", render_html(notice)))
            written.append(write_bytes_atomic(out / f"{stem}.pdf", render_pdf(notice, font_dir)))
    return written
