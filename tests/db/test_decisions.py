"""The officer's decision: which decisions override the model, what an override needs, the history, and
decisions and override rates per officer and month with default rates once a labels table exists."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime

import pytest
from sqlalchemy import Engine, select

from scoring.db import decisions
from scoring.db.audit import verify
from scoring.db.decisions import (
    NO_COUNTER_OFFER,
    NO_COUNTER_OFFER_MESSAGE,
    DecisionError,
    ModelOpinion,
    OfficerChoice,
    barred,
    barrier_message,
    check,
)
from scoring.db.tables import audit_log, labels
from scoring.db.users import create_user
from scoring.explain.policy_reasons import PRICE_ABOVE_CAP
from scoring.strategy.authority import AuthorityLimits
from scoring.vocabulary import Decision, Language, OfficerDecision, OverrideReason, Role
from tests.db.conftest import CLI

NOTE = "Payslips of the last three months show a higher income."


def opinion(decision: Decision = Decision.REFUSE, client: str = "a" * 64, offer: float | None = 90_000.0):
    reasons = [{"direction": "raising", "feature": "X", "label": "Late payments", "value": 3}]
    return ModelOpinion(client, "v1", 0.31, 0.25, decision, reasons, offer)


@pytest.mark.parametrize(
    ("model", "officer", "override"),
    [
        (Decision.ACCEPT, OfficerDecision.ACCEPT, False),
        (Decision.ACCEPT, OfficerDecision.REFUSE, True),
        (Decision.ACCEPT, OfficerDecision.ACCEPT_COUNTER_OFFER, True),
        (Decision.ACCEPT, OfficerDecision.REFER, False),
        (Decision.REFUSE, OfficerDecision.REFUSE, False),
        (Decision.REFUSE, OfficerDecision.ACCEPT, True),
        (Decision.REFUSE, OfficerDecision.ACCEPT_COUNTER_OFFER, False),
        (Decision.REFUSE, OfficerDecision.REFER, False),
    ],
)
def test_which_decisions_override_the_model(
    model: Decision, officer: OfficerDecision, override: bool
) -> None:
    assert officer.overrides(model) is override


def test_an_override_needs_a_reason_and_a_justification() -> None:
    with pytest.raises(DecisionError) as missing:
        check(OfficerChoice(OfficerDecision.ACCEPT, None, NOTE), opinion())
    assert missing.value.field == "reason_category"
    with pytest.raises(DecisionError) as short:
        check(OfficerChoice(OfficerDecision.ACCEPT, OverrideReason.VERIFIED_INCOME, "ok"), opinion())
    assert short.value.field == "justification"
    assert check(OfficerChoice(OfficerDecision.ACCEPT, OverrideReason.VERIFIED_INCOME, NOTE), opinion())
    assert not check(OfficerChoice(OfficerDecision.REFUSE), opinion())
    with pytest.raises(DecisionError, match="reason_category: only an override"):
        check(OfficerChoice(OfficerDecision.REFUSE, OverrideReason.OTHER, NOTE), opinion())
    with pytest.raises(DecisionError, match="decision: there is no counter-offer"):
        check(OfficerChoice(OfficerDecision.ACCEPT_COUNTER_OFFER), opinion(offer=None))


def test_the_refusal_of_a_referral_gives_the_officers_reason() -> None:
    """The officer decides a referral: a refusal takes the reason the letter gives (not an override)."""
    referred = opinion(Decision.REFER)
    with pytest.raises(DecisionError, match="reason_category: a refusal of a referred application"):
        check(OfficerChoice(OfficerDecision.REFUSE), referred)
    assert not check(OfficerChoice(OfficerDecision.REFUSE, OverrideReason.DATA_ERROR), referred)
    assert not check(OfficerChoice(OfficerDecision.ACCEPT), referred)
    with pytest.raises(DecisionError, match="or a refusal of a referral"):
        check(OfficerChoice(OfficerDecision.ACCEPT, OverrideReason.OTHER), referred)


def test_the_counter_offer_of_an_application_that_cannot_be_granted_as_asked_follows_an_acceptance() -> None:
    blocked = replace(opinion(Decision.ACCEPT), barrier="NOT_AFFORDABLE")
    assert not blocked.overridden_by(OfficerDecision.ACCEPT_COUNTER_OFFER)
    assert blocked.overridden_by(OfficerDecision.REFUSE)
    assert opinion(Decision.ACCEPT).overridden_by(OfficerDecision.ACCEPT_COUNTER_OFFER)  # grantable as asked
    assert not check(OfficerChoice(OfficerDecision.ACCEPT_COUNTER_OFFER), blocked)


@pytest.mark.parametrize(
    "note",
    [
        "\u200b" * 20,  # zero-width spaces
        "\u200b" * 10 + " " * 30 + "\ufeff" * 10,
        "a" * 40,
        "aaaa aaaa aaaa aaaa aaaa",
        "abab abab abab abab abab",
        "1234567890 1234567890 12345",
        "!!!! ???? .... ,,,, ;;;; ::::",
        "Payslips\u200b\u200b\u200b\u200b\u200b\u200b\u200b\u200b\u200b\u200b\u200b\u200b",
        "Payslips verified ok",  # three words, 18 visible characters
    ],
)
def test_a_justification_must_be_written_text(note: str) -> None:
    with pytest.raises(DecisionError) as refused:
        check(OfficerChoice(OfficerDecision.ACCEPT, OverrideReason.VERIFIED_INCOME, note), opinion())
    assert refused.value.field == "justification"
    assert "at least 20 characters and 3 words" in refused.value.message


@pytest.mark.parametrize(
    "note", [NOTE, "Revenu vérifié : bulletins de salaire", "Überprüftes Einkommen: drei Gehaltsabrechnungen"]
)
def test_a_written_justification_is_accepted(note: str) -> None:
    assert check(OfficerChoice(OfficerDecision.ACCEPT, OverrideReason.VERIFIED_INCOME, note), opinion())


def _officers(engine: Engine):  # noqa: ANN202 - two officers' actors
    olivia = create_user(engine, "olivia", "officer", "correct horse battery", CLI)
    omar = create_user(engine, "omar", "officer", "correct horse battery", CLI)
    return olivia.actor("10.0.0.1"), omar.actor("10.0.0.2")


def test_record_keeps_the_models_view_and_audits(sqlite_engine: Engine) -> None:
    olivia, _ = _officers(sqlite_engine)
    choice = OfficerChoice(OfficerDecision.ACCEPT, OverrideReason.VERIFIED_INCOME, NOTE)
    saved = decisions.record(sqlite_engine, choice, opinion(), olivia)
    assert saved["override"] is True and saved["model_decision"] == "refuse"
    decisions.record(sqlite_engine, OfficerChoice(OfficerDecision.REFER), opinion(), olivia)
    [latest, first] = decisions.history(sqlite_engine, "a" * 64)
    assert (latest["decision"], first["decision"]) == ("refer", "accept")
    assert first["username"] == "olivia" and first["reasons"][0]["label"] == "Late payments"
    assert (first["probability"], first["threshold"], first["model_version"]) == (0.31, 0.25, "v1")
    assert first["reason_category"] == "verified-income" and first["justification"] == NOTE
    with sqlite_engine.connect() as conn:
        rows = conn.execute(select(audit_log.c.action, audit_log.c.client_hash, audit_log.c.actor)).all()
    assert ("override", "a" * 64, "olivia") in rows and ("decision", "a" * 64, "olivia") in rows
    assert verify(sqlite_engine).ok


ASKED = {
    "amount": 1_200_000.0,
    "term_months": 36,
    "annual_rate": 0.0735,
    "apr": 0.0795,
    "instalment": 37_237.1,
}
LIMITS = AuthorityLimits(0.12, 1_000_000.0, frozenset({Role.SENIOR, Role.ADMIN}))


def test_an_accept_grants_the_asked_terms_unless_the_model_offers_them(sqlite_engine: Engine) -> None:
    """An accept records the application as asked priced at the grade of the model's PD (`asked`) when the
    model refused or referred it, in the decision and its audit row; the authority limits apply to its
    amount. The accept of the model's own offer records nothing more than before."""
    olivia, _ = _officers(sqlite_engine)
    refused = replace(opinion(client="1" * 64), asked=ASKED, amount=ASKED["amount"])
    choice = OfficerChoice(OfficerDecision.ACCEPT, OverrideReason.VERIFIED_INCOME, NOTE)
    saved = decisions.record(sqlite_engine, choice, refused, olivia, LIMITS)
    assert saved["offer"] == ASKED and saved["counter_offer_amount"] is None
    assert saved["status"] == "awaiting-approval"  # 1,200,000 is above the amount limit
    referred = replace(opinion(Decision.REFER, client="2" * 64), asked=ASKED)
    offered = replace(opinion(Decision.ACCEPT, client="3" * 64), offer=ASKED, asked=ASKED)

    def recorded(choice: OfficerChoice, model: ModelOpinion) -> dict | None:
        return decisions.record(sqlite_engine, choice, model, olivia)["offer"]

    assert recorded(OfficerChoice(OfficerDecision.ACCEPT), referred) == ASKED
    assert recorded(OfficerChoice(OfficerDecision.ACCEPT), offered) is None
    assert recorded(OfficerChoice(OfficerDecision.REFUSE, OverrideReason.DATA_ERROR), referred) is None
    with sqlite_engine.connect() as conn:
        details = [
            json.loads(d) for (d,) in conn.execute(select(audit_log.c.detail).order_by(audit_log.c.id))
        ]
    offers = [d.get("offer") for d in details if "decision_id" in d]
    assert offers == [ASKED, ASKED, None, None]


