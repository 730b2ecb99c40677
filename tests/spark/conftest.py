"""Fixtures of the Spark tests: one local[2] session per test session, a small synthetic scoring home.

The home is the demo pipeline on a small generated population (ingest, DuckDB features, tiny promoted
bundle), with a few values pushed beyond float32's range and a NaN in the interim tables, then its
features rebuilt with DuckDB: the reference every Spark result is compared with.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from scoring.data.synth import generate_tables
from scoring.features.build import HEAD, build_features
from scoring.home import Paths
from scoring.spark import spark_session
from tests.features.conftest import built_sample  # noqa: F401 - the real sample, built by DuckDB
from tests.support.home import build_home

CLIENTS, SEED = 400, 11
# local[2] as in CI; C1-only JIT and the serial collector suit a short-lived JVM on 2 shared cores.
TEST_CONF = {
    "spark.ui.enabled": "false",
    "spark.sql.shuffle.partitions": "2",
    "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
}


@pytest.fixture(scope="session")
def spark() -> Iterator[object]:
    """The test session's Spark session (fails, no skip, without Java: `make setup-test` installs it)."""
    if shutil.which("java") is None:
        pytest.fail("no Java runtime on PATH: run `make setup-test` (it installs openjdk-17-jre-headless)")
    session = spark_session("local[2]", TEST_CONF)
    yield session
    session.stop()


def _push_to_extremes(interim: Path) -> None:
    """One client's credit beyond float32 (+inf features), annuity below (-inf), a bureau credit beyond
    float32 (+inf sums) and a NaN payment (NaN aggregates), written back into the interim tables."""
    path = interim / "application_train.parquet"
    application = pl.read_parquet(path)
    first = pl.int_range(pl.len()) == 0
    application.with_columns(
        pl.when(first).then(1e300).otherwise(pl.col("AMT_CREDIT")).alias("AMT_CREDIT"),
        pl.when(first).then(-1e300).otherwise(pl.col("AMT_ANNUITY")).alias("AMT_ANNUITY"),
    ).write_parquet(path)
    path = interim / "bureau.parquet"
    bureau = pl.read_parquet(path)
    bureau.with_columns(
        pl.when(first).then(1e39).otherwise(pl.col("AMT_CREDIT_SUM")).alias("AMT_CREDIT_SUM")
    ).write_parquet(path)
    path = interim / "installments_payments.parquet"
    payments = pl.read_parquet(path)
    payments.with_columns(
        pl.when(first).then(np.nan).otherwise(pl.col("AMT_PAYMENT")).alias("AMT_PAYMENT")
    ).write_parquet(path)


@pytest.fixture(scope="session")
def synthetic_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scoring home on a generated population with a promoted bundle and extreme values."""
    home = tmp_path_factory.mktemp("spark-home")
    paths = Paths(home)
    generate_tables(CLIENTS, SEED, paths.raw)
    build_home(home, paths.raw)
    _push_to_extremes(paths.interim)
    build_features(paths.interim, paths.features, paths.feature_dictionary)
    return home


def assert_same_features(expected: pl.DataFrame, got: pl.DataFrame) -> int:
    """Same columns, order, types, clients and nulls; every value equal to 1e-9 relative (NaN = NaN, same
    infinities). Returns how many infinite values were compared."""
    assert got.schema == expected.schema
    assert got.select(HEAD).equals(expected.select(HEAD))
    assert got.select(pl.all().is_null().sum()).equals(expected.select(pl.all().is_null().sum()))
    a = expected.drop(HEAD).to_numpy().astype(np.float64)
    b = got.drop(HEAD).to_numpy().astype(np.float64)
    same = (a == b) | (np.isnan(a) & np.isnan(b)) | np.isclose(a, b, rtol=1e-9, atol=0.0)
    names = expected.drop(HEAD).columns
    differing = {names[j]: (a[i, j], b[i, j]) for i, j in zip(*np.nonzero(~same), strict=True)}
    assert not differing, f"{len(differing)} features differ, e.g. {list(differing.items())[:5]}"
    return int(np.isinf(a).sum())
