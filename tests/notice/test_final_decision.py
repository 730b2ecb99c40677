"""The letter announces the final decision and only what supports it: every combination of the model's
decision (accept, refuse) and the officer's (none, referral, following, overriding, counter-offer), in English
and French, as PDF and HTML, checked on the text a customer reads."""

from __future__ import annotations

from dataclasses import replace

import pytest

from scoring.explain.evidence import Evidence
from scoring.explain.policy_reasons import policy_catalogue
from scoring.explain.reason_codes import catalogue
from scoring.explain.reasons import principal_reasons
from scoring.explain.sentences import customer_sentence
from scoring.notice.content import OfficerFacts, build_notice, texts
from scoring.notice.html import render_html
from scoring.vocabulary import Decision, OfficerDecision, OverrideReason
from tests.notice.letters import (
    ISSUED,
    LENDER,
    TOWARDS_ACCEPTANCE,
    TOWARDS_REFUSAL,
    facts,
    html_text,
    letter_text,
)

WORDS = {
    "en": {
        "accepted": "your application for a credit of €250,000.00 is accepted",
        "granted": "We are pleased to grant you a credit of €212,500.00",
        "instalment": "with instalments of €10,200.00",
        "refused": "We have examined your application for a credit of €250,000.00 and are unable to grant it",
        "as requested": "unable to grant it as requested",
        "points": "535 points, below the 586 points needed",
        "offer": "What we can offer you",
        "actions": "What you can do",
        "automated": "This decision was made by an automated credit-scoring model; you may ask for a person",
        "human": "This decision was taken by one of our credit officers, with the help of a credit-scoring",
        "refusal words": ("refus", "unable", "threshold", "needed", "below"),
    },
    "fr": {
        "accepted": "votre demande de crédit de 250 000,00 € est acceptée",
        "granted": "Nous avons le plaisir de vous accorder un crédit de 212 500,00 €",
        "instalment": "avec des échéances de 10 200,00 €",
        "refused": "Nous avons examiné votre demande de crédit de 250 000,00 € et ne pouvons pas l'accepter",
        "as requested": "telle qu'elle a été présentée",
        "points": "535 points, en dessous des 586 points requis",
        "offer": "Ce que nous pouvons vous proposer",
        "actions": "Ce que vous pouvez faire",
        "automated": "Cette décision a été prise par un modèle automatisé d'évaluation du crédit ; vous",
        "human": "Cette décision a été prise par l'un de nos conseillers crédit, à l'aide d'un modèle",
        "refusal words": ("refus", "ne pouvons pas", "seuil", "requis", "en dessous"),
    },
}
COUNTER_OFFER = {"offered_amount": 212_500.0, "offered_annuity": 10_200.0}
OFFICER = {  # (model's decision, officer's): the officer's decision and whether a person took the final one
    (Decision.REFUSE, "none"): (None, False),
    (Decision.REFUSE, "refer"): (OfficerFacts(OfficerDecision.REFER), False),
    (Decision.REFUSE, "follows"): (OfficerFacts(OfficerDecision.REFUSE), True),
    (Decision.REFUSE, "overrides"): (
        OfficerFacts(OfficerDecision.ACCEPT, OverrideReason.VERIFIED_INCOME),
        True,
    ),
    (Decision.REFUSE, "counter-offer"): (
        OfficerFacts(OfficerDecision.ACCEPT_COUNTER_OFFER, **COUNTER_OFFER),
        True,
    ),
    (Decision.ACCEPT, "none"): (None, False),
    (Decision.ACCEPT, "refer"): (OfficerFacts(OfficerDecision.REFER), False),
    (Decision.ACCEPT, "follows"): (OfficerFacts(OfficerDecision.ACCEPT), True),
    (Decision.ACCEPT, "overrides"): (
        OfficerFacts(OfficerDecision.REFUSE, OverrideReason.AFFORDABILITY),
        True,
    ),
    (Decision.ACCEPT, "counter-offer"): (
        OfficerFacts(OfficerDecision.ACCEPT_COUNTER_OFFER, OverrideReason.AFFORDABILITY, **COUNTER_OFFER),
        True,
    ),
}
ADVERSE = principal_reasons(TOWARDS_REFUSAL, Decision.REFUSE)
EVERY_REASON_SENTENCE = [
    catalogue()[r.code].text(kind, language)
    for r in (*TOWARDS_REFUSAL, *TOWARDS_ACCEPTANCE)
    for kind in ("adverse", "favourable")
    for language in ("en", "fr")
]