def test_no_one_may_accept_an_application_priced_above_the_usury_threshold() -> None:
    """A price above the usury threshold bars an accept as asked whatever the risk: the 422's message names
    the legal maximum and what is left (the counter-offer when there is one, else a refusal)."""
    choice = OfficerChoice(OfficerDecision.ACCEPT, OverrideReason.VERIFIED_INCOME, NOTE)
    for counter_offer, left in ((90_000.0, "accept the counter-offer or refuse"), (None, "no counter-offer")):
        capped = replace(opinion(offer=counter_offer), barrier=PRICE_ABOVE_CAP)
        with pytest.raises(DecisionError) as refused:
            check(choice, capped)
        assert refused.value.field == "decision"
        assert "Price above the legal maximum" in refused.value.message and left in refused.value.message


def test_what_no_one_may_record_is_what_check_refuses() -> None:
    """`barred` names the decisions `check` refuses whoever decides, with the 422's reason code and text:
    an accept past a barrier, an accept of the counter-offer without one; nothing for a grantable client."""
    assert barred(opinion()) == {}
    capped = replace(opinion(offer=None), barrier=PRICE_ABOVE_CAP)
    found = barred(capped, Language.FR)
    assert list(found) == [OfficerDecision.ACCEPT, OfficerDecision.ACCEPT_COUNTER_OFFER]
    assert found[OfficerDecision.ACCEPT] == (
        PRICE_ABOVE_CAP,
        barrier_message(PRICE_ABOVE_CAP, Language.FR, False),
    )
    assert found[OfficerDecision.ACCEPT_COUNTER_OFFER] == (NO_COUNTER_OFFER, NO_COUNTER_OFFER_MESSAGE)
    for decision, (_, why) in found.items():
        choice = OfficerChoice(decision, OverrideReason.VERIFIED_INCOME, NOTE)
        with pytest.raises(DecisionError) as refused:
            check(choice, capped, Language.FR)
        assert (refused.value.field, refused.value.message) == ("decision", why)
    countered = replace(opinion(Decision.ACCEPT), barrier=PRICE_ABOVE_CAP)
    assert list(barred(countered)) == [OfficerDecision.ACCEPT]
    assert not check(OfficerChoice(OfficerDecision.ACCEPT_COUNTER_OFFER), countered)


