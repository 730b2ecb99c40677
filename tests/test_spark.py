"""The Spark session helpers that need no running Spark: settings parsing and job errors in one line."""

from __future__ import annotations

import pytest
from pyspark.errors import PySparkException

from scoring.spark import SparkUnavailable, parse_conf, spark_job


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