def officer_reason(reason: OverrideReason, language: str) -> str:
    return texts()[f"officer_reason.{reason}"][language]


def assert_no_probability(text: str) -> None:
    assert "%" not in text and "probab" not in text.lower()


@pytest.mark.parametrize("form", ["pdf", "html"])
@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize(("model", "officer_case"), list(OFFICER))
def test_every_combination_announces_the_final_decision_and_only_what_supports_it(
    model: Decision, officer_case: str, language: str, form: str
) -> None:
    officer, by_person = OFFICER[(model, officer_case)]
    notice = build_notice(facts(model, officer), LENDER, language, ISSUED, "L-20261127-ABCDEF12")
    text = letter_text(notice, form)
    words = WORDS[language]
    assert_no_probability(text)
    assert (words["human"] in text, words["automated"] in text) == (by_person, not by_person)
    final = officer.decision.announced if officer and officer.decision.announced else model
    assert notice.decision == final
    if final == Decision.ACCEPT:
        counter_offer = officer_case == "counter-offer"
        assert (words["granted"] in text, words["instalment"] in text) == (counter_offer, counter_offer)
        assert (words["accepted"] in text) == (not counter_offer)
        assert "points" not in text and words["offer"] not in text and words["actions"] not in text
        assert not any(word in text.lower() for word in words["refusal words"])
        assert not any(sentence in text for sentence in EVERY_REASON_SENTENCE)
        return
    assert words["refused"] in text and words["accepted"] not in text and words["granted"] not in text
    for reason in ADVERSE:
        assert customer_sentence(reason, "adverse", language) in text
    for reason in TOWARDS_ACCEPTANCE:  # pushing towards acceptance: never told in a refusal
        for kind in ("adverse", "favourable"):
            assert catalogue()[reason.code].text(kind, language) not in text
    told = [r for r in OverrideReason if officer_reason(r, language) in text]
    if model == Decision.REFUSE:  # the model's refusal stands: its points, actions and offers are true
        assert told == []
        assert words["as requested"] in text and words["points"] in text
        assert words["offer"] in text and words["actions"] in text
    else:  # the officer refused what the model accepted: the officer's reason, no score, no offer
        assert told == [OverrideReason.AFFORDABILITY]
        assert texts()["weighed_in_favourable"][language] in text  # the model's reasons did not refuse it
        assert texts()["other_reasons"][language] not in text
        assert words["as requested"] not in text and "points" not in text
        assert words["offer"] not in text and words["actions"] not in text


@pytest.mark.parametrize("form", ["pdf", "html"])
@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("reason", list(OverrideReason))
def test_an_officers_refusal_gives_its_reason_in_customer_words(
    reason: OverrideReason, language: str, form: str
) -> None:
    officer = OfficerFacts(OfficerDecision.REFUSE, reason)
    text = letter_text(build_notice(facts(Decision.ACCEPT, officer), LENDER, language, ISSUED, "L-1"), form)
    assert officer_reason(reason, language) in text
    assert [r for r in OverrideReason if officer_reason(r, language) in text] == [reason]
    assert "fraud" not in text.lower() and "fraude" not in text.lower()
    assert_no_probability(text)
    if reason == OverrideReason.FRAUD_SUSPICION:
        assert ("our checks" if language == "en" else "nos vérifications") in text
    if reason == OverrideReason.AFFORDABILITY and language == "en":
        assert "the repayments would take too large a share of your income" in text


