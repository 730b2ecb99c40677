"""Hand-built cases per secondary table: expected aggregates worked out by hand."""

from __future__ import annotations

import math

import polars as pl
import pytest

from scoring.features.build import compute_features
from tests.features.tables import application, frame


def features_of(tables: dict[str, pl.DataFrame], *clients: int) -> dict[int, dict[str, float | None]]:
    result = compute_features({"application": application(*clients), **tables})
    return {row["SK_ID_CURR"]: row for row in result.iter_rows(named=True)}


def check(row: dict[str, float | None], expected: dict[str, float | None]) -> None:
    for name, value in expected.items():
        if value is None:
            assert row[name] is None, name
        else:
            assert row[name] == pytest.approx(value, rel=1e-6, abs=1e-6), name


def test_bureau_and_bureau_balance() -> None:
    bureau = frame(
        "bureau",
        [
            {"SK_ID_CURR": 1, "SK_ID_BUREAU": 11, "CREDIT_ACTIVE": "Active", "CREDIT_TYPE": "Consumer credit",
             "DAYS_CREDIT": -100, "CREDIT_DAY_OVERDUE": 0, "DAYS_CREDIT_ENDDATE": 200.0,
             "AMT_CREDIT_SUM": 1000.0, "AMT_CREDIT_SUM_DEBT": 400.0, "AMT_CREDIT_SUM_OVERDUE": 0.0},
            {"SK_ID_CURR": 1, "SK_ID_BUREAU": 12, "CREDIT_ACTIVE": "Closed", "CREDIT_TYPE": "Credit card",
             "DAYS_CREDIT": -700, "CREDIT_DAY_OVERDUE": 10, "DAYS_CREDIT_ENDDATE": -400.0,
             "DAYS_ENDDATE_FACT": -450.0, "AMT_CREDIT_SUM": 3000.0, "AMT_CREDIT_SUM_DEBT": 0.0,
             "AMT_CREDIT_SUM_OVERDUE": 0.0, "AMT_CREDIT_MAX_OVERDUE": 500.0},
            {"SK_ID_CURR": 2, "SK_ID_BUREAU": 21, "CREDIT_ACTIVE": "Closed", "DAYS_CREDIT": -50,
             "AMT_CREDIT_SUM": 10.0},
            {"SK_ID_CURR": 99, "SK_ID_BUREAU": 991, "CREDIT_ACTIVE": "Active", "AMT_CREDIT_SUM": 5.0},
        ],
    )  # fmt: skip
    balance = frame(
        "bureau_balance",
        [
            {"SK_ID_BUREAU": 11, "MONTHS_BALANCE": -1, "STATUS": "0"},
            {"SK_ID_BUREAU": 11, "MONTHS_BALANCE": -2, "STATUS": "1"},
            {"SK_ID_BUREAU": 11, "MONTHS_BALANCE": -3, "STATUS": "1"},
            {"SK_ID_BUREAU": 11, "MONTHS_BALANCE": -20, "STATUS": "2"},
            {"SK_ID_BUREAU": 12, "MONTHS_BALANCE": -15, "STATUS": "C"},
            {"SK_ID_BUREAU": 12, "MONTHS_BALANCE": -16, "STATUS": "X"},
            {"SK_ID_BUREAU": 777, "MONTHS_BALANCE": -1, "STATUS": "5"},
        ],
    )
    rows = features_of({"bureau": bureau, "bureau_balance": balance}, 1, 2, 3)
    check(
        rows[1],
        {
            "BUREAU_COUNT": 2, "BUREAU_ACTIVE_COUNT": 1, "BUREAU_CLOSED_COUNT": 1,
            "BUREAU_DAYS_CREDIT_MAX": -100, "BUREAU_DAYS_CREDIT_MIN": -700, "BUREAU_DAYS_CREDIT_MEAN": -400,
            "BUREAU_CREDIT_DAY_OVERDUE_MAX": 10, "BUREAU_CREDIT_DAY_OVERDUE_MEAN": 5,
            "BUREAU_AMT_CREDIT_SUM_SUM": 4000, "BUREAU_AMT_CREDIT_SUM_DEBT_SUM": 400,
            "BUREAU_DEBT_CREDIT_RATIO": 0.1, "BUREAU_ACTIVE_DEBT_CREDIT_RATIO": 0.4,
            "BUREAU_DEBT_CREDIT_RATIO_MEAN": 0.2, "BUREAU_OVERDUE_DEBT_RATIO_MEAN": 0.0,
            "BUREAU_CREDIT_DURATION_MEAN": 300, "BUREAU_CLOSED_ENDDATE_GAP_MEAN": -50,
            "BUREAU_CLOSED_DAYS_ENDDATE_FACT_MAX": -450, "BUREAU_AMT_CREDIT_MAX_OVERDUE_MAX": 500,
            "BUREAU_IS_OVERDUE_MEAN": 0.5, "BUREAU_ACTIVE_SHARE": 0.5,
            "BUREAU_BB_MONTHS_SUM": 6, "BUREAU_BB_MONTHS_MEAN": 3,
            "BUREAU_BB_STATUS_0_MONTHS_SUM": 1, "BUREAU_BB_STATUS_1_MONTHS_SUM": 2,
            "BUREAU_BB_STATUS_2_MONTHS_SUM": 1, "BUREAU_BB_STATUS_5_MONTHS_SUM": 0,
            "BUREAU_BB_STATUS_C_MONTHS_SUM": 1, "BUREAU_BB_STATUS_X_MONTHS_SUM": 1,
            "BUREAU_BB_LATE_MONTHS_SUM": 3, "BUREAU_BB_LATE_MONTHS_12M_SUM": 2,
            "BUREAU_BB_WORST_STATUS_MAX": 2, "BUREAU_BB_WORST_STATUS_MEAN": 2,
            "BUREAU_BB_LATE_SHARE_MEAN": 0.375, "BUREAU_BB_FIRST_MONTH_MIN": -20,
            "BUREAU_ACTIVE_BB_WORST_STATUS_MAX": 2, "BUREAU_CLOSED_BB_WORST_STATUS_MAX": None,
            "BUREAU_CREDIT_ACTIVE_ACTIVE_SHARE": 0.5, "BUREAU_CREDIT_TYPE_CREDIT_CARD_SHARE": 0.5,
            "BUREAU_CREDIT_TYPE_MORTGAGE_SHARE": 0.0,
        },
    )  # fmt: skip
    check(
        rows[2],
        {
            "BUREAU_COUNT": 1,
            "BUREAU_ACTIVE_COUNT": 0,
            "BUREAU_ACTIVE_AMT_CREDIT_SUM_SUM": None,
            "BUREAU_ACTIVE_SHARE": 0.0,
            "BUREAU_BB_MONTHS_SUM": None,
            "BUREAU_AMT_CREDIT_SUM_MAX": 10,
        },
    )
    check(
        rows[3],
        {
            "BUREAU_COUNT": 0, "BUREAU_ACTIVE_COUNT": 0, "BUREAU_CLOSED_COUNT": 0,
            "BUREAU_AMT_CREDIT_SUM_SUM": None, "BUREAU_ACTIVE_SHARE": None, "BUREAU_BB_MONTHS_SUM": None,
        },
    )  # fmt: skip


