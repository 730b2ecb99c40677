"""Batch scoring with a strategy: Spark (`spark_decision`) and DuckDB (`decision_sql`) decide every client as
the API does, with the same rules fired."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from scoring.db.audit import Actor
from scoring.db.strategies import activate
from scoring.home import Paths
from scoring.modeling.bundle import load_bundle
from scoring.serving.batch import SCORE_SCHEMA, BatchScorer, score_duckdb
from scoring.serving.batch_spark import score_spark
from scoring.strategy.definition import load_strategy
from tests.api.conftest import API, make_settings
from tests.api.test_strategy_decisions import band_case

pytestmark = pytest.mark.spark


def _read(folder: Path) -> pl.DataFrame:
    return pl.read_parquet(folder / "*.parquet").sort("SK_ID_CURR")


def test_spark_duckdb_and_the_api_decide_alike(spark: object, synthetic_home: Path, tmp_path: Path) -> None:
    paths = Paths(synthetic_home)
    case = band_case(synthetic_home)
    strategy = load_strategy(case.text)
    scorer = BatchScorer(load_bundle(paths.models), strategy=strategy, interim_dir=paths.interim)
    duck = score_duckdb(scorer, paths.features, tmp_path / "duckdb", chunk_rows=100)
    distributed = score_spark(scorer, paths.features, tmp_path / "spark", spark, partitions=3)
    scores = _read(tmp_path / "spark")
    assert scores.schema == pl.Schema(SCORE_SCHEMA)
    assert scores.equals(_read(tmp_path / "duckdb"))
    assert set(scores["decision"]) == {"accept", "refer", "refuse"}
    assert 0 < distributed.referred == duck.referred and distributed.refused == duck.refused
    fired = set(",".join(scores["rules_fired"].drop_nulls()).split(","))
    assert {"UNAFFORDABLE_DSR", "PRICE_ABOVE_CAP"} <= fired  # rules on the offer's figures decide too
    assert scores.filter(pl.col("SK_ID_CURR") == case.knocked_out)["rules_fired"].to_list() == [
        "INCOME_BELOW_MINIMUM"
    ]

    settings = make_settings(synthetic_home, tmp_path / "product.db", strategy_ttl_seconds=0)
    with TestClient(create_app(settings)) as client:
        activate(client.app.state.scoring.engine, strategy, "analyst", Actor("cli:test", source="cli"))
        for row in scores.gather_every(13).iter_rows(named=True):
            served = client.get(f"{API}/clients/{row['SK_ID_CURR']}/score").json()
            fired = row["rules_fired"].split(",") if row["rules_fired"] else []
            assert (served["decision"], served["rules_fired"]) == (row["decision"], fired)
            assert served["probability"] == row["probability"]
