"""The dashboard's words: numbers, decisions, reasons and chart summaries from API payloads."""

from __future__ import annotations

import math

import pytest

from dashboard import text

EXPLANATION = {
    "scale": "raw log-odds",
    "base_value": -2.5,
    "raw_score": -1.0,
    "base_probability": 0.081,
    "probability": 0.236,
    "raising": [
        {"feature": "A", "label": "Share of late payments", "contribution": 0.9, "value": 0.31},
        {"feature": "B", "label": "Credit amount", "contribution": 0.4, "value": 1250000.0},
        {"feature": "C", "label": "Contract type", "contribution": 0.2, "value": "Cash loans"},
        {"feature": "D", "label": "Years employed", "contribution": 0.1, "value": None},
        {"feature": "E", "label": "Fifth", "contribution": 0.05, "value": 1},
    ],
    "lowering": [{"feature": "F", "label": "External score", "contribution": -0.3, "value": 0.72}],
}


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.0183, "1.8 %"), (1.0, "100.0 %"), (None, "unknown"), (math.nan, "unknown"), (True, "unknown")],
)
def test_percent(value: object, expected: str) -> None:
    assert text.percent(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "unknown"),
        ("Cash loans", "Cash loans"),
        (1250000.0, "1,250,000"),
        (0.31234, "0.312"),
        (-174.0, "-174"),
    ],
)
def test_value_text(value: object, expected: str) -> None:
    assert text.value_text(value) == expected


def test_decision_in_words_and_symbol() -> None:
    assert text.decision_words("accept") == "Credit granted"
    assert text.decision_words("refuse") == "Credit refused"
    assert text.decision_icon("accept") != text.decision_icon("refuse")


def test_distance_to_threshold() -> None:
    below = text.distance_text(0.02, 0.08)
    assert "6.0 percentage points below" in below and "clear margin" in below
    above = text.distance_text(0.085, 0.08)
    assert "0.5 percentage points above" in above and "close call" in above
    assert "exactly at" in text.distance_text(0.08, 0.08)


def test_fact_rows_cover_the_key_facts() -> None:
    facts = [
        {"name": "AGE_YEARS", "value": 31.79},
        {"name": "AMT_INCOME_TOTAL", "value": 72000.0},
        {"name": "AMT_CREDIT", "value": 540000.0},
        {"name": "AMT_ANNUITY", "value": 30000.0},
        {"name": "YEARS_EMPLOYED", "value": None},
        {"name": "NAME_FAMILY_STATUS", "value": "Married"},
        {"name": "CNT_CHILDREN", "value": 1.0},
        {"name": "NAME_CONTRACT_TYPE", "value": "Cash loans"},
    ]
    rows = dict(text.fact_rows(facts))
    assert rows["Age"] == "31.8 years"
    assert rows["Credit amount"] == "540,000"
    assert rows["Term"] == "about 18 instalments (credit \u00f7 annuity)"
    assert rows["Employment length"] == "not employed, or unknown"
    assert rows["Family"] == "Married, 1 child"
    assert rows["Price of the goods financed"] == "unknown"
    assert list(rows)[-1] == "Contract type"


def test_waterfall_summary_goes_from_average_to_client() -> None:
    summary = text.waterfall_summary(EXPLANATION)
    # the calibrated risks the API gives at the two ends, not the raw model's sigmoid of its log-odds
    assert "from the average client's risk of 8.1 %" in summary and "to 23.6 %" in summary
    assert "Share of late payments" in summary and "External score" in summary


def test_distribution_summary_gives_the_default_rate_of_the_clients_bin() -> None:
    data = {
        "label": "Credit amount",
        "group": "all",
        "edges": [0.0, 10.0, 20.0],
        "levels": None,
        "repaid": [30, 10],
        "defaulted": [10, 10],
        "client_value": 15.0,
    }
    summary = text.distribution_summary(data)
    assert "40 repaid and 20 defaulted" in summary
    assert "falls in the range 10 to 20: 20 clients, 50.0 % of them defaulted" in summary
    categorical = {**data, "edges": None, "levels": ["F", "M"], "client_value": "M", "group": "similar"}
    assert "level M: 20 clients" in text.distribution_summary(categorical)
    assert "similar clients" in text.distribution_summary(categorical)
    assert "unknown" in text.distribution_summary({**data, "client_value": None})


def test_neighbours_and_what_if_summaries() -> None:
    neighbours = [{"known_outcome": 1, "decision": "refuse"}, {"known_outcome": 0, "decision": "accept"}]
    assert "2 most similar clients" in text.neighbours_summary(neighbours)
    assert "1 defaulted (50 %)" in text.neighbours_summary(neighbours)
    before = {"probability": 0.05, "decision": "accept"}
    after = {"probability": 0.12, "decision": "refuse"}
    summary = text.what_if_summary(before, after)
    assert "up by 7.0 percentage points" in summary and "changes to \u201ccredit refused\u201d" in summary
    assert "stays the same" in text.what_if_summary(before, before)


def test_counter_offer_text() -> None:
    assert "No credit amount" in text.counter_offer_text({"max_amount": None})
    offer = {"max_amount": 300000.0, "annuity_at_max": 15000.0, "capped": False}
    assert text.counter_offer_text(offer) == (
        "The largest credit amount still accepted is 300,000, with an annuity of about 15,000 at the "
        "same rate and term."
    )
    assert text.counter_offer_text({**offer, "capped": True}).startswith("Accepted at every amount tried")


def test_operations_summaries() -> None:
    buckets = [
        {
            "start": "t1",
            "requests": 10,
            "errors": {"404": 2},
            "latency_ms_p50": 10.0,
            "latency_ms_p95": 30.0,
            "latency_ms_p99": 50.0,
            "scores": 4,
            "refusal_rate": 0.5,
            "mean_probability": 0.1,
        },
        {
            "start": "t2",
            "requests": 30,
            "errors": {"500": 1, "404": 1},
            "latency_ms_p50": 20.0,
            "latency_ms_p95": 90.0,
            "latency_ms_p99": 120.0,
            "scores": 6,
            "refusal_rate": 0.0,
            "mean_probability": 0.2,
        },
    ]
    assert text.traffic_summary(buckets) == (
        "40 requests in the period, 4 answered with an error (10.0 %): 3 \u00d7 HTTP 404, 1 \u00d7 HTTP 500."
    )
    assert "(t2) had a 95th percentile of 90 ms" in text.latency_summary(buckets)
    assert text.decisions_summary(buckets).startswith(
        "10 scores given; 20.0 % refused; mean risk of default 16.0 %. The 10th, 50th and 90th percentile"
    )
    assert text.traffic_summary([]) == "No request in this period."


def test_model_summaries() -> None:
    data = {
        "w_fn": 10.0,
        "w_fp": 1.0,
        "best": {"threshold": 0.09, "approval_rate": 0.8, "cost_per_1000": 450.0},
        "production": {"threshold": 0.1, "approval_rate": 0.82, "cost_per_1000": 460.0},
    }
    assert "lowest at a threshold of 9.0 %" in text.cost_summary(data)
    assert "1,528 good clients accepted" in text.confusion_summary({"tp": 1, "fp": 2, "fn": 3, "tn": 1528})
    assert "AUC 0.740" in text.roc_summary({"auc": 0.74})
    assert "not defined" in text.roc_summary({"auc": None})
    assert "largest gap is 5.0 percentage points" in text.calibration_summary(
        {"predicted": [0.1, 0.2], "observed": [0.15, 0.2]}
    )
