"""The Spark helpers that need no running Spark: settings, job errors in one line, sizing to the cores."""

from __future__ import annotations

import pytest
from pyspark.errors import PySparkException

from scoring.features.spark_engine import MIN_SPLITS, OPEN_COST, SHUFFLE_PARTITIONS, _sized_to_cores
from scoring.spark import SparkUnavailable, parse_conf, spark_job


class _Session:
    """What `_sized_to_cores` reads and sets of a SparkSession: launch settings, cores, runtime settings."""

    def __init__(self, launch: dict[str, str], cores: int) -> None:
        self.sparkContext = self
        self.conf = self
        self.launch, self.defaultParallelism = launch, cores
        self.runtime = {SHUFFLE_PARTITIONS: "200", OPEN_COST: "4194304", **launch}
        self.seen: list[dict[str, str]] = []

    def getConf(self) -> _Session:  # noqa: N802 - pyspark's name
        return self

    def contains(self, key: str) -> bool:
        return key in self.launch

    def get(self, key: str, default: str | None) -> str | None:
        return self.runtime.get(key, default)

    def set(self, key: str, value: str) -> None:
        self.runtime[key] = value

    def unset(self, key: str) -> None:
        del self.runtime[key]

    def run(self) -> None:
        """A build under `_sized_to_cores`: records the settings its jobs see."""
        with _sized_to_cores(self):
            self.seen.append(dict(self.runtime))


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


def test_shuffles_and_file_splits_follow_the_cores_unless_set_at_launch() -> None:
    local, cluster, chosen = _Session({}, 2), _Session({}, 64), _Session({SHUFFLE_PARTITIONS: "3"}, 2)
    before = [dict(session.runtime) for session in (local, cluster, chosen)]
    for session in (local, cluster, chosen):
        session.run()
    small = {OPEN_COST: "262144"}  # a few-MB table still splits into twice the cores
    assert local.seen == [{SHUFFLE_PARTITIONS: "4", MIN_SPLITS: "4", **small}]
    assert cluster.seen == [{SHUFFLE_PARTITIONS: "128", MIN_SPLITS: "128", **small}]
    assert chosen.seen == [{SHUFFLE_PARTITIONS: "3", MIN_SPLITS: "4", **small}]
    assert [session.runtime for session in (local, cluster, chosen)] == before  # restored after the build


class _Builder:
    """What `spark_session` calls on SparkSession.builder: records the settings, fails to start."""

    def __init__(self) -> None:
        self.settings: dict[str, str] = {}

    def appName(self, _name: str) -> _Builder:  # noqa: N802 - pyspark's name
        return self

    def master(self, _master: str) -> _Builder:
        return self

    def config(self, key: str, value: str) -> _Builder:
        self.settings[key] = value
        return self

    def getOrCreate(self) -> None:  # noqa: N802 - pyspark's name
        raise OSError("not started in this test")


def test_the_driver_jvm_gets_the_build_options_unless_set_at_launch(monkeypatch: pytest.MonkeyPatch) -> None:
    from pyspark.sql import SparkSession

    from scoring.spark import JVM_OPTIONS, spark_session

    key, chosen = "spark.driver.extraJavaOptions", "-XX:+UseSerialGC"
    seen = []
    for conf in ({}, {key: chosen}):
        builder = _Builder()
        monkeypatch.setattr(SparkSession, "builder", builder)
        with pytest.raises(SparkUnavailable, match="not started in this test"):
            spark_session("local[2]", conf)
        seen.append(builder.settings[key])
    assert seen == [JVM_OPTIONS, chosen]
    assert "-XX:+UseParallelGC" in JVM_OPTIONS.split()