def test_previous_application() -> None:
    previous = frame(
        "previous_application",
        [
            {"SK_ID_PREV": 1, "SK_ID_CURR": 1, "NAME_CONTRACT_STATUS": "Approved",
             "NAME_CONTRACT_TYPE": "Cash loans", "AMT_APPLICATION": 1000.0, "AMT_CREDIT": 800.0,
             "AMT_ANNUITY": 100.0, "CNT_PAYMENT": 12.0, "DAYS_DECISION": -30},
            {"SK_ID_PREV": 2, "SK_ID_CURR": 1, "NAME_CONTRACT_STATUS": "Refused",
             "NAME_CONTRACT_TYPE": "Consumer loans", "AMT_APPLICATION": 500.0, "AMT_CREDIT": 500.0,
             "AMT_ANNUITY": 50.0, "CNT_PAYMENT": 12.0, "DAYS_DECISION": -10, "CODE_REJECT_REASON": "HC"},
            {"SK_ID_PREV": 3, "SK_ID_CURR": 1, "NAME_CONTRACT_STATUS": "Canceled",
             "NAME_CONTRACT_TYPE": "Cash loans", "AMT_APPLICATION": 200.0, "AMT_CREDIT": 0.0,
             "DAYS_DECISION": -400},
            {"SK_ID_PREV": 4, "SK_ID_CURR": 2, "NAME_CONTRACT_STATUS": "Refused",
             "AMT_APPLICATION": 70.0, "AMT_CREDIT": 70.0, "DAYS_DECISION": -5},
        ],
    )  # fmt: skip
    rows = features_of({"previous_application": previous}, 1, 2, 3)
    check(
        rows[1],
        {
            "PREV_COUNT": 3, "PREV_APPROVED_COUNT": 1, "PREV_REFUSED_COUNT": 1,
            "PREV_APPROVED_SHARE": 1 / 3, "PREV_REFUSED_SHARE": 1 / 3,
            "PREV_APP_CREDIT_RATIO_MEAN": 1.125, "PREV_APP_CREDIT_RATIO_MAX": 1.25,
            "PREV_CREDIT_APP_DIFF_MEAN": -400 / 3, "PREV_CREDIT_APP_DIFF_MIN": -200,
            "PREV_DAYS_DECISION_MAX": -10, "PREV_DAYS_DECISION_MIN": -400,
            "PREV_AMT_CREDIT_SUM": 1300, "PREV_APPROVED_AMT_CREDIT_SUM": 800,
            "PREV_REFUSED_AMT_APPLICATION_MEAN": 500, "PREV_APPROVED_DAYS_DECISION_MAX": -30,
            "PREV_INTEREST_SHARE_MEAN": 0.35, "PREV_PAYMENT_RATE_MEAN": 0.1125,
            "PREV_NAME_CONTRACT_TYPE_CASH_LOANS_SHARE": 2 / 3, "PREV_CODE_REJECT_REASON_HC_SHARE": 1 / 3,
        },
    )  # fmt: skip
    check(
        rows[2],
        {
            "PREV_COUNT": 1, "PREV_APPROVED_COUNT": 0, "PREV_APPROVED_SHARE": 0.0, "PREV_REFUSED_SHARE": 1.0,
            "PREV_APPROVED_AMT_CREDIT_MEAN": None, "PREV_DAYS_DECISION_MAX": -5,
        },
    )  # fmt: skip
    check(rows[3], {"PREV_COUNT": 0, "PREV_REFUSED_COUNT": 0, "PREV_REFUSED_SHARE": None})


