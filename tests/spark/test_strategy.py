"""A strategy's conditions and decisions on Spark: the same as pandas on a small fixed-seed frame."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql.types import DoubleType, LongType, StringType, StructField, StructType

from scoring.strategy.backends import fires_pandas, spark_column
from scoring.strategy.conditions import parse_condition
from scoring.strategy.decide import decide_frame, spark_decision
from scoring.strategy.definition import load_strategy
from scoring.strategy.names import known_names
from tests.strategy.frames import CONDITIONS, probabilities, synthetic_frame
from tests.strategy.test_decide import STRATEGY

pytestmark = pytest.mark.spark
ROWS = 120


def _spark_frame(spark: SparkSession, frame: pd.DataFrame) -> DataFrame:
    """The pandas frame as a Spark one: texts as strings, numbers as doubles keeping both null and NaN."""
    kinds = known_names()
    fields = [StructField("row", LongType())]
    for name in frame.columns:
        kind = StringType() if kinds.get(name) == "text" else DoubleType()
        fields.append(StructField(name, kind))
    rows = [
        (i, *(None if v is None else (v if isinstance(v, str) else float(v)) for v in values))
        for i, values in enumerate(frame.itertuples(index=False))
    ]
    return spark.createDataFrame(rows, StructType(fields))


def test_spark_evaluates_as_pandas(spark: SparkSession) -> None:
    frame = synthetic_frame(ROWS)
    frame["probability"] = probabilities(ROWS)
    assert any(isinstance(v, float) and math.isnan(v) for v in frame["AMT_ANNUITY"])  # NaN, not only null
    names = known_names()
    trees = [parse_condition(c, names) for c in CONDITIONS]
    strategy = load_strategy(STRATEGY)
    columns = [spark_column(t).alias(f"c{j}") for j, t in enumerate(trees)]
    rows = (
        _spark_frame(spark, frame)
        .select("row", spark_decision(strategy).alias("decision"), *columns)
        .orderBy("row")
        .collect()
    )
    for j, tree in enumerate(trees):
        assert [r[f"c{j}"] for r in rows] == fires_pandas(tree, frame).tolist(), CONDITIONS[j]
    expected = decide_frame(strategy, frame, frame["probability"])
    assert [r["decision"] for r in rows] == expected.outcome.tolist()
