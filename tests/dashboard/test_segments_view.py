"""The Drift page's drift by segment and fairness over time: tables from the API's JSON, in both languages,
the fairness one fetched from the monitoring summary through a fake API checked against its response model."""

from __future__ import annotations

import json

import httpx
import pytest

from dashboard.components.segments import fairness_trend_view, segments_view
from dashboard.i18n import ENGLISH, translator
from tests.support.checked_api import Answer


def _entry(name: str, drifted: bool, moved: int = 0, realised: float | None = None) -> dict:
    return {
        "name": name,
        "n": 461,
        "n_reference": 1_180,
        "score_psi": 0.434 if drifted else 0.01,
        "score_psi_critical": 0.076,
        "drifted": drifted,
        "features_moved": [{"feature": f"F{i}", "label": f"Feature {i}", "psi": 0.3} for i in range(moved)],
        "mean_pd": 0.173,
        "reference_mean_pd": 0.108,
        "realised_rate": realised,
        "p_value": None if realised is None else 0.388,
    }


SUMMARY = {
    "segments": [
        {
            **_entry("NAME_INCOME_TYPE=Pensioner", True, moved=5, realised=0.18),
            "segment": "NAME_INCOME_TYPE",
            "value": "Pensioner",
        },
        {**_entry("AGE_BAND=60+", False), "segment": "AGE_BAND", "value": "60+"},
    ],
    "segment_check": {"min_clients": 200, "values_too_small": 3},
}


def _group(
    attribute: str, group: str, n: int, rate: float, ratio: float | None, flagged: bool = False
) -> dict:
    judged = ratio is not None
    return {
        "attribute": attribute,
        "group": group,
        "n": n,
        "approval_rate": rate,
        "judged": judged,
        "approval_ratio": ratio,
        "flagged": flagged,
    }


FAIRNESS = {
    "method": "m",
    "min_group": 30,
    "four_fifths": 0.8,
    "periods": [
        {
            "period": "2026-11",
            "applicants": 320,
            "approval_rate": 0.7,
            "known": {"CODE_GENDER": 300, "age band": 320},
            "groups": [
                _group("CODE_GENDER", "F", 150, 0.48, 0.6, flagged=True),
                _group("CODE_GENDER", "M", 150, 0.8, 1.0),
                _group("age band", "60+", 12, 0.75, None),
            ],
        }
    ],
}


def _text(component: object) -> str:
    return json.dumps(component.to_plotly_json(), default=lambda c: c.to_plotly_json(), ensure_ascii=False)


def test_segment_table_shows_each_value_and_highlights_the_drifted() -> None:
    section = segments_view(SUMMARY, translator("en"))
    text = _text(section)
    assert "Income type: Pensioner" in text and "Age band: 60+" in text and "NAME_INCOME_TYPE" not in text
    assert "Feature 0, Feature 1, Feature 2 and 2 more" in text
    assert "0.434 (critical 0.076)" in text and "18.0% (p = 0.388)" in text
    assert "at least 200 clients" in text and "3 smaller ones" in text
    assert text.count("table-warning") == 1
    french = _text(segments_view(SUMMARY, translator("fr")))
    assert "Par segment" in french and "0,434 (critique 0,076)" in french
    assert "no segments" in _text(segments_view({}, translator("en")))


def test_fairness_table_flags_a_ratio_below_four_fifths() -> None:
    text = _text(fairness_trend_view(FAIRNESS, translator("en")))
    assert "Gender: F" in text and "Age band: 60+" in text
    assert "\u26a0 0.60 (48%)" in text and "1.00 (80%)" in text and "75% (too few)" in text
    assert "table-warning" in text
    assert "Équité dans le temps" in _text(fairness_trend_view(FAIRNESS, translator("fr")))
    assert fairness_trend_view({"periods": []}, translator("en")) is None


@pytest.fixture
def fake_api(answer: Answer) -> list[httpx.Request]:
    seen: list[httpx.Request] = []
    body = {
        "since": "2025-12-06T00:00:00Z",
        "until": "2026-12-06T00:00:00Z",
        "bucket": "1d",
        "buckets": [],
        "fairness": FAIRNESS,
    }

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=body)

    answer(handler)
    return seen


def test_drift_page_fetches_a_year_of_fairness(fake_api: list[httpx.Request]) -> None:
    from dashboard.pages.drift import show_fairness

    section = show_fairness(None)
    assert "drift-fairness-table" in _text(section)
    [request] = fake_api
    assert request.url.path == "/api/v1/monitoring/summary" and request.url.params["bucket"] == "1d"


def test_a_segment_is_named_in_words_in_the_pages_language() -> None:
    from dashboard.components.segments import segment_name

    pensioners = SUMMARY["segments"][0]
    assert segment_name(pensioners) == "Income type: Pensioner"
    french = segment_name(pensioners, translator("fr"))
    assert french.startswith("Type de revenu") and "Pensioner" not in french and "NAME_" not in french
    assert segment_name({"name": "NEW_SEGMENT=1", "segment": "NEW_SEGMENT", "value": 1}) == "NEW_SEGMENT=1"


def test_a_risk_grade_stays_a_grade_and_a_gender_reads_in_words() -> None:
    from dashboard.components.fairness import fairness_table
    from dashboard.components.segments import segment_name
    from dashboard.vocabulary import group_label

    fr = translator("fr")
    assert segment_name({"segment": "RISK_GRADE", "value": "F"}) == "Risk grade: F"  # not "Female"
    assert segment_name({"segment": "RISK_GRADE", "value": "F"}, fr) == "Classe de risque : F"
    assert group_label("CODE_GENDER", "F") == "Female" and group_label("CODE_GENDER", "M", fr) == "Homme"
    assert group_label("age band", "30-39") == "30-39" and group_label("CODE_GENDER", "missing") == "missing"
    row = {"attribute": "CODE_GENDER", "group": "F", "n": 400, "approval_rate": 0.7, "approval_ratio": 0.95}
    assert "Female" in str(fairness_table([row], ENGLISH))
