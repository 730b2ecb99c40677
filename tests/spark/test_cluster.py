"""The feature build on a standalone Spark cluster (a master and two workers on this machine) equals DuckDB's.

The build runs through the command line with `--master spark://...`, the command an operator points at a
real cluster, in its own process: the test session's local[2] session stays as it is. It is the synthetic
population's parity test (values beyond float32 and NaN in the interim tables, the same dictionary); the
local[2] session's parity is tested on the real sample (tests/spark/test_features.py): one build each.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from devtools.spark_cluster import standalone_cluster
from scoring.home import Paths
from tests.spark.conftest import TEST_CONF, assert_same_features

pytestmark = [pytest.mark.spark, pytest.mark.slow, pytest.mark.timeout(600)]  # a master, two workers
CLUSTER_CONF = {
    "spark.executor.memory": "512m",
    "spark.executor.cores": "1",
    "spark.cores.max": "2",
    "spark.sql.shuffle.partitions": "2",
    "spark.ui.enabled": "false",
    # short-lived JVMs on 2 shared cores, as the local test session (tests/spark/conftest.py)
    "spark.driver.extraJavaOptions": TEST_CONF["spark.driver.extraJavaOptions"],
    "spark.executor.extraJavaOptions": TEST_CONF["spark.driver.extraJavaOptions"],
}


def test_features_on_a_standalone_cluster_equal_duckdb(synthetic_home: Path, tmp_path: Path) -> None:
    paths = Paths(synthetic_home)
    out = tmp_path / "features.parquet"
    with standalone_cluster(tmp_path / "cluster", workers=2, cores=1, memory="1g") as url:
        command = [sys.executable, "-m", "scoring", "features", "--engine", "spark", "--master", url]
        command += ["--interim", str(paths.interim), "--out", str(out)]
        command += [item for key, value in CLUSTER_CONF.items() for item in ("--conf", f"{key}={value}")]
        environment = {**os.environ, "SPARK_LOCAL_IP": "127.0.0.1", "SCORING_HOME": str(synthetic_home)}
        run = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=900)
        executors = list((tmp_path / "cluster" / "work").glob("*/app-*/*"))
    assert run.returncode == 0, run.stderr[-3000:]
    infinities = assert_same_features(pl.read_parquet(paths.features), pl.read_parquet(out))
    assert infinities >= 3  # the extremes pushed into the interim tables came out infinite in both
    assert out.with_name(paths.feature_dictionary.name).read_text() == paths.feature_dictionary.read_text()
    assert {path.parent.parent.name for path in executors} == {"1", "2"}  # both workers ran executors
