"""The decision's sentence agrees with its heading when policy rules decide, and What-if's Before and After
are framed alike by what decides (the strategy's cut-offs and rules, else the threshold)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import ModuleType

import dash
import httpx
import pytest
from dash import dcc

from api.schemas.scores import ScoreOut, policy_reason_payload
from dashboard import text
from dashboard.i18n import ENGLISH, translator
from scoring.vocabulary import Language
from tests.support.components import components, texts
from tests.support.payloads import FACTS, FIELDS, OFFER, SCORE, checked

FR = translator("fr")
STRATEGY = {"name": "demo", "version": 1, "accept_below": 0.055, "refuse_from": 0.08}
THRESHOLD = 0.083
COUNTER_OFFER = {"max_amount": 300000.0, "annuity_at_max": 15000.0, "capped": False}


@pytest.fixture
def what_if(app: dash.Dash) -> ModuleType:
    """The What-if page's module, imported once the app exists (it registers its page)."""
    from dashboard.pages import what_if

    return what_if


def ruled(
    probability: float, decision: str, codes: Sequence[str] = (), language: Language = Language.EN
) -> dict:
    """A stored client's score under the demo strategy, decided with the policy rules `codes` fired (their
    reasons as the API gives them in `language`, before the model's)."""
    reasons = [policy_reason_payload(code, language) for code in codes]
    explanation = SCORE["explanation"] | {
        "probability": probability,
        "reasons": reasons + SCORE["explanation"]["reasons"],
    }
    return checked(
        ScoreOut,
        SCORE
        | {
            "probability": probability,
            "decision": decision,
            "rules_fired": list(codes),
            "strategy": STRATEGY,
            "threshold": THRESHOLD,
            "distance_to_threshold": probability - THRESHOLD,
            "explanation": explanation,
        },
    )


def test_a_rule_that_refuses_in_the_refer_band_is_named_not_left_to_an_officer() -> None:
    """Client 100004 of the demo: refused by the legal maximum price at a risk in the refer band."""
    words = text.risk_text(ruled(0.077, "refuse", ["PRICE_ABOVE_CAP"]))
    assert words == (
        "The estimated risk of default is 7.7%, in the refer band of the strategy demo (from 5.5% to 8.0%), "
        "but a policy rule decided: \u201cPrice above the legal maximum\u201d."
    )
    french = text.risk_text(ruled(0.077, "refuse", ["PRICE_ABOVE_CAP"], Language.FR), FR)
    assert french == (
        "Le risque de défaut estimé est de 7,7\u202f%, dans la bande de transmission de la stratégie demo "
        "(de 5,5\u202f% à 8,0\u202f%), mais une règle de la politique de crédit a décidé : "
        "« Prix supérieur au maximum légal »."
    )


def test_a_rule_that_refuses_below_the_acceptance_limit_is_named() -> None:
    """Client 100147 with a lower amount: refused by the income minimum at a risk the cut-offs accept."""
    words = text.risk_text(ruled(0.054, "refuse", ["INCOME_BELOW_MINIMUM"]))
    assert words == (
        "The estimated risk of default is 5.4%, 0.1 percentage points below the acceptance limit of 5.5% of "
        "the strategy demo, but a policy rule decided: \u201cIncome below the minimum\u201d."
    )


def test_rules_that_decide_as_the_cut_offs_would_are_named_too() -> None:
    both = ruled(0.11, "refuse", ["INCOME_BELOW_MINIMUM", "PRICE_ABOVE_CAP"])
    assert text.risk_text(both) == (
        "The estimated risk of default is 11.0%, 3.0 percentage points above the refusal limit of 8.0% of "
        "the strategy demo, and policy rules decided the same: \u201cIncome below the minimum\u201d, "
        "\u201cPrice above the legal maximum\u201d."
    )
    referred = text.risk_text(ruled(0.07, "refer", ["AGE_AT_TERM_END"]))
    assert referred.endswith(
        "(from 5.5% to 8.0%), and a policy rule decided the same: "
        "\u201cTerm ends past the policy age limit\u201d."
    )
    french = text.risk_text(ruled(0.11, "refuse", ["INCOME_BELOW_MINIMUM"], Language.FR), FR)
    assert french.endswith(
        "et une règle de la politique de crédit a décidé de même : « Revenu inférieur au minimum »."
    )


