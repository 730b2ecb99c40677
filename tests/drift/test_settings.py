"""Settings, time parsing and the alert rule: invalid input gives a clear DriftError."""

from __future__ import annotations

from datetime import datetime

import pytest
from typer.testing import CliRunner

from scoring.cli import app
from scoring.drift.alert import alert_reasons
from scoring.drift.errors import DriftError, InsufficientData
from scoring.drift.log import parse_time
from scoring.drift.settings import DriftSettings


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"top_features": 0}, "--features should be greater than or equal to 1, got 0"),
        ({"auc_drop": 1.0}, "--auc-drop should be less than 1"),
        ({"seed": -1}, "--seed should be greater than or equal to 0"),
        ({"drift_share": 0.0}, "--drift-share"),
        ({"drift_share": 1.5}, "--drift-share"),
        ({"num_threshold": -0.1}, "--num-threshold"),
        ({"reference_rows": 1}, "--reference-rows"),
        ({"min_rows": 0}, "--min-rows"),
        ({"num_method": "no-such-test"}, "No stattest found"),
        ({"cat_method": "wasserstein"}, "isn't applicable"),
    ],
)
def test_invalid_settings_are_refused(kwargs: dict, message: str) -> None:
    with pytest.raises(DriftError, match=message):
        DriftSettings(**kwargs)


def test_the_cli_names_the_invalid_option_without_a_traceback() -> None:
    result = CliRunner().invoke(app, ["drift", "--features", "0"])
    assert result.exit_code == 2
    assert "--features should be greater than or equal to 1, got 0" in result.output
    assert "Traceback" not in result.output


def test_valid_methods_are_accepted() -> None:
    settings = DriftSettings(num_method="psi", cat_method="chisquare", num_threshold=0.2)
    assert settings.to_dict()["num_method"] == "psi"


def test_times_are_read_as_naive_utc() -> None:
    assert parse_time("2026-01-31", "--since") == datetime(2026, 1, 31)
    assert parse_time("2026-01-31T12:00:00+02:00", "--since") == datetime(2026, 1, 31, 10)
    assert parse_time(None, "--since") is None
    with pytest.raises(DriftError, match="--until 'yesterday'"):
        parse_time("yesterday", "--until")


def _prediction(probability: bool = False, decision: bool = False) -> dict:
    test = {"method": "Wasserstein distance (normed)", "score": 0.2, "threshold": 0.1}
    return {"probability": {**test, "drifted": probability}, "decision": {**test, "drifted": decision}}


def test_alert_on_share_reaching_the_threshold_or_on_prediction_drift() -> None:
    assert alert_reasons(0.29, 0.3, _prediction()) == []
    assert alert_reasons(0.3, 0.3, _prediction())[0].startswith("share of drifted features 0.30")
    assert "prediction drift: probability" in alert_reasons(0.0, 0.3, _prediction(probability=True))[0]
    assert "prediction drift: decision" in alert_reasons(0.0, 0.3, _prediction(decision=True))[0]


def test_insufficient_data_names_the_counts() -> None:
    error = InsufficientData(12, 100, "the log window")
    assert "insufficient data: 12 row(s) in the log window, at least 100 needed" in str(error)
