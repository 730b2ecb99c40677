"""Model page: the card's figures, candidates with mean ± std and their roles, points in readable units."""

from __future__ import annotations

from api.schemas.model import ModelOut
from dashboard import model_text
from dashboard.components.model_quality import (
    bin_text,
    candidates_section,
    card_facts,
    points_section,
    points_table,
)
from tests.support.components import texts
from tests.support.payloads import checked

ROWS = [
    {
        "candidate": "scorecard",
        "auc": 0.75,
        "auc_std": 0.003,
        "cost_per_1000": 500.0,
        "cost_per_1000_std": 4.0,
        "ece": 0.006,
        "ece_std": 0.001,
        "calibration": "platt",
        "selected": False,
    },
    {
        "candidate": "LightGBM",
        "auc": 0.76,
        "auc_std": 0.002,
        "cost_per_1000": 495.0,
        "cost_per_1000_std": 3.0,
        "ece": 0.005,
        "ece_std": 0.001,
        "calibration": "isotonic",
        "selected": True,
    },
]
POINT = {"members": [], "unit": None, "low": None, "high": None, "levels": None, "missing": False}
MODEL = checked(
    ModelOut,
    {
        "version": "20261127T034232Z-0796769f",
        "created_at": "2026-11-27T03:42:32+00:00",
        "kind": "lightgbm",
        "candidate": "LightGBM",
        "threshold": 0.1,
        "cost": {"mode": "count", "w_fn": 10.0, "w_fp": 1.0, "loss_given_default": 1.0, "unit": "cost units"},
        "features": [
            {"name": f"F{i}", "label": f"Feature {i}", "kind": "numeric", "levels": []} for i in range(120)
        ],
        "clients": 300,
        "base_value": -2.4,
        "base_probability": 0.08,
        "cv_metrics": {"auc": 0.76, "auc_std": 0.002, "cost_vs_accept_all": 0.65, "ece": 0.005},
        "calibration": None,
        "monotone": None,
        "expected_profit_per_1000": None,
        "profit": None,
        "strategy": None,
        "candidates": ROWS,
        "selection_rule": "simplest eligible candidate whose mean AUC is within one standard deviation",
        "feature_selection": {"n_selected": 120, "n_input": 605, "selected_auc": 0.757, "full_auc": 0.756},
        "challenger": {
            "candidate": "scorecard",
            "n_features": 20,
            "auc": 0.75,
            "auc_std": 0.003,
            "cost_vs_accept_all": 0.66,
            "ece": 0.006,
        },
        "scorecard": [
            {**POINT, **row}
            for row in (
                {
                    "feature": "APP_AGE_YEARS",
                    "members": ["APP_DAYS_BIRTH", "APP_AGE_YEARS"],
                    "label": "Age (years)",
                    "unit": "years",
                    "bin": "[-inf, 63.117)",
                    "high": 63.117,
                    "clients": None,
                    "default_rate": None,
                    "points": 18.6,
                },
                {
                    "feature": "APP_AMT_CREDIT",
                    "label": "Credit amount",
                    "unit": "currency",
                    "bin": "[250000, inf)",
                    "low": 250000.0,
                    "clients": 344,
                    "default_rate": 0.24,
                    "points": 10.0,
                },
                {
                    "feature": "EXT_SOURCE_3",
                    "label": "External score 3",
                    "bin": "missing",
                    "missing": True,
                    "clients": 50,
                    "default_rate": 0.1,
                    "points": 31.5,
                },
            )
        ],
    },
)


def test_candidates_summary_names_the_selected_one_with_its_spread() -> None:
    summary = model_text.candidates_summary(ROWS, MODEL["selection_rule"])
    assert (
        "Selected: LightGBM (AUC 0.7600 ± 0.0020)" in summary and "within one standard deviation" in summary
    )


def test_candidates_section_shows_mean_and_std_roles_and_the_lean_feature_set() -> None:
    words = texts(candidates_section(MODEL))
    assert "0.7600 ± 0.0020" in words and "495.0 ± 3.0" in words and "0.0050 ± 0.0010" in words
    assert "120 of 605 kept" in words
    assert "\u2714 champion (in service)" in words and "challenger" in words
    assert "mean ± standard deviation across the repeats" in words


def test_points_in_readable_units_with_age_once() -> None:
    words = texts(points_table(MODEL))
    assert "under 63.1 years" in words and "-inf" not in words and "63.117" not in words
    assert "€250,000 or more" in words and "+31.5" in words
    section = texts(points_section(MODEL))
    assert (
        "shown once" in section and "Show the points table (3 bins)" in section
    )  # the table itself on demand
    assert "No scorecard in this training run." in texts(points_section({**MODEL, "scorecard": None}))
    assert bin_text({"feature": "X", "levels": ["Higher", "Lower"]}) == "Higher, Lower"
    low_high = {"feature": "APP_AGE_YEARS", "unit": "years", "low": 25.0, "high": 30.5}
    assert bin_text(low_high) == "25.0 years to under 30.5 years"


def test_card_facts_come_from_the_performance_document() -> None:
    performance = {
        "confusion": {"tp": 30, "fn": 10, "fp": 60, "tn": 900},
        "roc": {"auc": 0.771, "fpr": [], "tpr": []},
        "calibration": {
            "brier": 0.0653,
            "log_loss": 0.239,
            "ece": 0.0045,
            "mean_pd": 0.0788,
            "observed_rate": 0.0772,
        },
    }
    words = texts(card_facts(performance))
    assert "AUC 0.771" in words and "Approval rate 91.0%" in words and "Defaulters refused 75.0%" in words
    assert "0.0653" in words and "0.2390" in words and "0.0045" in words
    assert "7.88%" in words and "7.72%" in words
