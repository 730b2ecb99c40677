"""The reasons by code on the dashboard: waterfall and drill-down in score points add up exactly, words in
both languages."""

from __future__ import annotations

import math

import pytest

from api.schemas.reasons import ReasonCodeOut
from api.schemas.scores import ExplanationOut
from dashboard import reason_text
from dashboard.figures import reasons as reason_figures
from dashboard.i18n import ENGLISH, translator
from dashboard.values import as_shown
from tests.support.components import components, texts
from tests.support.payloads import checked

FR = translator("fr")
CODES = [
    {
        "code": f"C{i}",
        "title": f"Code {i}",
        "contribution": c,
        "share": 0.1,
        "features": [
            {
                "feature": f"F{i}a",
                "label": f"Feature {i}a",
                "contribution": c * 0.7,
                "value": 1234.0,
                "unit": "currency",
            },
            {
                "feature": f"F{i}b",
                "label": f"Feature {i}b",
                "contribution": c * 0.2,
                "value": None,
                "unit": None,
            },
        ],
    }
    for i, c in enumerate([0.9, -0.6, 0.4, 0.3, -0.2, 0.15, 0.1, -0.08, 0.05, 0.02, -0.01])
]
EXPLANATION = checked(
    ExplanationOut,
    {
        "scale": "raw log-odds",
        "base_value": -2.4,
        "raw_score": -2.4 + sum(c["contribution"] for c in CODES),
        "base_probability": 0.08,
        "probability": 0.3,
        "base_points": 580.0,
        "points_per_log_odds": 72.13475204444817,
        "contributions": None,
        "raising": [],
        "lowering": [],
        "reasons": [],
        "codes": CODES,
    },
)
POINTS = 580.0 - 50.0 * sum(c["contribution"] for c in CODES)  # 50 points per log-odds step for this client
REASON = checked(
    ReasonCodeOut,
    {
        "code": "EXT_SCORES",
        "title": "External credit scores",
        "text": "Your credit scores from external credit agencies are low.",
        "evidence": "adverse",
        "officer_text": "External credit bureau scores",
        "contribution": 0.6,
        "share": 0.4231,
        "actionable": False,
        "action": None,
        "features": [
            {
                "feature": "APP_EXT_SOURCE_2",
                "label": "External credit score 2",
                "contribution": 0.5,
                "value": 0.1234,
                "unit": "score",
            },
            {
                "feature": "APP_AMT_CREDIT",
                "label": "Credit amount",
                "contribution": 0.1,
                "value": 1234567.0,
                "unit": "currency",
            },
        ],
    },
)


def test_code_waterfall_adds_up_in_points_from_the_average_client_to_this_client() -> None:
    assert reason_figures.points_per_log_odds(EXPLANATION, POINTS) == pytest.approx(-50.0)
    steps = reason_figures.code_steps(EXPLANATION, POINTS)
    assert len(steps) == reason_figures.TOP_CODES + 1
    assert steps[0] == ("Code 0", pytest.approx(-45.0)) and steps[1] == ("Code 1", pytest.approx(30.0))
    assert steps[-1] == ("Other reason codes (3)", pytest.approx(-3.0))
    assert sum(p for _, p in steps) == 528 - 580  # the steps as shown add up to the ends as shown
    data = reason_figures.code_waterfall_data(EXPLANATION, 0.3, POINTS, FR)
    rows = data["rows"]
    assert rows[0]["start"] == EXPLANATION["base_points"]
    assert rows[-1]["start"] + rows[-1]["value"] == 528
    assert [r["text"] for r in rows[:2]] == ["-45 points", "+30 points"]
    assert [m["label"] for m in data["marks"]] == ["Client moyen : 8,0\u202f%", "Ce client : 30,0\u202f%"]
    assert data["title"].startswith("Points du score")
    low, high = data["range"]
    assert low < min(r["start"] + min(r["value"], 0) for r in rows) and high > EXPLANATION["base_points"]
    drawn = reason_figures.code_waterfall("client-waterfall-graph", EXPLANATION, 0.3, POINTS, FR)
    steps = [c for c in components(drawn) if getattr(c, "className", None) == "hbars-row"]
    assert len(steps) == len(rows) and texts(steps[0]).split() == ["Code", "0", "-45", "points"]
    bars = [c.className for c in components(drawn) if "hbars-bar" in (getattr(c, "className", "") or "")]
    assert bars[:2] == ["hbars-bar hbars-minus", "hbars-bar hbars-plus"]  # fewer points, more risk: hatched
    assert reason_figures.code_steps(EXPLANATION, POINTS, FR)[-1][0] == "Autres codes motifs (3)"


