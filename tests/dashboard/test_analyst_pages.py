"""The analysts' page helpers without a browser: similar clients' feature choices, operations totals, the
drift summary, the fairness table."""

from __future__ import annotations

from datetime import UTC, datetime

from dashboard.i18n import ENGLISH
from tests.support.components import texts


def test_similar_feature_choices_follow_importance() -> None:
    from dashboard.pages.similar import feature_choices

    model = {
        "features": [
            {"name": "C", "label": "c", "kind": "categorical"},
            {"name": "N1", "label": "n1", "kind": "numeric"},
            {"name": "N2", "label": "n2", "kind": "numeric"},
        ]
    }
    importance = [{"feature": "C"}, {"feature": "N2"}, {"feature": "N1"}]
    options, first, numeric, x, y = feature_choices(model, importance, ["N1"])
    assert [o["value"] for o in options] == ["C", "N2", "N1"]
    assert first == "N1"
    assert [o["value"] for o in numeric] == ["N2", "N1"] and (x, y) == ("N2", "N1")


def test_operations_window_and_totals() -> None:
    from dashboard.operations_text import totals
    from dashboard.periods import window

    since, until, bucket = window("1h", datetime(2026, 1, 1, 12, tzinfo=UTC))
    assert (since, until, bucket) == ("2026-01-01T11:00:00+00:00", "2026-01-01T12:00:00+00:00", "5m")
    rows = dict(
        totals(
            [
                {
                    "requests": 10,
                    "errors": {"500": 1, "404": 2},
                    "scores": 4,
                    "refusal_rate": 0.25,
                    "latency_ms_p95": 12.0,
                },
                {"requests": 10, "errors": {}, "scores": 0, "refusal_rate": None, "latency_ms_p95": None},
            ]
        )
    )
    assert rows == {
        "Requests": "20",
        "Service errors (5xx)": "1 (5.0%)",  # the unknown client IDs (404) are not the service's errors
        "Requests refused (4xx)": "2 (10.0%)",
        "Scores given": "4",
        "Refusal rate": "25.0%",
        "Slowest 95th percentile": "12 ms",
    }


def test_drift_summary_view() -> None:
    from dashboard.pages.drift import report_label, summary_view

    summary = {
        "reference": {"description": "training"},
        "current": {"description": "test"},
        "features_checked": 20,
        "drifted_count": 1,
        "share_drifted": 0.05,
        "dataset_drift": False,
        "drifted_features": [
            {"feature": "F", "label": "Feature F", "method": "psi", "score": 0.3, "threshold": 0.1}
        ],
        "prediction_drift": {
            "drifted": True,
            "probability": {"reference_mean": 0.08, "current_mean": 0.12},
            "decision": {"reference_refusal_rate": 0.2, "current_refusal_rate": 0.3},
        },
        "alerts": ["prediction drift"],
    }
    words = texts(summary_view(summary))
    assert "1 of 20 (5%)" in words
    assert "\u26a0 detected \u2014 mean risk 8.0% \u2192 12.0%" in words
    assert "Feature F" in words
    entry = {"name": "20260101T000000Z_train_vs_test", "created_at": "2026-01-01T00:00:00"}
    assert (
        report_label(entry)
        == "Jan 1, 2026, 00:00 \u2014 training clients against new applications without an outcome"
    )


def test_fairness_table_flags_groups_in_words() -> None:
    from dashboard.components.fairness import fairness_table

    rows = [
        {
            "attribute": "age band",
            "group": "< 30",
            "n": 10,
            "approval_rate": 0.5,
            "approval_ratio": 0.6,
            "flagged": True,
        },
        {
            "attribute": "age band",
            "group": "30-39",
            "n": 10,
            "approval_rate": 0.8,
            "approval_ratio": 1.0,
            "flagged": False,
        },
    ]
    words = texts(fairness_table(rows, ENGLISH))
    assert "1 group has an approval rate below 0.8" in words
    assert "\u26a0 below 0.8: review" in words and "\u2714 ok" in words
    tiny = {
        "attribute": "CODE_GENDER",
        "group": "missing",
        "n": 1,
        "approval_rate": 0.0,
        "approval_ratio": 0.0,
    }
    words = texts(fairness_table([{**tiny, "flagged": False, "judged": False}], ENGLISH, 30))
    assert "too few to judge" in words and "\u2714 ok" not in words and "0.00" not in words
    assert "fewer than 30 clients is too few to judge" in words