def test_pos_cash_balance() -> None:
    pos = frame(
        "POS_CASH_balance",
        [
            {"SK_ID_PREV": 21, "SK_ID_CURR": 1, "MONTHS_BALANCE": -1, "CNT_INSTALMENT": 12.0,
             "CNT_INSTALMENT_FUTURE": 6.0, "NAME_CONTRACT_STATUS": "Active", "SK_DPD": 0, "SK_DPD_DEF": 0},
            {"SK_ID_PREV": 21, "SK_ID_CURR": 1, "MONTHS_BALANCE": -2, "CNT_INSTALMENT": 12.0,
             "CNT_INSTALMENT_FUTURE": 7.0, "NAME_CONTRACT_STATUS": "Active", "SK_DPD": 5, "SK_DPD_DEF": 0},
            {"SK_ID_PREV": 22, "SK_ID_CURR": 1, "MONTHS_BALANCE": -20, "CNT_INSTALMENT": 10.0,
             "CNT_INSTALMENT_FUTURE": 0.0, "NAME_CONTRACT_STATUS": "Completed", "SK_DPD": 40,
             "SK_DPD_DEF": 40},
            {"SK_ID_PREV": 23, "SK_ID_CURR": 2, "MONTHS_BALANCE": -30, "SK_DPD": 1, "SK_DPD_DEF": 0},
        ],
    )  # fmt: skip
    rows = features_of({"POS_CASH_balance": pos}, 1, 2, 3)
    check(
        rows[1],
        {
            "POS_COUNT": 3,
            "POS_MONTHS_BALANCE_MIN": -20, "POS_MONTHS_BALANCE_MAX": -1,
            "POS_SK_DPD_MAX": 40, "POS_SK_DPD_MEAN": 15, "POS_SK_DPD_SUM": 45,
            "POS_LATE_MEAN": 2 / 3, "POS_LATE_DEF_MEAN": 1 / 3,
            "POS_REMAINING_SHARE_MEAN": (0.5 + 7 / 12 + 0.0) / 3,
            "POS_NAME_CONTRACT_STATUS_ACTIVE_SHARE": 2 / 3, "POS_NAME_CONTRACT_STATUS_COMPLETED_SHARE": 1 / 3,
            "POS_LAST12M_COUNT": 2, "POS_LAST12M_SK_DPD_MAX": 5,
            "POS_LAST12M_LATE_MEAN": 0.5, "POS_LAST12M_LATE_DEF_MEAN": 0.0,
            "POS_LAST12M_CNT_INSTALMENT_FUTURE_MEAN": 6.5,
            "POS_LAST12M_NAME_CONTRACT_STATUS_ACTIVE_SHARE": 1.0,
        },
    )  # fmt: skip
    check(
        rows[2],
        {
            "POS_COUNT": 1, "POS_LAST12M_COUNT": 0,
            "POS_LAST12M_SK_DPD_MAX": None, "POS_NAME_CONTRACT_STATUS_ACTIVE_SHARE": 0.0,
        },
    )  # fmt: skip
    check(rows[3], {"POS_COUNT": 0, "POS_LAST12M_COUNT": 0, "POS_SK_DPD_MAX": None, "POS_LATE_MEAN": None})


