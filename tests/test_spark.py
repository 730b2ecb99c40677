"""The Spark helpers that need no running Spark: settings parsing, job errors in one line, shuffle sizing."""

from __future__ import annotations

import pytest
from pyspark.errors import PySparkException

from scoring.features.spark_engine import SHUFFLE_PARTITIONS, _sized_shuffles
from scoring.spark import SparkUnavailable, parse_conf, spark_job


class _Session:
    """What `_sized_shuffles` reads and sets of a SparkSession: launch settings, cores, runtime settings."""

    def __init__(self, launch: dict[str, str], cores: int) -> None:
        self.sparkContext = self
        self.conf = self
        self.launch, self.defaultParallelism = launch, cores
        self.runtime = {SHUFFLE_PARTITIONS: launch.get(SHUFFLE_PARTITIONS, "200")}
        self.seen: list[str] = []

    def getConf(self) -> _Session:  # noqa: N802 - pyspark's name
        return self

    def contains(self, key: str) -> bool:
        return key in self.launch

    def get(self, key: str) -> str:
        return self.runtime[key]

    def set(self, key: str, value: str) -> None:
        self.runtime[key] = value

    def run(self) -> None:
        """A build under `_sized_shuffles`: records the setting its jobs see."""
        with _sized_shuffles(self):
            self.seen.append(self.runtime[SHUFFLE_PARTITIONS])


def test_conf_items_are_key_value_pairs() -> None:
    assert parse_conf(["spark.driver.memory=4g", " a.b = c=d "]) == {
        "spark.driver.memory": "4g",
        "a.b": "c=d",
    }
    for bad in ("spark.driver.memory", "=4g"):
        with pytest.raises(SparkUnavailable, match="expected KEY=VALUE"):
            parse_conf([bad])


def test_a_failed_job_is_one_line_naming_what_failed() -> None:
    with (
        pytest.raises(
            SparkUnavailable, match=r"^the feature build of x failed on Spark: \[BOOM\] out of memory$"
        ),
        spark_job("the feature build of x"),
    ):
        raise PySparkException("\n[BOOM] out of memory\n  at org.apache.spark...")


def test_shuffle_partitions_follow_the_cores_unless_set_at_launch() -> None:
    local, cluster, chosen = _Session({}, 2), _Session({}, 64), _Session({SHUFFLE_PARTITIONS: "3"}, 2)
    for session in (local, cluster, chosen):
        session.run()
    assert (local.seen, cluster.seen, chosen.seen) == (["4"], ["128"], ["3"])
    assert local.runtime[SHUFFLE_PARTITIONS] == "200"  # the session's setting restored after the build