def test_summary_per_officer_and_month_with_outcomes(engine: Engine) -> None:
    olivia, omar = _officers(engine)
    override = OfficerChoice(OfficerDecision.ACCEPT, OverrideReason.EXISTING_RELATIONSHIP, NOTE)
    follow = OfficerChoice(OfficerDecision.ACCEPT)
    decisions.record(engine, override, opinion(client="1" * 64), olivia)
    decisions.record(engine, follow, opinion(Decision.ACCEPT, client="2" * 64), olivia)
    decisions.record(engine, follow, opinion(Decision.ACCEPT, client="3" * 64), omar)
    summary = decisions.summary(engine)
    assert (summary["decisions"], summary["overrides"]) == (3, 1)
    rows = {r["officer"]: r for r in summary["per_officer_month"]}
    assert rows["olivia"]["override_rate"] == 0.5 and rows["omar"]["override_rate"] == 0.0
    assert summary["outcomes"] is None  # no outcome known yet
    known = datetime(2026, 1, 1)
    with engine.begin() as conn:
        conn.execute(
            labels.insert(),
            [
                {"client_hash": h, "outcome": y, "known_at": known, "loaded_at": known, "source": "t.csv"}
                for h, y in (("1" * 64, 1), ("2" * 64, 0))
            ],
        )
    outcomes = decisions.summary(engine)["outcomes"]
    assert outcomes["overridden"] == {"granted_with_outcome": 1, "defaults": 1, "default_rate": 1.0}
    assert outcomes["followed"] == {"granted_with_outcome": 1, "defaults": 0, "default_rate": 0.0}


TERMS = {
    "amount": 90_000.0,
    "term_months": 24,
    "annual_rate": 0.089,
    "apr": 0.0951,
    "instalment": 4_090.12,
    "fees": 450.0,
    "total_cost": 8_612.88,
    "total_payable": 98_612.88,
    "probability": 0.071,
    "grade": "C",
}


def test_an_accepted_counter_offer_keeps_its_whole_terms(sqlite_engine: Engine) -> None:
    """The offer computed when the counter-offer is accepted is stored whole and read back as it was; other
    decisions store none even when the model had one."""
    olivia, _ = _officers(sqlite_engine)
    model = ModelOpinion("b" * 64, "v1", 0.31, 0.25, Decision.REFUSE, [], 90_000.0, TERMS)
    accepted = decisions.record(
        sqlite_engine, OfficerChoice(OfficerDecision.ACCEPT_COUNTER_OFFER), model, olivia
    )
    assert accepted["offer"] == TERMS and accepted["counter_offer_amount"] == 90_000.0
    decisions.record(sqlite_engine, OfficerChoice(OfficerDecision.REFUSE), model, olivia)
    [refused, stored] = decisions.history(sqlite_engine, "b" * 64)
    assert stored["offer"] == TERMS and refused["offer"] is None and refused["counter_offer_amount"] is None
    with sqlite_engine.connect() as conn:
        details = [r.detail for r in conn.execute(select(audit_log.c.detail).order_by(audit_log.c.id))]
    assert '"term_months": 24' in details[-2] and "term_months" not in details[-1]
