"""The Spark session of the Spark engine (`--engine spark`): optional dependency, one place to start it.

pyspark comes with the optional `spark` group (`pip install '.[spark]'`) and needs a Java 17+ runtime; the
API image carries neither. Under `spark-submit` the master and settings come from spark-submit; otherwise
`master` (default `local[*]`) and `conf` apply. In local mode the Python workers run the driver's
interpreter (its virtual environment); on a cluster they run `spark.pyspark.python`, which must have the
`scoring` package and its dependencies.

The driver's JVM (in local mode it runs the tasks too) gets `JVM_OPTIONS` unless
`spark.driver.extraJavaOptions` is set at launch (`--conf` wins, whole): the parallel collector (no G1 write
barriers in the compiled code, no concurrent marking threads on a few cores) and the C2 compiler's thresholds
three times the defaults, so that C2 spends its time on the code that runs per row rather than on Spark's
planner, parser and Janino, which run once per query. At full scale on local[2] (356,255 clients) the feature
build used 180 s of CPU instead of 197 s (three paired runs); ten times the thresholds, or C1 only
(`-XX:TieredStopAtLevel=1`), slowed the tasks' compiled code more than they saved in the compilers (185 s,
289 s): docs/operations/scaling-out.md.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from scoring.errors import ScoringError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

APP_NAME = "scoring"
JVM_OPTIONS = " ".join(
    (
        "-XX:+UseParallelGC",
        "-XX:Tier4InvocationThreshold=15000",
        "-XX:Tier4MinInvocationThreshold=2000",
        "-XX:Tier4CompileThreshold=45000",
        "-XX:Tier4BackEdgeThreshold=120000",
    )
)
DEFAULTS = {
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.session.timeZone": "UTC",
    "spark.driver.extraJavaOptions": JVM_OPTIONS,
}
JAVA_HINT = "Spark needs a Java 17+ runtime (`make setup-test` installs Debian's openjdk-17-jre-headless)"


class SparkUnavailable(ScoringError, RuntimeError):
    """pyspark is not installed, or Spark cannot start (no Java runtime, bad master or setting); or a Spark
    job failed (`spark_job`)."""


@contextmanager
def spark_job(what: str) -> Iterator[None]:
    """Turn a failed Spark job into SparkUnavailable naming `what` and Spark's first line of explanation."""
    from py4j.protocol import Py4JError
    from pyspark.errors import PySparkException

    try:
        yield
    except (PySparkException, Py4JError) as exc:
        first = next((line for line in str(exc).splitlines() if line.strip()), type(exc).__name__)
        raise SparkUnavailable(f"{what} failed on Spark: {first.strip()[:500]}") from None


def parse_conf(items: Sequence[str]) -> dict[str, str]:
    """`KEY=VALUE` items (the `--conf` options) as a mapping; fails naming the malformed item."""
    conf = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise SparkUnavailable(f"--conf {item!r}: expected KEY=VALUE, e.g. spark.driver.memory=4g")
        conf[key.strip()] = value.strip()
    return conf


def spark_session(master: str | None = None, conf: Mapping[str, str] | None = None) -> SparkSession:
    """The process's Spark session, started with `master` and `conf` unless one is running already."""
    try:
        from py4j.protocol import Py4JError
        from pyspark.errors import PySparkException
        from pyspark.sql import SparkSession
    except ImportError:
        raise SparkUnavailable(
            f"the Spark engine needs pyspark: pip install '.[spark]' (or `make setup-test`); {JAVA_HINT}"
        ) from None
    builder = SparkSession.builder.appName(APP_NAME)
    if master:
        builder = builder.master(master)
    for key, value in {**DEFAULTS, **(conf or {})}.items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except (PySparkException, Py4JError, OSError) as exc:
        shown = master or "default"
        raise SparkUnavailable(f"Spark did not start (master {shown}): {exc}; {JAVA_HINT}") from None
    context = session.sparkContext
    context.setLogLevel("WARN")
    if context.master.startswith("local"):
        context.pythonExec = sys.executable  # local Python workers: this interpreter, with its packages
    return session
