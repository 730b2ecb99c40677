"""On a small labelled home whose recent outcomes default at PD x 1.6: the vintage table matches a direct
count, the calibration watch flags the shift, and the recalibration goes through the challenger path only."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import UTC, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from sqlalchemy import Engine, create_engine
from typer.testing import CliRunner

from scoring.cli import app
from scoring.home import Paths
from scoring.modeling.bundle import champion_version, load_bundle
from scoring.monitoring.calibration_watch import calibration_watch
from scoring.monitoring.challenger import PromotionRule
from scoring.monitoring.history import KEPT, PROMOTED, read_history
from scoring.monitoring.labelled import retrain_data
from scoring.monitoring.labels import load_labels
from scoring.monitoring.outcomes import labelled_scores
from scoring.monitoring.recalibrate import SUFFIX, recalibrate
from scoring.monitoring.retrain import RetrainRequest
from scoring.monitoring.scheduler import MonitoringJobs
from scoring.monitoring.settings import MonitoringSettings
from scoring.monitoring.vintages import vintage_table
from scoring.offer.pricing import Pricer
from tests.monitoring.conftest import DAYS, FIRST_DAY, SALT, copy_home, log_season
from tests.monitoring.webhook import Receiver
from tests.support.home import SMALL_HOME_TRAINING

FACTOR = 1.6
SHIFTED_DAYS = 90  # the last 90 days of the season default at PD x FACTOR
LENIENT = PromotionRule(auc_margin=1.0, cost_margin=-10.0, ece_tolerance=1.0, fairness_tolerance=1.0)
STRICT_COST = PromotionRule(cost_margin=0.99)


@pytest.fixture(scope="module")
def home(
    monitoring_home: Paths, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Paths, Engine, pl.DataFrame]:
    """A copy of the monitoring home with a season in its log whose outcomes are drawn at PD (x FACTOR for
    the last SHIFTED_DAYS days); returns the season with its drawn TARGET."""
    paths = Paths(tmp_path_factory.mktemp("recalibrate") / "home")
    copy_home(monitoring_home.home, paths.home)
    url = f"sqlite:///{paths.home / 'log.db'}"
    season = log_season(paths, url, paths.home / "season", seed=31)
    rng = np.random.default_rng(31)
    late = season.frame["created_at"] >= FIRST_DAY + timedelta(days=DAYS - SHIFTED_DAYS)
    p = season.frame["probability"].to_numpy() * np.where(late.to_numpy(), FACTOR, 1.0)
    frame = season.frame.with_columns(pl.Series("TARGET", (rng.random(len(p)) < p).astype(np.int8)))
    csv = paths.home / "drawn.csv"
    frame.select(
        "SK_ID_CURR",
        "TARGET",
        (pl.col("created_at") + pl.duration(days=400)).dt.date().cast(pl.String).alias("DATE_KNOWN"),
    ).write_csv(csv)
    engine = create_engine(url)
    load_labels(csv, engine, SALT.encode())
    return paths, engine, frame


def _request(paths: Paths, engine: Engine, rule: PromotionRule) -> RetrainRequest:
    return RetrainRequest(paths, engine, SALT.encode(), SHIFTED_DAYS, 200, 10, rule, SMALL_HOME_TRAINING)


def _digests(directory: Path) -> dict[str, str]:
    """The bundle's files (its `serving/` folder is the serving cache, derived, written when it is loaded)."""
    files = [f for f in sorted(directory.iterdir()) if f.is_file()]
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in files}


def test_the_vintage_table_matches_a_direct_count(home: tuple[Paths, Engine, pl.DataFrame]) -> None:
    _paths, engine, season = home
    rows = vintage_table(labelled_scores(engine))
    pricer = Pricer()
    direct = (
        season.with_columns(
            pl.col("created_at").dt.strftime("%Y-%m").alias("vintage"),
            pl.Series("grade", pricer.names[pricer.grade_index(season["probability"].to_numpy())].tolist()),
        )
        .group_by("vintage", "grade")
        .agg(pl.len().alias("n"), pl.col("TARGET").cast(pl.Int64).sum().alias("defaults"))
    )
    expected = {(v, g): (n, d) for v, g, n, d in direct.iter_rows()}
    assert {(r["vintage"], r["grade"]): (r["n"], r["defaults"]) for r in rows} == expected
    assert sum(r["n"] for r in rows) == season.height


