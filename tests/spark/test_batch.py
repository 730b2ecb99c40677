"""Batch scoring: Spark partitions and DuckDB chunks give the API's scores for every client."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.main import create_app
from scoring.cli import app as cli
from scoring.home import Paths
from scoring.modeling.bundle import load_bundle
from scoring.serving.batch import REASON_COLUMNS, SCORE_SCHEMA, BatchScorer, score_duckdb
from scoring.serving.batch_spark import score_spark
from tests.api.conftest import API, make_settings

pytestmark = pytest.mark.spark


def _read(folder: Path) -> pl.DataFrame:
    return pl.read_parquet(folder / "*.parquet").sort("SK_ID_CURR")


def test_both_engines_score_every_client_as_the_api_does(
    spark: object, synthetic_home: Path, tmp_path: Path
) -> None:
    paths = Paths(synthetic_home)
    scorer = BatchScorer(load_bundle(paths.models))
    duck = score_duckdb(scorer, paths.features, tmp_path / "duckdb", chunk_rows=100)
    distributed = score_spark(scorer, paths.features, tmp_path / "spark", spark, partitions=3)
    assert (duck.parts, distributed.parts) == (5, 3)
    scores = _read(tmp_path / "spark")
    assert scores.schema == pl.Schema(SCORE_SCHEMA)
    assert scores.equals(_read(tmp_path / "duckdb"))
    ids = pl.read_parquet(paths.features, columns=["SK_ID_CURR"])["SK_ID_CURR"].sort()
    assert scores["SK_ID_CURR"].to_list() == ids.to_list()
    assert 0 < distributed.refused == duck.refused < distributed.rows == ids.len()

    sample = scores.gather_every(17)
    with TestClient(create_app(make_settings(synthetic_home, tmp_path / "log.db"))) as client:
        for row in sample.iter_rows(named=True):
            got = client.get(f"{API}/clients/{row['SK_ID_CURR']}/score")
            assert got.status_code == 200, got.text
            served = got.json()
            assert served["probability"] == row["probability"]
            assert served["points"] == pytest.approx(row["points"], abs=1e-9)
            codes = [r["code"] for r in served["explanation"]["reasons"]]
            assert codes == [row[c] for c in REASON_COLUMNS if row[c] is not None]
            assert (served["decision"], served["threshold"]) == (row["decision"], row["threshold"])
            assert served["model_version"] == row["model_version"]
    assert set(sample["decision"]) == {"accept", "refuse"}


def test_score_command_on_spark_replaces_the_output(
    spark: object, synthetic_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCORING_HOME", str(synthetic_home))
    out = tmp_path / "scores"
    out.mkdir()
    (out / "stale.parquet").write_bytes(b"left from an earlier run")
    result = CliRunner().invoke(cli, ["score", "--engine", "spark", "--out", str(out), "--partitions", "2"])
    assert result.exit_code == 0, result.output
    assert "on spark" in result.output and "2 parts" in result.output
    assert not (out / "stale.parquet").exists()
    assert _read(out).height == pl.read_parquet(Paths(synthetic_home).features, columns=["SK_ID_CURR"]).height