def test_installments_payments() -> None:
    instalments = frame(
        "installments_payments",
        [
            {"SK_ID_PREV": 31, "SK_ID_CURR": 1, "NUM_INSTALMENT_NUMBER": 1, "DAYS_INSTALMENT": -100.0,
             "DAYS_ENTRY_PAYMENT": -95.0, "AMT_INSTALMENT": 100.0, "AMT_PAYMENT": 80.0},
            {"SK_ID_PREV": 31, "SK_ID_CURR": 1, "NUM_INSTALMENT_NUMBER": 2, "DAYS_INSTALMENT": -70.0,
             "DAYS_ENTRY_PAYMENT": -73.0, "AMT_INSTALMENT": 100.0, "AMT_PAYMENT": 100.0},
            {"SK_ID_PREV": 32, "SK_ID_CURR": 1, "NUM_INSTALMENT_NUMBER": 7, "DAYS_INSTALMENT": -500.0,
             "DAYS_ENTRY_PAYMENT": -460.0, "AMT_INSTALMENT": 200.0, "AMT_PAYMENT": 200.0},
            {"SK_ID_PREV": 32, "SK_ID_CURR": 1, "NUM_INSTALMENT_NUMBER": 8, "DAYS_INSTALMENT": -40.0,
             "AMT_INSTALMENT": 100.0},
        ],
    )  # fmt: skip
    rows = features_of({"installments_payments": instalments}, 1, 2)
    check(
        rows[1],
        {
            "INST_COUNT": 4, "INST_NUM_INSTALMENT_NUMBER_MAX": 8,
            "INST_DPD_MAX": 40, "INST_DPD_MEAN": 15, "INST_DPD_SUM": 45, "INST_DPD_STD": math.sqrt(475),
            "INST_DBD_MAX": 3, "INST_DBD_MEAN": 1, "INST_DBD_SUM": 3,
            "INST_PAYMENT_RATIO_MEAN": 2.8 / 3, "INST_PAYMENT_RATIO_MIN": 0.8, "INST_PAYMENT_RATIO_MAX": 1.0,
            "INST_PAYMENT_DIFF_SUM": 20, "INST_PAYMENT_DIFF_MAX": 20, "INST_PAYMENT_DIFF_MEAN": 20 / 3,
            "INST_LATE_MEAN": 2 / 3, "INST_LATE_SUM": 2, "INST_LATE_30_MEAN": 1 / 3,
            "INST_SHORT_MEAN": 1 / 3, "INST_SHORT_SUM": 1,
            "INST_AMT_INSTALMENT_SUM": 500, "INST_AMT_PAYMENT_SUM": 380, "INST_AMT_PAYMENT_MIN": 80,
            "INST_DAYS_INSTALMENT_MIN": -500, "INST_DAYS_INSTALMENT_MAX": -40,
            "INST_LAST12M_COUNT": 3, "INST_LAST12M_DPD_MAX": 5, "INST_LAST12M_DPD_MEAN": 2.5,
            "INST_LAST12M_DPD_SUM": 5, "INST_LAST12M_LATE_MEAN": 0.5, "INST_LAST12M_SHORT_MEAN": 0.5,
            "INST_LAST12M_AMT_INSTALMENT_SUM": 300, "INST_LAST12M_AMT_PAYMENT_SUM": 180,
            "INST_LAST12M_PAYMENT_DIFF_SUM": 20,
        },
    )  # fmt: skip
    check(rows[2], {"INST_COUNT": 0, "INST_LAST12M_COUNT": 0, "INST_DPD_MEAN": None, "INST_LATE_MEAN": None})


