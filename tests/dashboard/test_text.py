"""The dashboard's words: numbers, decisions, reasons and chart summaries from API payloads."""

from __future__ import annotations

import math

import pytest

from api.schemas.model import BucketOut
from dashboard import model_text, operations_text, text, values
from dashboard.i18n import ENGLISH, translator
from tests.support.payloads import checked

FR = translator("fr")


@pytest.mark.parametrize(
    ("value", "english", "french"),
    [
        (0.0183, "1.8%", "1,8\u202f%"),
        (1.0, "100.0%", "100,0\u202f%"),
        (None, "unknown", "inconnu"),
        (math.nan, "unknown", "inconnu"),
        (True, "unknown", "inconnu"),
    ],
)
def test_percent(value: object, english: str, french: str) -> None:
    assert ENGLISH.percent(value) == english and FR.percent(value) == french


def test_signed_changes_and_moments_per_locale() -> None:
    assert ENGLISH.signed(0.471) == "+0.47" and FR.signed(-1234.5, 1) == "-1\u202f234,5"
    assert ENGLISH.moment("2026-11-27T04:52:13+00:00") == "Nov 27, 2026, 04:52"
    assert FR.moment("2026-11-27T05:52:13+01:00") == "27 nov. 2026, 04:52"  # shown in UTC
    assert FR.moment(None) == "inconnu" and ENGLISH.moment("t2") == "unknown"


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


def test_under_a_strategy_the_risk_is_told_against_its_cut_offs() -> None:
    """A referred client at 7.1 % is in the strategy's refer band, not "below the refusal threshold" of the
    model; the points sentence no longer says which points are refused."""
    strategy = {"name": "demo", "version": 1, "accept_below": 0.055, "refuse_from": 0.08}
    score = {"probability": 0.071, "threshold": 0.0863, "strategy": strategy, "points": 561.2}
    referred = text.risk_text(score)
    assert "refer band of the strategy demo (from 5.5% to 8.0%)" in referred and "threshold" not in referred
    below = text.risk_text(score | {"probability": 0.03})
    assert "2.5 percentage points below the acceptance limit of 5.5% of the strategy demo" in below
    above = text.risk_text(score | {"probability": 0.11})
    assert "3.0 percentage points above the refusal limit of 8.0%" in above
    assert "percentage points below the refusal threshold" in text.risk_text(score | {"strategy": None})
    french = text.risk_text(score, translator("fr"))
    assert "bande de transmission de la stratégie demo" in french
    assert text.points_text(score | {"threshold_points": 558.0}) == "Score: 561 points."
    summary = text.band_summary(0.071, strategy)
    assert "accepted below 5.5%" in summary and "refused from 8.0%" in summary


def test_a_close_call_gets_the_digits_that_tell_its_side() -> None:
    close = text.distance_text(0.0826, 0.083)
    assert "8.26%, 0.04 percentage points below the refusal threshold of 8.30%" in close
    assert "0.0 percentage points" not in close
    assert "8.304%, 0.004 percentage points above the refusal threshold of 8.300%" in text.distance_text(
        0.08304, 0.083
    )
    assert values.risk_digits(0.02, 0.08) == 1 and values.risk_digits(0.08, 0.08) == 1
    assert "8,26\u202f%, 0,04 point de pourcentage" in text.distance_text(
        0.0826, 0.083, FR
    )  # under 2: singular
    assert (
        text.points(0.025, 1, ENGLISH) == "2.5 percentage points"
        and text.points(0.01, 0) == "1 percentage point"
    )
    assert (
        values.years(0.5, FR) == "0,5 an"
        and values.years(2.5, FR) == "2,5 ans"
        and values.years(1.0) == "1.0 years"
    )


def test_points_keep_one_precision_that_tells_a_score_from_the_threshold() -> None:
    assert values.points_digits([537.4, 610.0], 600.0) == 0
    assert values.points_digits([561.25, 610.2], 561.24) == 2
    assert values.points_digits([561.3], 561.24) == 1
    score = {"points": 561.25, "threshold_points": 561.24}
    assert text.points_text(score) == "Score: 561.25 points; applications below 561.24 points are refused."
    assert text.points_text({**score, "points": 600.4}, digits=2) == (
        "Score: 600.40 points; applications below 561.24 points are refused."
    )


@pytest.mark.parametrize(
    ("value", "digits", "english", "french"),
    [
        (-21.4, 0, "-21 points", "-21 points"),
        (12.2, 0, "+12 points", "+12 points"),
        (1.0, 0, "+1 point", "+1 point"),
        (0.3, 0, "0 points", "0 points"),
        (-0.004, 2, "0.00 points", "0,00 points"),
        (-0.26, 1, "-0.3 points", "-0,3 points"),
    ],
)
def test_signed_points_have_no_double_negative(value: float, digits: int, english: str, french: str) -> None:
    assert values.signed_points(value, digits) == english
    assert values.signed_points(value, digits, FR) == french


