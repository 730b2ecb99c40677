"""Model page: probability quality, candidates with mean ± std, champion against challenger, points."""

from __future__ import annotations

from api.schemas.model import ModelOut
from dashboard import model_text
from dashboard.components.model_quality import candidates_section, comparison_section, probability_facts
from dashboard.figures import model as model_figures
from tests.dashboard.test_pages import texts
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
            {
                "feature": "EXT_SOURCE_3",
                "label": "External score 3",
                "bin": "[-inf, 0.2)",
                "clients": 344,
                "default_rate": 0.24,
                "points": 10.0,
            },
            {
                "feature": "EXT_SOURCE_3",
                "label": "External score 3",
                "bin": "missing",
                "clients": 50,
                "default_rate": 0.1,
                "points": 31.5,
            },
        ],
    },
)


def test_candidates_chart_marks_the_selected_one_with_its_spread() -> None:
    fig = model_figures.candidates(ROWS)
    trace = fig.data[0]
    assert list(trace.x) == [0.75, 0.76] and list(trace.error_x.array) == [0.003, 0.002]
    assert list(trace.marker.symbol) == ["circle", "diamond"]
    assert "LightGBM (selected)" in trace.y[1]
    summary = model_text.candidates_summary(ROWS, MODEL["selection_rule"])
    assert (
        "Selected: LightGBM (AUC 0.7600 ± 0.0020)" in summary and "within one standard deviation" in summary
    )


def test_candidates_section_shows_mean_and_std_and_the_lean_feature_set() -> None:
    words = texts(candidates_section(MODEL))
    assert "0.7600 ± 0.0020" in words and "495.0 ± 3.0" in words and "0.0050 ± 0.0010" in words
    assert "120 of 605 kept" in words and "\u2714 selected" in words


def test_champion_and_challenger_side_by_side_with_the_points() -> None:
    words = texts(comparison_section(MODEL))
    assert "champion (in service)" in words and "challenger" in words
    assert "0.650" in words and "0.660" in words and "120" in words and "20" in words
    assert "[-inf, 0.2)" in words and "+31.5" in words
    without = texts(comparison_section({**MODEL, "scorecard": None}))
    assert "No scorecard in this training run." in without


def test_probability_facts() -> None:
    calibration = {
        "brier": 0.0653,
        "log_loss": 0.239,
        "ece": 0.0045,
        "mean_pd": 0.0788,
        "observed_rate": 0.0772,
    }
    words = texts(probability_facts(calibration))
    assert "0.0653" in words and "0.2390" in words and "0.0045" in words
    assert "7.88%" in words and "7.72%" in words
