"""Outcomes: the labels file checked row by row, loaded by hashed ID, joined to the log by monthly cohort."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine
from typer.testing import CliRunner

from api.main import create_app
from scoring.cli import app
from scoring.home import Paths
from scoring.modeling.metrics import safe_auc
from scoring.monitoring.labels import LabelsError, load_labels, parse_labels
from scoring.monitoring.outcomes import outcome_cohorts
from tests.api.conftest import make_settings
from tests.monitoring.conftest import SALT, Season, log_season

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "labels.csv"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SK_ID_CURR,TARGET\n1,0\n", "column(s) missing: DATE_KNOWN"),
        ("SK_ID_CURR,TARGET,DATE_KNOWN\n", "no rows after the header"),
        ("SK_ID_CURR,TARGET,DATE_KNOWN\n1,0,2025-01-01\n2,1,2025-01-01\n3,2,2025-01-01\n", "column TARGET"),
        ("SK_ID_CURR,TARGET,DATE_KNOWN\n1,0,2025-01-01\nx7,1,2025-01-01\n", "column SK_ID_CURR"),
        ("SK_ID_CURR,TARGET,DATE_KNOWN\n1,0,2025-01-01\n1,1,2025-02-01\n", "repeated"),
        ("SK_ID_CURR,TARGET,DATE_KNOWN\n1,0,2025-13-01\n", "not an ISO date"),
        ("SK_ID_CURR,TARGET,DATE_KNOWN\n1,0,2027-01-01\n", "in the future"),
    ],
)
def test_bad_files_are_refused_naming_file_column_and_row(tmp_path: Path, text: str, expected: str) -> None:
    path = _csv(tmp_path, text)
    with pytest.raises(LabelsError) as error:
        parse_labels(path, NOW)
    message = str(error.value)
    assert str(path) in message and expected in message
    if "column TARGET" in expected:
        assert "row 3: '2'" in message
    if "SK_ID_CURR" in expected:
        assert "row 2: 'x7'" in message


def test_dates_and_times_are_read_as_utc(tmp_path: Path) -> None:
    path = _csv(tmp_path, "SK_ID_CURR,TARGET,DATE_KNOWN\n 5 ,1,2025-03-04\n6,0,2025-03-04T10:30:00+02:00\n")
    parsed = parse_labels(path, NOW)
    assert parsed["SK_ID_CURR"].to_list() == [5, 6]
    assert parsed["DATE_KNOWN"].to_list() == [datetime(2025, 3, 4), datetime(2025, 3, 4, 8, 30)]


def test_cli_loads_and_reports_errors(monitoring_home: Paths, tmp_path: Path) -> None:
    env = {
        "SCORING_HOME": str(monitoring_home.home),
        "SCORING_DATABASE_URL": f"sqlite:///{tmp_path / 'log.db'}",
        "SCORING_LOG_SALT": SALT,
    }
    bad = _csv(tmp_path, "SK_ID_CURR,TARGET,DATE_KNOWN\n1,yes,2025-01-01\n")
    result = CliRunner().invoke(app, ["labels", "--file", str(bad)], env=env)
    assert result.exit_code == 2 and "column TARGET" in result.output and "Traceback" not in result.output
    good = tmp_path / "good.csv"
    good.write_text("SK_ID_CURR,TARGET,DATE_KNOWN\n1,1,2025-01-01\n2,0,2025-01-01\n")
    result = CliRunner().invoke(app, ["labels", "--file", str(good)], env=env)
    assert result.exit_code == 0 and "2 outcome(s) loaded (1 defaults, 0 replacing" in result.output
    again = CliRunner().invoke(app, ["labels", "--file", str(good)], env=env)
    assert "2 replacing an earlier outcome" in again.output


@pytest.fixture(scope="module")
def season_log(monitoring_home: Paths, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Season]:
    out = tmp_path_factory.mktemp("season")
    url = f"sqlite:///{out / 'log.db'}"
    season = log_season(monitoring_home, url, out)
    engine = create_engine(url)
    load_labels(season.labels_csv, engine, SALT.encode())
    engine.dispose()
    return url, season


def test_cohorts_match_the_season(season_log: tuple[str, Season]) -> None:
    url, season = season_log
    result = outcome_cohorts(create_engine(url))
    frame = season.frame.with_columns(pl.col("created_at").dt.strftime("%Y-%m").alias("cohort"))
    assert [c["cohort"] for c in result["cohorts"]] == [f"2024-0{m}" for m in range(1, 7)]
    assert result["labelled"] == result["applicants"] == season.frame.height
    for cohort in result["cohorts"]:
        month = frame.filter(pl.col("cohort") == cohort["cohort"])
        assert cohort["labelled"] == cohort["applicants"] == month.height
        assert cohort["default_rate"] == pytest.approx(month["TARGET"].mean())
        assert cohort["mean_probability"] == pytest.approx(month["probability"].mean())
        assert cohort["auc"] == pytest.approx(
            safe_auc(month["TARGET"].to_numpy(), month["probability"].to_numpy())
        )


def test_outcomes_route(monitoring_home: Paths, season_log: tuple[str, Season]) -> None:
    url, season = season_log
    settings = make_settings(  # the season is of 2024: retention must not purge it
        monitoring_home.home, Path(url.removeprefix("sqlite:///")), log_salt=SALT, log_retention_days=0
    )
    with TestClient(create_app(settings)) as client:
        body = client.get("/api/v1/monitoring/outcomes", params={"since": "2024-03-01T00:00:00Z"}).json()
        assert [c["cohort"] for c in body["cohorts"]] == ["2024-03", "2024-04", "2024-05", "2024-06"]
        expected = season.frame.filter(pl.col("created_at") >= datetime(2024, 3, 1))
        assert body["labelled"] == expected.height
        assert body["default_rate"] == pytest.approx(expected["TARGET"].mean())
        assert client.get("/api/v1/monitoring/outcomes", params={"since": "soon"}).status_code == 422
