"""The customer's sentence of a reason: one home for the letter and every customer view.

The sentence follows the evidence of the client's own values (`scoring.explain.evidence`), not only the
direction of the model's push: a code whose features are all missing for the client is told by its
`missing` statement (and offers no action); a code whose sentences assert a level is told by the sentence
of the asked direction only when the client's headline values show that level, else by its `neutral`
sentence, which states the factor without a direction (and offers no action). A reason not judged (no
evidence attached) and a code whose sentences assert no level are told by the asked sentence.
"""

from __future__ import annotations

from scoring.explain.evidence import Evidence
from scoring.explain.reason_codes import catalogue
from scoring.explain.reasons import CodeReason

DIRECTIONS = ("adverse", "favourable")


def sentence_kind(reason: CodeReason, kind: str) -> str:
    """The catalogue text a customer reads for `kind` (adverse, favourable, action...) given the evidence:
    `missing`, `neutral`, the asked kind, or "" for an action the client's values do not call for (all
    missing, or values that do not show the adverse level: advice to lower a card balance already low is
    not true advice)."""
    evidence = reason.evidence
    if kind == "action":
        return kind if evidence in (None, Evidence.ADVERSE, Evidence.PRESENT) else ""
    if kind not in DIRECTIONS or evidence in (None, Evidence.PRESENT):
        return kind
    if evidence == Evidence.MISSING:
        return "missing"
    return kind if evidence == kind else "neutral"


def customer_sentence(reason: CodeReason, kind: str, language: str) -> str:
    """The sentence (`adverse`, `favourable` or `action`) a customer reads for this client's reason ("" for
    the action of a reason whose features are all missing)."""
    chosen = sentence_kind(reason, kind)
    return catalogue()[reason.code].text(chosen, language) if chosen else ""