def test_money_has_its_currency_and_the_period_the_data_gives_it() -> None:
    assert values.money(135000.0) == "\u20ac135,000"
    assert values.money(135000.4, FR) == "135\u202f000\u00a0\u20ac"
    assert values.money(2500.0, ENGLISH, "GBP", values.MONTHLY) == "\u00a32,500 a month"
    assert values.amount("AMT_INCOME_TOTAL", 135000.0) == "\u20ac135,000 a month"
    assert values.amount("AMT_CREDIT", 135000.0, FR) == "135\u202f000\u00a0\u20ac"
    assert values.money(None) == "unknown"


@pytest.mark.parametrize(
    ("feature", "value", "unit", "english", "french"),
    [
        ("APP_DAYS_BIRTH", -9119, "days", "24 years", "24 ans"),
        ("APP_DAYS_EMPLOYED", -1200, "days", "3.3 years ago", "il y a 3,3 ans"),
        ("APP_DAYS_LAST_PHONE_CHANGE", -400, "days", "13 months ago", "il y a 13 mois"),
        ("INST_DPD_MAX", 12, "days", "12 days", "12 jours"),
        ("APP_CREDIT_TERM_STANDARD", 24, "months", "24 months", "24 mois"),
        ("POS_MONTHS_BALANCE_MAX", -1, "months", "1 month ago", "il y a 1 mois"),
        ("APP_EMPLOYED_YEARS", 3.25, "years", "3.2 years", "3,2 ans"),
        ("APP_ANNUITY_INCOME_RATIO", 0.172, "ratio", "17.2%", "17,2\u202f%"),
        ("APP_CREDIT_INCOME_RATIO", 3.5, "ratio", "350%", "350\u202f%"),
        ("BUREAU_IS_OVERDUE_MEAN", 0.25, "share", "25.0%", "25,0\u202f%"),
        (
            "APP_AMT_INCOME_TOTAL",
            135000.0,
            "currency",
            "\u20ac135,000 a month",
            "135\u202f000\u00a0\u20ac par mois",
        ),
        ("APP_AMT_CREDIT", 406597.5, "currency", "\u20ac406,598", "406\u202f598\u00a0\u20ac"),
        ("APP_FLAG_PHONE", 1, "flag", "yes", "oui"),
        ("APP_EXT_SOURCE_2", 0.2623, "score", "0.262", "0,262"),
        ("APP_NAME_INCOME_TYPE", "Working", "code", "Working", "Salarié(e)"),  # levels in the page's language
        ("APP_NAME_EDUCATION_TYPE", "Higher education", "code", "Higher education", "Études supérieures"),
        ("APP_ORGANIZATION_TYPE", "Self-employed", "code", "Self-employed", "Indépendant"),
        ("APP_EXT_SOURCE_1", None, "score", "unknown", "inconnu"),
    ],
)
def test_feature_values_read_by_their_unit(
    feature: str, value: object, unit: str, english: str, french: str
) -> None:
    entry = {"feature": feature, "value": value, "unit": unit}
    assert values.feature_value(entry) == english
    assert values.feature_value(entry, FR) == french


def test_a_label_drops_the_unit_of_days_its_value_now_says() -> None:
    age = {"feature": "APP_DAYS_BIRTH", "label": "Age (days, negative)", "value": -9119, "unit": "days"}
    assert values.feature_label(age) == "Age"
    opened = {"label": "Date d'ouverture des crédits (moyenne, jours)", "value": -800.0, "unit": "days"}
    assert values.feature_label(opened) == "Date d'ouverture des crédits (moyenne)"
    assert values.feature_label({**age, "value": None}) == "Age (days, negative)"
    ratio = {"label": "Credit amount / income", "value": 3.5, "unit": "ratio"}
    assert values.feature_label(ratio) == "Credit amount / income"
    years = {"feature": "APP_AGE_YEARS", "label": "Age (years)", "value": 24.9, "unit": "years"}
    assert values.labelled_value(years) == "Age: 24.9 years"  # not "Age (years): 24.9 years"
    assert values.labelled_value({**years, "label": "Âge (ans)"}, FR) == "Âge : 24,9 ans"


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
    assert rows["Age"] == "31 years"
    assert rows["Credit amount"] == "\u20ac540,000"
    assert rows["Total income"] == "\u20ac72,000 a month" and rows["Loan annuity"] == "\u20ac30,000 a month"
    assert dict(text.fact_rows(facts, FR, "USD"))["Revenus totaux"] == "72\u202f000\u00a0$US par mois"
    assert "Term" not in rows  # the asked term is the offer's to derive (ProductPolicy.asked_term)
    assert rows["Employment length"] == "not employed, or unknown"
    assert rows["Family"] == "Married, 1 child"
    assert rows["Price of the goods financed"] == "unknown"
    assert list(rows)[-1] == "Contract type"


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
    assert "falls in the range 10 to 20: 20 clients, of whom 50.0% defaulted" in summary
    assert "tombe dans l’intervalle de 10 à 20 : 20 clients, dont 50,0\u202f% en défaut" in (
        text.distribution_summary(data, FR)
    )
    categorical = {**data, "edges": None, "levels": ["F", "M"], "client_value": "M", "group": "similar"}
    assert "level is M: 20 clients" in text.distribution_summary(categorical)
    assert "similar clients" in text.distribution_summary(categorical)
    assert "unknown" in text.distribution_summary({**data, "client_value": None})