def test_the_shift_is_flagged_on_the_home(home: tuple[Paths, Engine, pl.DataFrame]) -> None:
    _paths, engine, _season = home
    watch = calibration_watch(labelled_scores(engine, with_features=True))
    assert watch["flagged"] and watch["window"]["direction"] == "under"
    assert watch["recalibration"]["logit_shift"] > 0.2
    grades = [c for c in watch["segments"] if c["segment"] == "RISK_GRADE"]
    assert sum(c["n"] for c in grades) == watch["window"]["n"] and any(c["flagged"] for c in grades)


def test_the_daily_job_notifies_the_calibration_shift(home: tuple[Paths, Engine, pl.DataFrame]) -> None:
    paths, engine, _season = home
    receiver = Receiver()
    try:
        settings = MonitoringSettings(
            _env_file=None,
            home=paths.home,
            database_url=str(engine.url),
            log_salt=SALT,
            notify_urls=[receiver.url],
            retrain_on_alert=False,
        )
        later = FIRST_DAY + timedelta(days=DAYS + 30)  # no score in the drift window: only the watch speaks
        report = MonitoringJobs(settings).drift(now=later.replace(tzinfo=UTC))
        assert report["status"] == "insufficient data"
        assert report["calibration"] == {"calibration_shift": "sent"}
        assert receiver.titles() == ["[credit scoring] Calibration shift"]
    finally:
        receiver.close()


def test_the_recalibration_is_a_challenger_never_the_champion_changed(
    home: tuple[Paths, Engine, pl.DataFrame],
) -> None:
    paths, engine, _season = home
    first = champion_version(paths.models)
    before = _digests(paths.models / first)
    kept = recalibrate(_request(paths, engine, STRICT_COST))
    assert kept["outcome"] == KEPT and champion_version(paths.models) == first
    assert kept["challenger"].endswith(SUFFIX) and any("failed cost" in r for r in kept["reasons"])
    promoted = recalibrate(_request(paths, engine, replace(LENIENT, auc_margin=0.0)))
    assert promoted["outcome"] == PROMOTED and champion_version(paths.models) == promoted["challenger"]
    assert _digests(paths.models / first) == before  # the old champion's files are untouched
    assert [c["check"] for c in promoted["checks"]][:3] == ["auc", "cost", "ece"]
    assert promoted["rule"]["auc_margin"] == 0.0 and promoted["checks"][0]["passed"]
    shift = promoted["recalibration"]
    assert shift["mean_probability_after"] == pytest.approx(shift["realised_rate"], abs=0.005)
    assert shift["mean_probability_before"] < shift["realised_rate"]
    champion = load_bundle(paths.models)
    assert champion.metadata["recalibration"]["from"] == first and champion.metadata["role"] == "challenger"
    window = retrain_data(paths.features, engine, SALT.encode(), SHIFTED_DAYS).window
    assert champion.predict_proba(champion.matrix(window)).mean() == pytest.approx(
        window["outcome"].mean(), abs=0.005
    )
    assert [d["outcome"] for d in read_history(paths.model_history)][-2:] == [KEPT, PROMOTED]


def test_the_command_recalibrates_through_the_same_path(home: tuple[Paths, Engine, pl.DataFrame]) -> None:
    paths, engine, _season = home
    env = {"SCORING_HOME": str(paths.home), "SCORING_DATABASE_URL": str(engine.url), "SCORING_LOG_SALT": SALT}
    before = champion_version(paths.models)
    result = CliRunner().invoke(
        app, ["retrain", "--recalibrate", "--json", "--no-mlflow", "--no-reload"], env=env
    )
    assert result.exit_code == 0, result.output
    decision = json.loads(result.output)
    assert decision["challenger"].endswith(SUFFIX) and decision["champion"] == before
    assert decision["outcome"] in (KEPT, PROMOTED) and "recalibration" in decision
    assert read_history(paths.model_history)[-1] == decision