def test_credit_card_balance() -> None:
    cards = frame(
        "credit_card_balance",
        [
            {"SK_ID_PREV": 41, "SK_ID_CURR": 1, "MONTHS_BALANCE": -1, "AMT_BALANCE": 500.0,
             "AMT_CREDIT_LIMIT_ACTUAL": 1000, "AMT_DRAWINGS_CURRENT": 200.0, "AMT_INST_MIN_REGULARITY": 50.0,
             "AMT_PAYMENT_TOTAL_CURRENT": 100.0, "SK_DPD": 0, "NAME_CONTRACT_STATUS": "Active"},
            {"SK_ID_PREV": 41, "SK_ID_CURR": 1, "MONTHS_BALANCE": -2, "AMT_BALANCE": 900.0,
             "AMT_CREDIT_LIMIT_ACTUAL": 1000, "AMT_DRAWINGS_CURRENT": 0.0, "AMT_INST_MIN_REGULARITY": 50.0,
             "AMT_PAYMENT_TOTAL_CURRENT": 20.0, "SK_DPD": 3, "NAME_CONTRACT_STATUS": "Active"},
            {"SK_ID_PREV": 42, "SK_ID_CURR": 1, "MONTHS_BALANCE": -24, "AMT_BALANCE": 0.0,
             "AMT_CREDIT_LIMIT_ACTUAL": 0, "AMT_DRAWINGS_CURRENT": 0.0, "AMT_INST_MIN_REGULARITY": 0.0,
             "AMT_PAYMENT_TOTAL_CURRENT": 0.0, "SK_DPD": 0, "NAME_CONTRACT_STATUS": "Completed"},
        ],
    )  # fmt: skip
    rows = features_of({"credit_card_balance": cards}, 1, 2)
    check(
        rows[1],
        {
            "CC_COUNT": 3, "CC_SK_ID_PREV_DISTINCT": 2, "CC_MONTHS_BALANCE_MIN": -24,
            "CC_AMT_BALANCE_MEAN": 1400 / 3, "CC_AMT_BALANCE_MAX": 900,
            "CC_UTILISATION_MEAN": 0.7, "CC_UTILISATION_MAX": 0.9,
            "CC_PAYMENT_MIN_RATIO_MEAN": 1.2, "CC_PAYMENT_MIN_RATIO_MIN": 0.4,
            "CC_DRAWINGS_LIMIT_RATIO_MEAN": 0.1, "CC_LATE_MEAN": 1 / 3, "CC_BELOW_MIN_MEAN": 1 / 3,
            "CC_NAME_CONTRACT_STATUS_ACTIVE_SHARE": 2 / 3,
            "CC_LAST12M_COUNT": 2, "CC_LAST12M_AMT_BALANCE_MEAN": 700, "CC_LAST12M_UTILISATION_MEAN": 0.7,
            "CC_LAST12M_LATE_MEAN": 0.5, "CC_LAST12M_BELOW_MIN_MEAN": 0.5, "CC_LAST12M_SK_DPD_MAX": 3,
        },
    )  # fmt: skip
    check(rows[2], {"CC_COUNT": 0, "CC_SK_ID_PREV_DISTINCT": 0, "CC_UTILISATION_MEAN": None})


def test_unknown_levels_count_in_no_share() -> None:
    bureau = frame(
        "bureau",
        [
            {"SK_ID_CURR": 1, "SK_ID_BUREAU": 1, "CREDIT_ACTIVE": "Active", "CREDIT_TYPE": "Space loan"},
            {"SK_ID_CURR": 1, "SK_ID_BUREAU": 2, "CREDIT_ACTIVE": "Active", "CREDIT_TYPE": "Mortgage"},
        ],
    )
    row = features_of({"bureau": bureau}, 1)[1]
    type_shares = [v for k, v in row.items() if k.startswith("BUREAU_CREDIT_TYPE_")]
    assert sum(type_shares) == pytest.approx(0.5)
    assert row["BUREAU_CREDIT_TYPE_MORTGAGE_SHARE"] == pytest.approx(0.5)