def test_neighbours_and_what_if_summaries() -> None:
    neighbours = [{"known_outcome": 1, "decision": "refuse"}, {"known_outcome": 0, "decision": "accept"}]
    assert "2 most similar clients" in text.neighbours_summary(neighbours)
    assert "1 defaulted (50%)" in text.neighbours_summary(neighbours)
    assert "today the lender would refuse 1." in text.neighbours_summary(neighbours)
    assert "en défaut : 1 (50\u202f%) ; refusés aujourd’hui : 1." in text.neighbours_summary(neighbours, FR)
    referred = [*neighbours, {"known_outcome": 0, "decision": "refer"}]  # a strategy's refer band
    assert "refuse 1 and refer 1 to an officer" in text.neighbours_summary(referred)
    assert "refusés aujourd’hui : 1, transmis à un chargé de crédit : 1." in text.neighbours_summary(
        referred, FR
    )
    before = {"probability": 0.05, "decision": "accept"}
    after = {"probability": 0.12, "decision": "refuse"}
    summary = text.what_if_summary(before, after)
    assert "up by 7.0 percentage points" in summary and "changes to \u201ccredit refused\u201d" in summary
    assert "stays the same" in text.what_if_summary(before, before)
    noise = {**before, "probability": 0.05 + 1e-16}  # the stored score against its recomputation
    unmoved = text.what_if_summary(before, noise)
    assert "unchanged" in unmoved and "0.0 percentage" not in unmoved
    slight = {**before, "probability": 0.0496}
    assert "down by 0.04 percentage points" in text.what_if_summary(before, slight)
    assert text.what_if_summary(before, after, FR) == (
        "Avant : 5,0\u202f% (crédit accordé). Après les modifications : 12,0\u202f%, en hausse de 7,0 "
        "points de pourcentage ; la décision devient « crédit refusé »."
    )


def test_counter_offer_text() -> None:
    assert "No credit amount" in text.counter_offer_text({"max_amount": None})
    offer = {"max_amount": 300000.0, "annuity_at_max": 15000.0, "capped": False}
    assert text.counter_offer_text(offer) == (
        "The largest credit amount still accepted is \u20ac300,000, with an instalment of about "
        "\u20ac15,000 a month."
    )
    priced = {**offer, "term_months": 24, "annual_rate_at_max": 0.071}  # the terms it is priced at, said
    assert text.counter_offer_text(priced).endswith(
        "an instalment of about \u20ac15,000 a month over 24 months at 7.10% a year."
    )
    assert text.counter_offer_text({**offer, "capped": True}).startswith("Accepted at every amount tried")
    assert text.counter_offer_text(offer, FR).startswith(
        "Le plus grand montant de crédit encore accepté est 300\u202f000\u00a0\u20ac"
    )
    banded = text.counter_offer_text(offer, refer_band=True)  # a strategy refers the risks above it
    assert banded.startswith("The largest credit amount accepted without referral to an officer is €300,000")
    nothing = text.counter_offer_text({"max_amount": None}, FR, refer_band=True)
    assert nothing.endswith("n'est accepté sans transmission à un chargé de crédit.")


def test_a_refer_band_is_a_strategy_with_cut_offs_apart() -> None:
    assert text.refer_band({"strategy": {"accept_below": 0.055, "refuse_from": 0.08}})
    assert not text.refer_band({"strategy": {"accept_below": 0.08, "refuse_from": 0.08}})  # accepted or not
    assert not text.refer_band({"strategy": None})