def test_the_affordability_refusal_names_the_income_share_in_french() -> None:
    officer = OfficerFacts(OfficerDecision.REFUSE, OverrideReason.AFFORDABILITY)
    text = letter_text(build_notice(facts(Decision.ACCEPT, officer), LENDER, "fr", ISSUED, "L-1"), "html")
    assert "les remboursements représenteraient une part trop importante de vos revenus" in text


def test_an_officers_refusal_lists_no_model_reason_when_none_points_that_way() -> None:
    officer = OfficerFacts(OfficerDecision.REFUSE, OverrideReason.POLICY_RULE)
    only_favourable = replace(facts(Decision.ACCEPT, officer), reasons=TOWARDS_ACCEPTANCE)
    text = letter_text(build_notice(only_favourable, LENDER, "en", ISSUED, "L-1"), "html")
    assert officer_reason(OverrideReason.POLICY_RULE, "en") in text
    assert texts()["other_reasons"]["en"] not in text and texts()["reasons_refused"]["en"] not in text
    assert not any(sentence in text for sentence in EVERY_REASON_SENTENCE)


def test_a_counter_offer_without_a_known_instalment_states_the_amount() -> None:
    officer = OfficerFacts(OfficerDecision.ACCEPT_COUNTER_OFFER, offered_amount=212_500.0)
    text = letter_text(build_notice(facts(Decision.REFUSE, officer), LENDER, "en", ISSUED, "L-1"), "html")
    assert "grant you a credit of €212,500.00" in text and "instalments" not in text


def test_every_letter_sentence_is_in_english_and_french() -> None:
    for key, by_language in texts().items():
        assert set(by_language) == {"en", "fr"} and all(by_language.values()), key
    assert {f"officer_reason.{r}" for r in OverrideReason} <= set(texts())


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_reason_without_history_is_told_as_such_with_no_action(language: str) -> None:
    unknown = [replace(r, evidence=Evidence.MISSING) for r in TOWARDS_REFUSAL if r.code == "LATE_INSTALMENTS"]
    refused = replace(facts(Decision.REFUSE), reasons=[TOWARDS_REFUSAL[0], *unknown])
    page = render_html(build_notice(refused, LENDER, language, ISSUED, "L-1"))
    text = html_text(page)
    late = catalogue()["LATE_INSTALMENTS"]
    assert late.text("missing", language) in text
    assert late.text("adverse", language) not in text and late.text("action", language) not in text
    assert "<li></li>" not in page


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_rule_refusing_what_the_risk_alone_accepted_rests_on_the_rule(language: str) -> None:
    """The rule is the reason; the model's reasons, under a favourable assessment, are what weighed against
    it, not reasons of the refusal. When the risk was not accepted, both are the refusal's reasons."""
    rule = policy_catalogue()["NOT_AFFORDABLE"].text("customer", language)
    by_rule = replace(facts(Decision.REFUSE), policy=("NOT_AFFORDABLE",), risk_accepted=True)
    text = letter_text(build_notice(by_rule, LENDER, language, ISSUED, "L-1"), "html")
    reasons = texts()["reasons_refused"][language]
    favourable = texts()["weighed_in_favourable_rules"][language]
    assert text.index(reasons) < text.index(rule) < text.index(favourable)
    for reason in ADVERSE:
        assert text.index(favourable) < text.index(customer_sentence(reason, "adverse", language))
    assert texts()["score_below"][language].split("{")[0] not in text  # no points: the score did not refuse
    at_risk = build_notice(replace(by_rule, risk_accepted=False), LENDER, language, ISSUED, "L-1")
    risky = letter_text(at_risk, "html")
    assert favourable not in risky and rule in risky and reasons in risky