def test_other_codes_below_the_shown_precision_are_folded() -> None:
    codes = [*CODES[:8], {**CODES[8], "contribution": 0.004}, {**CODES[9], "contribution": -0.001}]
    explanation = {**EXPLANATION, "codes": codes, "raw_score": -2.4 + sum(c["contribution"] for c in codes)}
    points = 580.0 - 50.0 * sum(c["contribution"] for c in codes)
    assert len(reason_figures.code_steps(explanation, points)) == reason_figures.TOP_CODES
    shown = reason_figures.code_steps(explanation, points, digits=1)
    assert shown[-1][0] == "Other reason codes (2)" and shown[-1][1] in (-0.1, -0.2)  # -0.15, to a tenth
    moved = as_shown(points, 1) - as_shown(explanation["base_points"], 1)
    assert round(sum(p for _, p in shown), 1) == round(moved, 1)


def test_the_steps_shown_add_up_to_the_points_shown() -> None:
    """Eight codes of +0.4 point each: each written +0 alone, yet the score moves by 3 points (580 to 583);
    the largest remainders carry the 3 points, so the waterfall's steps add up to what the page says."""
    codes = [{**c, "contribution": -0.008} for c in CODES[:8]]
    explanation = {**EXPLANATION, "codes": codes, "raw_score": -2.4 - 0.064}
    steps = reason_figures.code_steps(explanation, 583.2)
    assert [p for _, p in steps] == [1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    assert reason_figures.code_steps(explanation, 583.2, digits=1) == [(c["title"], 0.4) for c in codes]
    words = reason_text.waterfall_summary(explanation, 0.07, 583.2)
    assert "(580 points" in words and "to 583 points" in words
    assert "What lowers the risk most: Code 0 (+1 point)." in words


def test_the_drill_down_splits_each_code_into_the_points_the_waterfall_shows() -> None:
    from dash import dcc

    from dashboard.components.decision import drilldown

    codes = [{**c, "contribution": -0.008} for c in CODES[:8]]
    explanation = {**EXPLANATION, "codes": codes, "raw_score": -2.4 - 0.064}
    section = drilldown(explanation, 583.2, "client", ENGLISH, -50.0, 0)
    store = next(c for c in components(section) if isinstance(c, dcc.Store))
    waterfall = [p for _, p in reason_figures.code_steps(explanation, 583.2)]
    assert [c["points"] for c in store.data["codes"]] == waterfall == [1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    first = store.data["codes"][0]
    assert sum(p for _, p in reason_figures.member_steps(first, -50.0)) == 1.0


def test_points_per_log_odds_falls_back_on_the_scale_when_the_score_is_the_average() -> None:
    flat = {**EXPLANATION, "raw_score": EXPLANATION["base_value"]}
    assert reason_figures.points_per_log_odds(flat, 580.0) == -EXPLANATION["points_per_log_odds"]


def test_drill_down_splits_a_code_exactly_over_its_features_in_points() -> None:
    code = CODES[0]
    steps = reason_figures.member_steps(code, -50.0, FR)
    assert steps[0] == ("Feature 0a : 1\u202f234\u00a0\u20ac", -32.0)  # -31.5 as shown (half to even)
    assert steps[1][0] == "Feature 0b : inconnu"
    assert steps[-1][0] == "Autres variables de ce code"
    assert math.isclose(sum(p for _, p in steps), -45.0)
    rows = reason_figures.code_members_data(code, -50.0)["rows"]
    assert rows[0]["start"] == 0.0 and math.isclose(rows[-1]["start"] + rows[-1]["value"], -45.0)
    assert reason_figures.code_members("client-drill-graph", code, -50.0).id == "client-drill-graph"
    summary = reason_text.members_summary(code, -50.0, ENGLISH)
    assert summary == (
        "Code 0: -45 points in all; the feature that counts most: Feature 0a: \u20ac1,234 (-32 points)."
    )
    shown = {**code, "points": -44.0}  # the code as the waterfall shows it: its features add up to that
    assert sum(p for _, p in reason_figures.member_steps(shown, -50.0)) == -44.0
    assert reason_text.members_summary(shown, -50.0).startswith("Code 0: -44 points in all;")
    listed = {**code, "features": code["features"][1:]}  # the rest of the code outweighs its listed feature
    assert reason_text.members_summary(listed, -50.0).endswith(
        "counts most: Feature 0b: unknown (-9 points)."
    )


@pytest.mark.parametrize(
    ("language", "share", "values"),
    [
        (
            "en",
            "42% of what pushed towards refusal",
            "External credit score 2: 0.123; Credit amount: \u20ac1,234,567",
        ),
        (
            "fr",
            "42\u202f% de ce qui a poussé vers le refus",
            "External credit score 2 : 0,123; Credit amount : 1\u202f234\u202f567\u00a0\u20ac",
        ),
    ],
)
def test_reason_share_and_values_per_locale(language: str, share: str, values: str) -> None:
    t = translator(language)
    assert reason_text.share_text(REASON, "refuse", t) == share
    assert reason_text.member_values(REASON, t) == values
    assert "acceptance" in reason_text.share_text(REASON, "accept") or language == "fr"


def test_waterfall_summary_names_the_strongest_codes_in_points() -> None:
    summary = reason_text.waterfall_summary(EXPLANATION, 0.3, POINTS)
    assert summary.startswith("Starting from the average client (580 points, a risk of 8.0%)")
    assert "to 528 points (a risk of 30.0%)" in summary
    assert "What raises the risk most: Code 0 (-45 points)." in summary
    assert "What lowers the risk most: Code 1 (+30 points)." in summary
    french = reason_text.waterfall_summary(EXPLANATION, 0.3, POINTS, FR)
    assert "30,0\u202f%" in french and "Ce qui augmente le plus le risque : Code 0 (-45 points)." in french


def test_no_log_odds_in_the_words_or_charts_of_the_reasons() -> None:
    for t in (ENGLISH, FR):
        words = [
            reason_text.waterfall_summary(EXPLANATION, 0.3, POINTS, t),
            reason_text.members_summary(CODES[0], -50.0, t),
            texts(reason_figures.code_waterfall("w", EXPLANATION, 0.3, POINTS, t)),
            texts(reason_figures.code_members("d", CODES[0], -50.0, t)),
            reason_figures.code_importance([{"title": "Code", "importance_share": 0.4}], t).to_json(),
        ]
        assert not any("log-odds" in w.lower() or "log odds" in w.lower() for w in words)


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
        "Réduire le montant à 212\u202f500\u00a0\u20ac au même taux et sur la même durée, échéances de "
        "10\u202f200\u00a0\u20ac par mois (risque 9,0\u202f%, 590 points)."
    )
    assert items[1].startswith(
        "Garder 250\u202f000\u00a0\u20ac sur 36 mensualités de 8\u202f000\u00a0\u20ac au"
    )
    assert reason_text.recourse_items(recourse, ENGLISH, 2)[1].endswith("(risk 9.5%, 588.00 points).")
    assert "84 months" in reason_text.recourse_summary({**recourse, "options": []})
    assert "no change is needed" in reason_text.recourse_summary({"decision": "accept"})


def test_an_option_priced_in_another_grade_states_its_rate() -> None:
    option = {"amount": 90000.0, "annuity": 4100.0, "term": 24.0, "probability": 0.05, "points": 600}
    recourse = {
        "decision": "refuse",
        "annual_rate": 0.08,
        "options": [
            {**option, "kind": "amount", "annual_rate": 0.08},
            {**option, "kind": "amount", "annual_rate": 0.097},
            {**option, "kind": "term", "annual_rate": 0.097},
        ],
    }
    same, lower, longer = reason_text.recourse_items(recourse, ENGLISH)
    assert same.startswith("Lower the amount to \u20ac90,000 at the same rate and term")
    assert lower.startswith("Lower the amount to \u20ac90,000 over the same term at 9.70% a year")
    assert "at 9.70% a year" in longer and "same rate" not in longer
    assert "à 9,70\u202f% par an" in reason_text.recourse_items(recourse, FR)[1]