def test_without_rules_the_cut_offs_decide_and_a_rule_without_its_reason_keeps_its_code() -> None:
    assert text.risk_text(ruled(0.071, "refer")) == (
        "The estimated risk of default is 7.1%, in the refer band of the strategy demo (from 5.5% to 8.0%): "
        "an officer decides."
    )
    assert text.risk_text(ruled(0.03, "accept")).endswith("acceptance limit of 5.5% of the strategy demo.")
    assert text.risk_text(ruled(0.071, "refer"), FR).endswith(" : un chargé de crédit décide.")
    bare = ruled(0.077, "refuse", ["PRICE_ABOVE_CAP"]) | {"explanation": None}
    assert text.rule_titles(bare) == ["PRICE_ABOVE_CAP"]
    assert "an officer decides" not in text.risk_text(bare)


def test_the_before_block_keeps_what_decides(what_if: ModuleType) -> None:
    score = ruled(0.077, "refuse", ["PRICE_ABOVE_CAP"])
    before = what_if.before_of(score)
    assert before["strategy"] == STRATEGY and before["rules_fired"] == ["PRICE_ABOVE_CAP"]
    assert [r["code"] for r in before["explanation"]["reasons"]] == ["PRICE_ABOVE_CAP"]  # not the model's
    assert text.risk_text(before) == text.risk_text(score)
    plain = what_if.before_of(SCORE)
    assert plain["strategy"] is None and plain["explanation"] == {"reasons": []}
    assert text.risk_text(plain) == text.risk_text(SCORE)


def result(what_if: ModuleType, before: dict, after: dict) -> tuple[str, str, dcc.Graph]:
    """The words of What-if's Before and After blocks and its comparison chart."""
    payload = {"score": after, "changed": [], "counter_offer": COUNTER_OFFER}
    view = what_if.result_view(before, payload, ENGLISH)
    [row] = [c for c in components(view) if getattr(c, "className", None) == "g-3"]
    [graph] = [c for c in components(view) if getattr(c, "id", None) == "what-if-comparison-graph"]
    return texts(row.children[0]), texts(row.children[1]), graph


def test_before_and_after_are_framed_by_the_strategy_alike(what_if: ModuleType) -> None:
    """Client 100004, no change yet: Before says what After says, and the chart marks the cut-offs."""
    score = ruled(0.077, "refuse", ["PRICE_ABOVE_CAP"])
    before, after, graph = result(what_if, what_if.before_of(score), score)
    sentence = text.risk_text(score)
    assert sentence in before and sentence in after
    assert "threshold" not in before + after and "8.3%" not in before + after
    notes = [a.text for a in graph.figure.layout.annotations]
    assert notes == ["Accept below 5.5%", "Refuse from 8.0%"]
    assert sorted(s.x0 for s in graph.figure.layout.shapes) == [0.055, 0.08]


def test_without_a_strategy_the_chart_marks_the_threshold(what_if: ModuleType) -> None:
    _, _, graph = result(what_if, what_if.before_of(SCORE), SCORE)
    assert [a.text for a in graph.figure.layout.annotations] == ["Threshold 10.0%"]


def test_opening_a_client_keeps_the_strategy_and_rules_of_its_score(
    what_if: ModuleType, answer: Callable
) -> None:
    score = ruled(0.077, "refuse", ["PRICE_ABOVE_CAP"])

    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        answers = {"/score": score, "/offer": OFFER, "/applications/fields": FIELDS}
        return httpx.Response(200, json=next((b for end, b in answers.items() if path.endswith(end)), FACTS))

    answer(handler)
    _, _, before, _, hidden, _ = what_if.load_client("100004", None)
    assert hidden and before["strategy"] == STRATEGY and before["rules_fired"] == ["PRICE_ABOVE_CAP"]
    shown, _, graph = result(what_if, before, score)
    assert text.risk_text(score) in shown and "threshold" not in shown
    assert "Threshold 8.3%" not in [a.text for a in graph.figure.layout.annotations]


@pytest.mark.parametrize("decision", ["refer", "refuse"])
def test_a_decision_by_rule_never_leaves_it_to_an_officer(decision: str) -> None:
    for probability in (0.03, 0.07, 0.11):
        words = text.risk_text(ruled(probability, decision, ["INCOME_MISSING"]))
        assert "an officer decides" not in words and "\u201cIncome not declared\u201d" in words
