"""A referral on the dashboard: its words and symbol, a policy rule among the reasons, no letter links."""

from __future__ import annotations

from dashboard import reason_text, text
from dashboard.components.decision import reasons_box
from dashboard.components.recourse import letter_block
from dashboard.i18n import ENGLISH, translator

FR = translator("fr")
RULE = {"code": "INCOME_BELOW_MINIMUM", "text": "Your declared income is below the minimum.", "share": 0.0}


def test_a_referral_is_neither_granted_nor_refused() -> None:
    assert text.decision_words("refer", ENGLISH) == "Referred to a credit officer"
    assert text.decision_words("refer", FR) == "Transmise à un chargé de crédit"
    assert text.decision_words("accept", FR) == "Crédit accordé"
    assert len({text.decision_icon(d) for d in ("accept", "refer", "refuse")}) == 3
    assert reason_text.reasons_heading("refer", ENGLISH) == "Why the application goes to a credit officer"


def test_a_fired_rule_is_shown_as_a_policy_rule() -> None:
    box = str(reasons_box({"reasons": [RULE]}, "refuse", "client", ENGLISH, ["INCOME_BELOW_MINIMUM"]))
    assert "lending policy rule" in box and "of what pushed" not in box
    assert "of what pushed towards refusal" in str(
        reasons_box({"reasons": [RULE]}, "refuse", "client", ENGLISH)
    )


def test_a_referral_shows_why_there_is_no_letter_yet() -> None:
    shown = str(letter_block(100002, "refer", FR))
    assert "la lettre suivra sa décision" in shown and "/letters/" not in shown