def test_operations_summaries() -> None:
    buckets = checked(
        list[BucketOut],
        [
            {
                "start": "2026-01-01T10:00:00Z",
                "requests": 10,
                "errors": {"404": 2},
                "latency_ms_p50": 10.0,
                "latency_ms_p95": 30.0,
                "latency_ms_p99": 50.0,
                "scores": 4,
                "refusal_rate": 0.5,
                "mean_probability": 0.1,
                "probability_p10": 0.03,
                "probability_p50": 0.08,
                "probability_p90": 0.2,
            },
            {
                "start": "2026-01-01T11:00:00Z",
                "requests": 30,
                "errors": {"500": 1, "404": 1},
                "latency_ms_p50": 20.0,
                "latency_ms_p95": 1090.0,
                "latency_ms_p99": 1120.0,
                "scores": 6,
                "refusal_rate": 0.0,
                "mean_probability": 0.2,
                "probability_p10": 0.05,
                "probability_p50": 0.15,
                "probability_p90": 0.4,
            },
        ],
    )
    assert operations_text.traffic_summary(buckets) == (  # an unknown client ID is not a service error
        "40 requests in the period. Service errors (5xx): 1 (2.5%); requests refused for their input or "
        "rights (4xx, such as an unknown client ID): 3 (7.5%): 3 \u00d7 HTTP 404, 1 \u00d7 HTTP 500."
    )
    assert operations_text.traffic_summary(buckets, FR) == (
        "40 requêtes sur la période. Erreurs du service (5xx) : 1 (2,5\u202f%) ; requêtes refusées pour "
        "leurs données ou leurs droits (4xx, comme un identifiant client inconnu) : 3 (7,5\u202f%) : "
        "3 \u00d7 HTTP 404, 1 \u00d7 HTTP 500."
    )
    latency = operations_text.latency_summary(buckets)
    assert "(Jan 1, 2026, 11:00) had a 95th percentile of 1,090 ms" in latency
    assert "(1 janv. 2026, 11:00) a eu un 95e centile de 1\u202f090 ms" in operations_text.latency_summary(
        buckets, FR
    )
    assert operations_text.decisions_summary(buckets).startswith(
        "10 scores given; 20.0% refused; mean risk of default 16.0%. The 10th, 50th and 90th percentile"
    )
    assert operations_text.decisions_summary(buckets, FR).startswith(
        "10 scores attribués ; 20,0\u202f% refusés ; risque de défaut moyen 16,0\u202f%."
    )
    one = [{"scores": 1, "refusal_rate": 1.0, "mean_probability": 0.5}]
    assert operations_text.decisions_summary(one).startswith("1 score given; 100.0% refused;")
    assert operations_text.decisions_summary(one, FR).startswith("1 score attribué ; 100,0\u202f% refusés")
    assert operations_text.traffic_summary([]) == "No request in this period."
    assert operations_text.traffic_summary([], FR) == "Aucune requête sur cette période."
    period = {"since": "2026-01-01T10:00:00+00:00", "until": "2026-01-02T10:00:00+00:00", "bucket": "6h"}
    assert operations_text.period_text(period, FR) == (
        "Du 1 janv. 2026, 10:00 au 2 janv. 2026, 10:00 UTC, par périodes de 6 heures."
    )
    assert operations_text.bucket_words("1d") == "1 day" and operations_text.bucket_words("x") == "x"


def test_model_summaries() -> None:
    data = {
        "w_fn": 10.0,
        "w_fp": 1.0,
        "best": {"threshold": 0.09, "approval_rate": 0.8, "cost_per_1000": 450.0},
        "production": {"threshold": 0.1, "approval_rate": 0.82, "cost_per_1000": 460.0},
    }
    assert "lowest at a threshold of 9.0%" in model_text.cost_summary(data)
    assert "le plus bas au seuil de 9,0\u202f%" in model_text.cost_summary(data, FR)
    tiny = model_text.cost_summary({**data, "w_fn": 0.0001})  # a weight the page accepts is not told as 0
    assert "costs 0.0001 and refusing a good client costs 1," in tiny
    confusion = {"tp": 1, "fp": 2, "fn": 3, "tn": 1528}
    assert "1,528 good clients accepted" in model_text.confusion_summary(confusion)
    assert "bons clients acceptés : 1\u202f528" in model_text.confusion_summary(confusion, FR)
    assert "AUC 0.740" in model_text.roc_summary({"auc": 0.74})
    assert "AUC 0,740 (0,5 est le hasard" in model_text.roc_summary({"auc": 0.74}, FR)
    assert "not defined" in model_text.roc_summary({"auc": None})
    calibration = {"predicted": [0.1, 0.2], "observed": [0.15, 0.2]}
    assert "largest gap is 5.0 percentage points" in model_text.calibration_summary(calibration)
    assert "le plus grand écart est de 5,0 points de pourcentage" in model_text.calibration_summary(
        calibration, FR
    )
