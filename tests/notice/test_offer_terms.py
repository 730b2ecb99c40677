"""A letter granting a credit states its terms as Directive (EU) 2023/2225 names them (total amount of credit,
duration, fixed annual borrowing rate, APR, amount and number of instalments, fees, total cost, total amount
payable), in English and French, PDF and HTML; an accepted counter-offer states the terms recorded with it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from scoring.notice.content import OfficerFacts, build_notice, texts
from scoring.offer.terms import Terms
from scoring.vocabulary import Decision, OfficerDecision, OverrideReason
from tests.notice.letters import ISSUED, LENDER, facts, letter_text, terms

ASKED = terms()  # 250,000 over 24 months at 8.90 %
LOWER = terms(212_500.0, 36, 0.105)
STATED = {
    "en": [
        "The terms of your credit",
        "Total amount of credit €250,000.00",
        "Duration of the credit agreement 24 months",
        "Borrowing rate (fixed, annual) 8.90%",
        "Annual percentage rate of charge (APR) 9.95%",
        "Instalments 24 monthly instalments of €11,409.72",
        "Fees €2,500.00",
        "Total cost of the credit (interest and fees) €26,333.28",
        "Total amount payable €276,333.28",
    ],
    "fr": [
        "Les caractéristiques de votre crédit",
        "Montant total du crédit 250 000,00 €",
        "Durée du contrat de crédit 24 mois",
        "Taux débiteur (fixe, annuel) 8,90 %",
        "Taux annuel effectif global (TAEG) 9,95 %",
        "Échéances 24 mensualités de 11 409,72 €",
        "Frais 2 500,00 €",
        "Coût total du crédit (intérêts et frais) 26 333,28 €",
        "Montant total dû 276 333,28 €",
    ],
}


def sentence(key: str, language: str) -> str:
    return texts()[key][language].split("{")[0]


@pytest.mark.parametrize("form", ["pdf", "html"])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_an_acceptance_states_the_terms_of_the_credit(language: str, form: str) -> None:
    accepted = replace(facts(Decision.ACCEPT), offer=ASKED)
    text = letter_text(build_notice(accepted, LENDER, language, ISSUED, "L-1"), form)
    for stated in STATED[language]:
        assert stated in text
    assert texts()["terms_note"][language] in text
    assert "7,10" not in text and "7.10" not in text and "probab" not in text.lower()


@pytest.mark.parametrize("form", ["pdf", "html"])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_an_accepted_counter_offer_states_the_recorded_terms(language: str, form: str) -> None:
    """The recorded terms, not the model's offer of today (the model may have changed since)."""
    officer = OfficerFacts(OfficerDecision.ACCEPT_COUNTER_OFFER, None, LOWER.amount, LOWER.instalment, LOWER)
    granted = replace(facts(Decision.REFUSE, officer), counter_offer=terms(200_000.0))
    text = letter_text(build_notice(granted, LENDER, language, ISSUED, "L-1"), form)
    expected = {
        "en": ["a credit of €212,500.00 on the terms below", "36 monthly instalments of €6,906.77", "10.50%"],
        "fr": ["un crédit de 212 500,00 € aux conditions", "36 mensualités de 6 906,77 €", "10,50 %"],
    }[language]
    for stated in expected:
        assert stated in text
    assert ("200,000" if language == "en" else "200 000") not in text
    assert texts()["offer"][language] not in text  # a grant, not a refusal's recourse


@pytest.mark.parametrize("referred", [False, True])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_an_acceptance_not_granted_as_asked_states_the_closest_terms(language: str, referred: bool) -> None:
    """The model accepts the risk, but the application as asked is not granted (not affordable, say): the
    letter offers the lender's closest terms and says so (a referral leaves the model's decision)."""
    officer = OfficerFacts(OfficerDecision.REFER) if referred else None
    offered = replace(facts(Decision.ACCEPT, officer), counter_offer=LOWER)
    text = letter_text(build_notice(offered, LENDER, language, ISSUED, "L-1"), "html")
    assert sentence("accepted_other", language) in text and sentence("accepted", language) not in text
    assert ("€212,500.00" if language == "en" else "212 500,00 €") in text
    assert ("36 monthly instalments" if language == "en" else "36 mensualités") in text


