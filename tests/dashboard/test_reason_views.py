"""The reasons by code on the dashboard: waterfall and drill-down add up exactly, words in both languages."""

from __future__ import annotations

import math

import pytest

from dashboard import reason_text
from dashboard.figures import reasons as reason_figures
from dashboard.i18n import ENGLISH, translator

FR = translator("fr")
CODES = [
    {
        "code": f"C{i}",
        "title": f"Code {i}",
        "contribution": c,
        "share": 0.1,
        "features": [
            {"feature": f"F{i}a", "label": f"Feature {i}a", "contribution": c * 0.7, "value": 1234.5},
            {"feature": f"F{i}b", "label": f"Feature {i}b", "contribution": c * 0.2, "value": None},
        ],
    }
    for i, c in enumerate([0.9, -0.6, 0.4, 0.3, -0.2, 0.15, 0.1, -0.08, 0.05, 0.02, -0.01])
]
EXPLANATION = {
    "base_value": -2.4,
    "base_probability": 0.08,
    "raw_score": -2.4 + sum(c["contribution"] for c in CODES),
    "codes": CODES,
    "reasons": [],
}
REASON = {
    "code": "EXT_SCORES",
    "title": "External credit scores",
    "text": "Your credit scores from external credit agencies are low.",
    "share": 0.4231,
    "actionable": False,
    "action": None,
    "features": [
        {
            "feature": "APP_EXT_SOURCE_2",
            "label": "External credit score 2",
            "contribution": 0.5,
            "value": 0.1234,
        },
        {"feature": "APP_AMT_CREDIT", "label": "Credit amount", "contribution": 0.1, "value": 1234567.0},
    ],
}


def test_code_waterfall_adds_up_from_base_to_score_with_the_other_codes() -> None:
    steps = reason_figures.code_steps(EXPLANATION)
    assert len(steps) == reason_figures.TOP_CODES + 1
    assert steps[-1][0] == "Other reason codes (3)"
    assert math.isclose(EXPLANATION["base_value"] + sum(c for _, c in steps), EXPLANATION["raw_score"])
    fig = reason_figures.code_waterfall(EXPLANATION, 0.3, FR)
    bar = fig.data[0]
    assert bar.base[0] == EXPLANATION["base_value"]
    assert math.isclose(bar.base[-1] + bar.x[-1], EXPLANATION["raw_score"])
    assert bar.text[0] == "\u25b2 augmente 0,90"
    labels = [a.text for a in fig.layout.annotations]
    assert "Ce client : 30,0\u202f%" in labels
    assert reason_figures.code_steps(EXPLANATION, FR)[-1][0] == "Autres codes motifs (3)"


def test_drill_down_splits_a_code_exactly_over_its_features() -> None:
    code = CODES[0]
    steps = reason_figures.member_steps(code, FR)
    assert steps[0][0] == "Feature 0a = 1\u202f234" and steps[1][0] == "Feature 0b = inconnu"
    assert steps[-1][0] == "Autres variables de ce code"
    assert math.isclose(sum(c for _, c in steps), code["contribution"])
    fig = reason_figures.code_members(code)
    assert math.isclose(fig.data[0].base[-1] + fig.data[0].x[-1], code["contribution"])
    summary = reason_text.members_summary(code, ENGLISH)
    assert summary.startswith("Code 0 adds 0.90 to the score") and "Feature 0a = 1,234" in summary


@pytest.mark.parametrize(
    ("language", "share", "values"),
    [
        (
            "en",
            "42% of what pushed towards refusal",
            "External credit score 2: 0.123; Credit amount: 1,234,567",
        ),
        (
            "fr",
            "42\u202f% de ce qui a poussé vers le refus",
            "External credit score 2: 0,123; Credit amount: 1\u202f234\u202f567",
        ),
    ],
)
def test_reason_share_and_values_per_locale(language: str, share: str, values: str) -> None:
    t = translator(language)
    assert reason_text.share_text(REASON, "refuse", t) == share
    assert reason_text.member_values(REASON, t) == values
    assert "acceptance" in reason_text.share_text(REASON, "accept") or language == "fr"


def test_waterfall_summary_names_the_strongest_codes() -> None:
    summary = reason_text.waterfall_summary(EXPLANATION, 0.3, FR)
    assert "30,0\u202f%" in summary and "La plus forte hausse : Code 0." in summary
    assert "La plus forte baisse : Code 1." in summary


def test_recourse_in_words() -> None:
    recourse = {
        "decision": "refuse",
        "max_term": 84,
        "options": [
            {
                "kind": "amount",
                "amount": 212500.0,
                "annuity": 10200.0,
                "term": 24.0,
                "probability": 0.09,
                "points": 590.2,
            },
            {
                "kind": "term",
                "amount": 250000.0,
                "annuity": 8000.0,
                "term": 36.0,
                "probability": 0.095,
                "points": 588,
            },
        ],
    }
    items = reason_text.recourse_items(recourse, FR)
    assert items[0] == (
        "Réduire le montant à 212\u202f500 au même taux et sur la même durée, échéances de 10\u202f200 "
        "(risque 9,0\u202f%, 590 points)."
    )
    assert items[1].startswith("Garder 250\u202f000 sur 36 mensualités de 8\u202f000 au même taux")
    assert "84 months" in reason_text.recourse_summary({**recourse, "options": []})
    assert "no change is needed" in reason_text.recourse_summary({"decision": "accept"})
