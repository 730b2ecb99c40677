"""Current data from the prediction log: a time window of real applicants, read with SQLAlchemy."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import Engine

from scoring.drift.errors import DriftError
from scoring.drift.log import log_sample
from scoring.drift.reference import ID, read_split
from scoring.drift.sample import PROBABILITY, REFUSED
from scoring.drift.watched_features import top_features
from scoring.home import Paths
from scoring.modeling.bundle import Bundle
from scoring.serving.log_privacy import LogVector, identifiers
from scoring.serving.prediction_log import client_hash, encode_features, open_log, predictions, register_model
from tests.drift.helpers import newest_summary, run_cli

pytestmark = pytest.mark.slow  # a trained home and Evidently reports

JANUARY = datetime(2026, 1, 10, 12)
SALT = b"test-salt"


def log_scores(
    engine: Engine,
    bundle: Bundle,
    features_path: Path,
    rows: slice,
    when: datetime,
    kind: str,
    vector: LogVector | None = None,
) -> None:
    """Score application_test clients with the bundle and log them (the whole input, or as the API does)."""
    test = read_split(features_path, "test")[rows]
    X = bundle.matrix(test)
    probability = bundle.predict_proba(X)
    records = [
        {
            "created_at": when + timedelta(seconds=i),
            "request_id": f"r{i}",
            "kind": kind,
            "model_version": bundle.version,
            "client_hash": client_hash(int(client), SALT),
            "features": encode_features(X[i]) if vector is None else vector.encode(X[i]),
            "probability": float(probability[i]),
            "decision": "refuse" if probability[i] >= bundle.threshold else "accept",
            "threshold": bundle.threshold,
            "latency_ms": 1.0,
        }
        for i, client in enumerate(test[ID].to_list())
    ]
    with engine.begin() as conn:
        conn.execute(predictions.insert(), records)


@pytest.fixture(scope="module")
def log_url(tmp_path_factory: pytest.TempPathFactory, drift_home: Paths, bundle: Bundle) -> str:
    """150 clients scored in January (10 of them twice), what-if simulations, older and later scores."""
    url = f"sqlite:///{tmp_path_factory.mktemp('log') / 'predictions.db'}"
    engine = open_log(url)
    register_model(engine, bundle.version, bundle.feature_names)
    features = drift_home.features
    log_scores(engine, bundle, features, slice(0, 150), JANUARY, "client")
    log_scores(engine, bundle, features, slice(0, 10), JANUARY + timedelta(days=1), "application")
    log_scores(engine, bundle, features, slice(150, 190), JANUARY + timedelta(days=2), "what-if")
    log_scores(engine, bundle, features, slice(190, 230), datetime(2025, 12, 1), "client")
    log_scores(engine, bundle, features, slice(230, 235), datetime(2026, 3, 1), "client")
    engine.dispose()
    return url


def test_a_window_keeps_applicants_once_with_their_latest_score(log_url: str, bundle: Bundle) -> None:
    features = top_features(bundle, 5)
    sample = log_sample(log_url, features, datetime(2026, 1, 1), datetime(2026, 2, 1))
    assert sample.rows == 150 and sample.details["logged_rows"] == 150 + 10 + 40
    assert sample.details["model_versions"] == [bundle.version]
    sample.check_columns([f.name for f in features])
    assert sample.frame[PROBABILITY].is_between(0, 1).all()
    assert sample.frame[REFUSED].sum() == (sample.frame[PROBABILITY] >= bundle.threshold).sum()
    assert log_sample(log_url, features, since=datetime(2026, 2, 1)).rows == 5
    assert log_sample(log_url, features).rows == 150 + 40 + 5


def test_a_log_window_gives_a_report(drift_home: Paths, log_url: str) -> None:
    args = ["--current", "log", "--since", "2026-01-01", "--until", "2026-02-01", "--database-url", log_url]
    code, output = run_cli(drift_home, *args, "--features", "10", "--min-rows", "100")
    assert code in (0, 3), output
    summary = newest_summary(drift_home)
    assert summary["name"].endswith("_train_vs_log")
    assert summary["current"]["rows"] == 150 and summary["current"]["since"] == "2026-01-01T00:00:00"
    assert summary["current"]["labelled"] is False and summary["target_drift"] is None
    assert summary["features_checked"] == 10
    assert (code == 3) == summary["drift_detected"]


def test_a_log_written_as_the_api_writes_it_gives_a_report(
    drift_home: Paths, bundle: Bundle, tmp_path: Path
) -> None:
    """The API stores the top features without identifiers: drift on the log checks those."""
    url = f"sqlite:///{tmp_path / 'api.db'}"
    engine = open_log(url)
    vector = LogVector.for_model(bundle.feature_names, bundle.importance())
    register_model(engine, bundle.version, vector.names)
    log_scores(engine, bundle, drift_home.features, slice(0, 150), JANUARY, "client", vector)
    engine.dispose()
    code, output = run_cli(drift_home, "--current", "log", "--database-url", url, "--min-rows", "100")
    assert code in (0, 3), output
    summary = newest_summary(drift_home)
    checked = summary["features_checked"]
    assert checked == min(50, len(bundle.feature_names) - len(identifiers() & set(bundle.feature_names)))
    assert not {d["feature"] for d in summary["drifted_features"]} & identifiers()


def _reports(home: Paths) -> set[Path]:
    return set((home.reports / "drift").glob("*"))


def test_too_few_rows_are_insufficient_data_not_an_alarm(drift_home: Paths, log_url: str) -> None:
    before = _reports(drift_home)
    args = ["--current", "log", "--since", "2026-02-01", "--database-url", log_url]
    code, output = run_cli(drift_home, *args)
    assert code == 0
    assert output.startswith("insufficient data: 5 row(s)") and "at least 100 needed" in output
    assert _reports(drift_home) == before


def test_an_empty_window_is_insufficient_data(drift_home: Paths, log_url: str) -> None:
    args = ["--current", "log", "--since", "2030-01-01", "--database-url", log_url]
    code, output = run_cli(drift_home, *args)
    assert code == 0 and output.startswith("insufficient data: 0 row(s)")


def test_a_log_of_another_model_is_a_schema_error(drift_home: Paths, bundle: Bundle, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'other.db'}"
    engine = open_log(url)
    register_model(engine, "other", ["X1", "X2"])
    row = {
        "request_id": "r",
        "kind": "client",
        "model_version": "other",
        "client_hash": None,
        "features": encode_features(np.array([1.0, 2.0])),
        "probability": 0.2,
        "decision": "accept",
        "threshold": 0.5,
        "latency_ms": 1.0,
    }
    with engine.begin() as conn:
        rows = [{**row, "created_at": JANUARY + timedelta(minutes=i)} for i in range(120)]
        conn.execute(predictions.insert(), rows)
    engine.dispose()
    code, output = run_cli(drift_home, "--current", "log", "--database-url", url, "--features", "3")
    assert code == 2
    assert "3 column(s) the comparison needs are missing" in output
    assert top_features(bundle, 1, exclude=identifiers())[0].name in output and "Traceback" not in output


def test_a_missing_log_is_a_clear_error(bundle: Bundle, tmp_path: Path) -> None:
    with pytest.raises(DriftError, match="not found: no API has logged predictions there yet"):
        log_sample(f"sqlite:///{tmp_path / 'absent.db'}", top_features(bundle, 3))
    with pytest.raises(DriftError, match="must be before"):
        log_sample("sqlite://", top_features(bundle, 3), datetime(2026, 2, 1), datetime(2026, 1, 1))
