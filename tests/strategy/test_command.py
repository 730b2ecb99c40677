"""`scoring strategy`: activate and show the active strategy, refuse a wrong file with its line, simulate on
the bundle's out-of-fold clients and on a labelled file against the active strategy."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from scoring.cli import app
from scoring.db.engine import open_database
from scoring.db.tables import predictions
from tests.strategy.test_decide import STRATEGY

DEMO = resources.files("scoring.strategy").joinpath("examples/demo.yaml").read_text("utf-8")


@pytest.fixture
def home(demo_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shared demo home, with this test's own database."""
    monkeypatch.setenv("SCORING_HOME", str(demo_home))
    monkeypatch.setenv("SCORING_DATABASE_URL", f"sqlite:///{tmp_path / 'scoring.db'}")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return demo_home


def run(*args: str) -> object:
    return CliRunner().invoke(app, list(args))


def test_activate_then_show(home: Path, tmp_path: Path) -> None:
    file = tmp_path / "demo.yaml"
    file.write_text(DEMO)
    assert "no active strategy" in run("strategy", "show").output
    assert json.loads(run("strategy", "show", "--json").output) == {"active": None}
    activated = run("strategy", "activate", str(file), "--author", "ana")
    assert activated.exit_code == 0, activated.output
    assert "strategy demo version 1 is active" in activated.output
    shown = run("strategy", "show")
    assert "strategy demo version 1" in shown.output and "author ana" in shown.output
    assert "when: BUREAU_ACTIVE_CREDIT_DAY_OVERDUE_MAX > 0" in shown.output
    document = json.loads(run("strategy", "show", "--json").output)["active"]
    assert (document["version"], document["yaml"], document["active"]) == (1, DEMO, True)


def test_a_wrong_file_is_refused_with_its_line(home: Path, tmp_path: Path) -> None:
    file = tmp_path / "bad.yaml"
    file.write_text(
        STRATEGY.replace("AMT_INCOME_TOTAL < 40000", "AMT_INCOME_TOTAL < 40000; DROP TABLE users")
    )
    refused = run("strategy", "activate", str(file), "--author", "ana")
    assert refused.exit_code == 2
    assert f"{file}: line 8: rules[1].when: `;` is not allowed" in refused.output
    assert "Traceback" not in refused.output


def _log_traffic(url: str, scores: int) -> None:
    now = datetime.now(UTC).replace(tzinfo=None)
    row = {"request_id": "r", "kind": "client", "model_version": "v", "features": b"", "probability": 0.1}
    row |= {"decision": "accept", "threshold": 0.2, "latency_ms": 1.0}
    rows = [row | {"created_at": now - timedelta(hours=i)} for i in range(scores)]
    rows.append(row | {"created_at": now - timedelta(days=9)})  # older than the window
    with open_database(url).begin() as conn:
        conn.execute(predictions.insert(), rows)


def test_simulate_on_the_out_of_fold_clients(home: Path, tmp_path: Path) -> None:
    file = tmp_path / "demo.yaml"
    file.write_text(DEMO)
    _log_traffic(f"sqlite:///{tmp_path / 'scoring.db'}", 70)
    chart = tmp_path / "chart.html"
    done = run("strategy", "simulate", str(file), "--json", "--chart", str(chart))
    assert done.exit_code == 0, done.output
    result = json.loads(done.output)
    oof = pl.read_parquet(next((home / "models").glob("*/oof.parquet")))
    assert result["n"] == oof.height and result["population"].startswith("out-of-fold clients of bundle")
    assert sum(result["counts"].values()) == oof.height
    assert result["approval_rate"] + result["refer_rate"] + result["refusal_rate"] == pytest.approx(1.0)
    assert result["scores_per_day"] == pytest.approx(10.0)
    assert result["refer_per_day"] == pytest.approx(10.0 * result["refer_rate"])
    assert result["current"]["strategy"].startswith("the bundle's threshold")
    assert [r["code"] for r in result["rules"]][0] == "INCOME_MISSING"
    assert chart.read_text().startswith("<html>")
    run("strategy", "activate", str(file), "--author", "ana")
    against_itself = json.loads(run("strategy", "simulate", str(file), "--json").output)
    assert against_itself["current"]["strategy"] == "demo (version 1, active)"
    assert against_itself["swap_in"]["count"] == against_itself["swap_out"]["count"] == 0
    text = run("strategy", "simulate", str(file)).output
    assert "approval" in text and "swap in" in text and "expected profit at the offer's prices" in text
    assert result["profit"] > 0 and result["lgd"] == 0.45


def test_simulate_on_a_labelled_file(home: Path, tmp_path: Path) -> None:
    file = tmp_path / "demo.yaml"
    file.write_text(DEMO)
    data = home / "data" / "raw" / "application_train.csv"
    done = run("strategy", "simulate", str(file), "--data", str(data), "--json")
    assert done.exit_code == 0, done.output
    result = json.loads(done.output)
    labels = pl.read_csv(data, columns=["TARGET"])["TARGET"]
    assert result["population"] == str(data) and result["n"] == labels.len()
    assert result["outcomes_known"] == result["counts"]["accept"]
    assert sum(result["counts"].values()) == labels.len()
    assert result["realised_profit_per_1000"] is not None
    missing = run("strategy", "simulate", str(file), "--data", str(tmp_path / "none.csv"))
    assert missing.exit_code == 2 and "none.csv not found" in missing.output