@pytest.mark.parametrize("form", ["pdf", "html"])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_an_officers_accept_of_a_refusal_states_the_recorded_asked_terms(language: str, form: str) -> None:
    """The officer grants the application as asked, priced at the grade of the model's PD and recorded with
    the decision: the letter states those terms, not the lender's counter-offer for another credit."""
    officer = OfficerFacts(OfficerDecision.ACCEPT, OverrideReason.VERIFIED_INCOME, offer=ASKED)
    granted = replace(facts(Decision.REFUSE, officer), counter_offer=LOWER)
    text = letter_text(build_notice(granted, LENDER, language, ISSUED, "L-1"), form)
    assert sentence("accepted", language) in text
    for stated in STATED[language]:
        assert stated in text
    assert ("212,500" if language == "en" else "212 500") not in text


def test_no_terms_without_a_grant_of_that_credit() -> None:
    """A refusal states no terms; nor does an officer's acceptance of the application as asked recorded
    without terms (before accepts recorded them) when the lender grants only other terms; it states them
    when the lender grants the application as asked."""
    refused = replace(facts(Decision.REFUSE), counter_offer=LOWER)
    text = letter_text(build_notice(refused, LENDER, "en", ISSUED, "L-1"), "html")
    assert "The terms of your credit" not in text
    overridden = OfficerFacts(OfficerDecision.ACCEPT, OverrideReason.VERIFIED_INCOME)
    letter = build_notice(replace(refused, officer=overridden), LENDER, "en", ISSUED, "L-1")
    text = letter_text(letter, "html")
    assert "is accepted" in text and "The terms of your credit" not in text
    accepted = replace(refused, officer=overridden, offer=ASKED, counter_offer=None)
    text = letter_text(build_notice(accepted, LENDER, "en", ISSUED, "L-1"), "html")
    assert "Total amount payable €276,333.28" in text


def test_terms_are_read_from_the_offer_payload() -> None:
    payload = {
        "amount": 212_500.0,
        "term_months": 36,
        "annual_rate": 0.105,
        "apr": LOWER.apr,
        "instalment": 6_906.77,
        "fees": 2_125.0,
        "total_cost": 38_268.72,
        "total_payable": 250_768.72,
        "probability": 0.07,
        "grade": "C",
        "kind": "lower_amount",
    }
    assert Terms.of(payload) == replace(LOWER, kind="lower_amount") and Terms.of(None) is None


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_counter_offer_of_the_amount_asked_grants_it_over_another_term(language: str) -> None:
    longer = replace(terms(250_000.0, 36), kind="longer_term")
    officer = OfficerFacts(
        OfficerDecision.ACCEPT_COUNTER_OFFER, None, longer.amount, longer.instalment, longer
    )
    text = letter_text(build_notice(facts(Decision.REFUSE, officer), LENDER, language, ISSUED, "L-1"), "pdf")
    assert sentence("accepted_offer_terms_term", language) in text
    assert ("36 monthly instalments" if language == "en" else "36 mensualités") in text


def test_a_counter_offer_of_the_terms_asked_accepts_the_application() -> None:
    """The officer cut to the lender's offer, which is the application as asked: accepted, with its terms."""
    officer = OfficerFacts(OfficerDecision.ACCEPT_COUNTER_OFFER, None, ASKED.amount, ASKED.instalment, ASKED)
    text = letter_text(build_notice(facts(Decision.ACCEPT, officer), LENDER, "en", ISSUED, "L-1"), "html")
    assert "your application for a credit of €250,000.00 is accepted" in text
    assert "Total amount payable €276,333.28" in text and "another term" not in text
