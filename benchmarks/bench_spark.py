"""Spark local[2] next to DuckDB at full Kaggle scale: feature build and batch scoring, same run, same data.

Usage: python -m benchmarks.bench_spark [--clients 307511] [--seed 7] [--cores 2] [--driver-memory 4g]
[--dir DIR] [--features-only] [--event-log DIR] [--warm]. The synthetic tables are generated and ingested
once into DIR (default $SCORING_BENCH_DIR, else /tmp/scoring-bench, then features-<clients>-<seed>/: the
folder bench_features uses) and reused; `--event-log` keeps Spark's event log of the feature build (per
stage: tasks, run and CPU times); `--warm` also times a second feature build in one Spark session, after a
first one (the JVM's compilers done and its code hot, as in a long-lived session), beside the fresh-process
figures. Each run is a fresh process pinned to `--cores` CPUs; its peak memory is the largest sum of the
resident memory of its process tree (Python, Spark's JVM, Spark's Python workers) sampled every 0.2 s, its
CPU seconds those processes' user + system time. The Spark times include the session start; each comparison
prints Spark's wall and CPU times as multiples of DuckDB's measured in the same run (the machine's load
weighs on both walls; CPU time much less). The two feature tables are compared value by value; both engines
score the DuckDB table with the same model, the promoted one bench_api finds (without one, the scoring
comparison is skipped: a signed, calibrated bundle comes only from `scoring train`).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import psutil

from benchmarks.bench_api import bench_home
from benchmarks.bench_features import KAGGLE_CLIENTS, _data_dir, prepare
from benchmarks.figures import Figure, record
from benchmarks.measure import measure, process_tree, tree_cpu_seconds
from scoring.features.build import HEAD, build_features
from scoring.modeling.bundle import champion_version, load_bundle

RATIO_TARGET = 5.0  # issue 31: Spark local[2] within 5x of DuckDB


def _with_peak(task: Callable[..., Any], *args: Any) -> tuple[Any, float, float]:
    """task(*args), the peak resident memory (GB) of this process and its children meanwhile, and the CPU
    seconds they used (each process's last sample: robust to a loaded machine, unlike wall time)."""
    peak, cpu, done = [0], {}, threading.Event()

    def sample() -> None:
        while not done.is_set():
            rss = 0
            for proc in process_tree(os.getpid()):
                with contextlib.suppress(psutil.NoSuchProcess):  # a worker that just ended
                    rss += proc.memory_info().rss
                    times = proc.cpu_times()
                    cpu[proc.pid] = times.user + times.system
            peak[0] = max(peak[0], rss)
            done.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        return task(*args), peak[0] / 1e9, sum(cpu.values())
    finally:
        done.set()
        sampler.join()


def _spark(cores: int, memory: str, event_log: Path | None = None):  # noqa: ANN202 - pyspark is optional
    from scoring.spark import spark_session

    conf = {"spark.driver.memory": memory, "spark.ui.enabled": "false"}
    if event_log is not None:  # one JSON line per job, stage and task: where the time went
        event_log.mkdir(parents=True, exist_ok=True)
        conf |= {
            "spark.eventLog.enabled": "true",
            "spark.eventLog.dir": str(event_log),
            "spark.eventLog.compress": "false",
        }
    return spark_session(f"local[{cores}]", conf)


def duckdb_features(interim: Path, out: Path, cores: int) -> tuple[str, float, float]:
    summary, peak, cpu = _with_peak(
        build_features, interim, out / "features.parquet", out / "dictionary.json", cores
    )
    return summary.describe(), peak, cpu


def spark_features(
    interim: Path, out: Path, cores: int, memory: str, event_log: Path | None = None
) -> tuple[str, float, float]:
    from scoring.features.spark_engine import build_features_spark

    def run() -> str:
        spark = _spark(cores, memory, event_log)
        summary = build_features_spark(interim, out / "features.parquet", out / "dictionary.json", spark)
        spark.stop()
        return summary.describe()

    return _with_peak(run)


def spark_features_warm(interim: Path, out: Path, cores: int, memory: str) -> tuple[float, float]:
    """Wall and CPU seconds of a second feature build in one Spark session (the first one warms it)."""
    from scoring.features.spark_engine import build_features_spark

    spark = _spark(cores, memory)
    build_features_spark(interim, out / "features.parquet", out / "dictionary.json", spark)
    cpu, started = tree_cpu_seconds(os.getpid()), time.perf_counter()
    build_features_spark(interim, out / "features.parquet", out / "dictionary.json", spark)
    seconds, cpu = time.perf_counter() - started, tree_cpu_seconds(os.getpid()) - cpu
    spark.stop()
    return seconds, cpu


def duckdb_scores(
    models: Path, version: str, features: Path, out: Path, cores: int
) -> tuple[str, float, float, float]:
    from scoring.serving.batch import BatchScorer, score_duckdb

    scorer = BatchScorer(load_bundle(models, version))
    summary, peak, cpu = _with_peak(score_duckdb, scorer, features, out, cores)
    return summary.describe(), summary.rows_per_second, peak, cpu


def spark_scores(
    models: Path, version: str, features: Path, out: Path, cores: int, memory: str
) -> tuple[str, float, float, float]:
    from scoring.serving.batch import BatchScorer
    from scoring.serving.batch_spark import score_spark

    def run():  # noqa: ANN202
        spark = _spark(cores, memory)
        started = time.perf_counter()
        # the file's own splits (one per row group) keep both cores busy: no repartition, hence no shuffle
        summary = score_spark(BatchScorer(load_bundle(models, version)), features, out, spark)
        spark.stop()
        return summary, summary.rows / (time.perf_counter() - started)

    (summary, rate), peak, cpu = _with_peak(run)
    return summary.describe(), rate, peak, cpu


def promoted_model() -> tuple[Path, str, str] | None:
    """(models dir, version, description) of the promoted model bench_api uses, None without one."""
    home = bench_home()
    if home is None:
        return None
    version = champion_version(home / "models")
    return home / "models", version, f"promoted model {version} of {home}"


def compare(duck: Path, spark: Path, block: int = 50) -> str:
    """How far Spark's feature table is from DuckDB's: values beyond 1e-9 relative, and by how much."""
    a, b = pl.read_parquet(duck, columns=list(HEAD)), pl.read_parquet(spark, columns=list(HEAD))
    if pl.read_parquet_schema(duck) != pl.read_parquet_schema(spark) or not a.equals(b):
        return "DIFFERENT columns, types or clients"
    names = [n for n in pl.read_parquet_schema(duck) if n not in HEAD]
    differing, worst, columns = 0, 0.0, set()
    for start in range(0, len(names), block):
        part = names[start : start + block]
        x = pl.read_parquet(duck, columns=part).to_numpy().astype(np.float64)
        y = pl.read_parquet(spark, columns=part).to_numpy().astype(np.float64)
        bad = ~((x == y) | (np.isnan(x) & np.isnan(y)) | np.isclose(x, y, rtol=1e-9, atol=0.0))
        differing += int(bad.sum())
        columns |= {part[j] for j in np.nonzero(bad.any(axis=0))[0]}
        if bad.any():
            worst = max(worst, float(np.max(np.abs(x[bad] - y[bad]) / np.abs(x[bad]))))
    total = a.height * len(names)
    if not differing:
        return f"all {total:,} values equal (1e-9 relative)"
    return (
        f"{differing:,} of {total:,} values beyond 1e-9 relative, in {len(columns)} features, at most "
        f"{worst:.1e} relative (float32 rounding of double sums added in another order)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=KAGGLE_CLIENTS)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--driver-memory", default="4g")
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--features-only", action="store_true", help="Skip the batch scoring comparison.")
    parser.add_argument("--event-log", type=Path, default=None, help="Spark's event log folder.")
    parser.add_argument("--warm", action="store_true", help="Also time a 2nd build in one Spark session.")
    args, _ = parser.parse_known_args()
    try:
        import pyspark  # noqa: F401
    except ImportError:
        print("bench_spark: skipped, pyspark is not installed (pip install '.[spark]')")
        return
    data_dir = _data_dir(args)
    interim = data_dir / "interim"
    if not (interim / "manifest.json").exists():
        measure(prepare, data_dir, args.clients, args.seed)
    out = data_dir / "spark-bench"
    cores, memory = args.cores, args.driver_memory
    print(f"data: {data_dir}; {cores} cores, machine load {os.getloadavg()[0]:.1f} before the runs")

    duck = measure(duckdb_features, interim, out / "duckdb", cores, cores=cores)
    spark = measure(spark_features, interim, out / "spark", cores, memory, args.event_log, cores=cores)
    for name, run in (("DuckDB", duck), (f"Spark local[{cores}]", spark)):
        describe, peak, cpu = run.result
        print(
            f"features {name:<15} {run.seconds:7.1f} s wall, {cpu:7.1f} s CPU, peak {peak:5.2f} GB | "
            f"{describe.splitlines()[0]}"
        )
    ratio, cpu_ratio = spark.seconds / duck.seconds, spark.result[2] / duck.result[2]
    print(
        f"  Spark / DuckDB: {ratio:.1f}x the wall time (target: within {RATIO_TARGET:g}x), "
        f"{cpu_ratio:.1f}x the CPU time"
    )
    if args.warm:
        warm, warm_cpu = measure(
            spark_features_warm, interim, out / "spark-warm", cores, memory, cores=cores
        ).result
        print(
            f"features {'Spark, 2nd build':<15} {warm:7.1f} s wall, {warm_cpu:7.1f} s CPU (same session): "
            f"{warm / duck.seconds:.1f}x DuckDB's wall, {warm_cpu / duck.result[2]:.1f}x its CPU"
        )
    agreement = compare(out / "duckdb" / "features.parquet", out / "spark" / "features.parquet")
    print(f"  Spark's features.parquet vs DuckDB's: {agreement}")
    scale = f"{args.clients:,} + test clients" if args.clients != KAGGLE_CLIENTS else "full scale"
    figures = [
        Figure(
            "spark.features",
            f"Spark `local[{cores}]` vs DuckDB, {scale}: features (same run)",
            f"Spark {spark.seconds:.1f} s / {spark.result[1]:.2f} GB, DuckDB {duck.seconds:.1f} s / "
            f"{duck.result[1]:.2f} GB: {ratio:.1f}× wall, {cpu_ratio:.1f}× CPU; {agreement}",
            f"≤ {RATIO_TARGET:g}×",
        )
    ]
    if args.warm:
        figures.append(
            Figure(
                "spark.features.warm",
                f"Spark `local[{cores}]` vs DuckDB, {scale}: features, 2nd build in one Spark session",
                f"Spark {warm:.1f} s wall, {warm_cpu:.1f} s CPU, DuckDB {duck.seconds:.1f} s, "
                f"{duck.result[2]:.1f} s CPU: {warm / duck.seconds:.1f}× wall, "
                f"{warm_cpu / duck.result[2]:.1f}× CPU",
                f"≤ {RATIO_TARGET:g}×",
            )
        )
    model = None if args.features_only else promoted_model()
    if model is None:
        if not args.features_only:
            print("batch scoring skipped: no promoted model (run `make run` or bench_train first)")
        record("bench_spark", figures)
        return

    features = out / "duckdb" / "features.parquet"
    models, version, what = model
    print(f"batch scoring with the {what}")
    duck = measure(duckdb_scores, models, version, features, out / "scores-duckdb", cores, cores=cores)
    spark = measure(spark_scores, models, version, features, out / "scores-spark", cores, memory, cores=cores)
    for name, run in (("DuckDB", duck), (f"Spark local[{cores}]", spark)):
        describe, rate, peak, cpu = run.result
        print(
            f"scores   {name:<15} {run.seconds:7.1f} s wall, {cpu:7.1f} s CPU, peak {peak:5.2f} GB, "
            f"{rate:9,.0f} rows/s "
            f"(scoring only) | {describe}"
        )
    print(f"  Spark / DuckDB: {duck.result[1] / spark.result[1]:.1f}x the time per row (scoring only)")
    a = pl.read_parquet(out / "scores-duckdb" / "*.parquet").sort("SK_ID_CURR")
    b = pl.read_parquet(out / "scores-spark" / "*.parquet").sort("SK_ID_CURR")
    print(f"  same scores from both engines: {a.equals(b)}")
    print(json.dumps({"load_after": os.getloadavg()[0]}))
    rates = duck.result[1], spark.result[1]
    figures.append(
        Figure(
            "spark.scoring",
            f"Spark `local[{cores}]` vs DuckDB, {scale}: batch scoring of {a.height:,} clients",
            f"Spark {rates[1]:,.0f} rows/s ({spark.seconds:.1f} s, {spark.result[2]:.2f} GB), DuckDB "
            f"{rates[0]:,.0f} rows/s ({duck.seconds:.1f} s, {duck.result[2]:.2f} GB); "
            + ("same scores" if a.equals(b) else "DIFFERENT scores"),
        )
    )
    record("bench_spark", figures)


if __name__ == "__main__":
    main()
