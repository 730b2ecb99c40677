"""Feature build at full Kaggle scale on the synthetic twin: time, peak memory, pandas ratio, serving latency.

Usage: python -m benchmarks.bench_features [--clients 307511] [--seed 7] [--threads 2] [--dir DIR]
The synthetic tables are generated and ingested once into DIR (default $SCORING_BENCH_DIR, else
/tmp/scoring-bench, then features-<clients>-<seed>/) and reused. Each measured run happens in a fresh
child process pinned to `--threads` cores, which reports its own wall time and peak RSS. The pandas
baseline computes the same installments and bureau (+ bureau_balance) aggregates with plain pandas
groupby code; the two results are compared value by value before the ratio is printed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl

from benchmarks.figures import Figure, record
from benchmarks.measure import measure
from benchmarks.settings import BenchSettings
from scoring.data.ingest import ingest_tables
from scoring.data.schema import BUREAU_BALANCE, TABLES
from scoring.data.synth import generate_tables
from scoring.features.aggregation import Subset, TableSpec
from scoring.features.build import build_features
from scoring.features.catalog import table_outputs
from scoring.features.duckdb_runner import connect, register_parquet
from scoring.features.encoding import level_token
from scoring.features.serving import vectorizer
from scoring.features.specs import BUREAU, INSTALLMENTS_PAYMENTS, TABLE_SPECS
from scoring.features.sql import table_ctes

KAGGLE_CLIENTS = 307_511
TIME_TARGET_S, MEMORY_TARGET_GB, RATIO_TARGET = 60.0, 6.0, 4.0
PANDAS_FUNCS = {"mean": "mean", "min": "min", "max": "max", "sum": "sum", "std": "std", "distinct": "nunique"}
LATE = ["1", "2", "3", "4", "5"]


# --- data, tasks run in child processes --------------------------------------------------------------


def prepare(data_dir: Path, clients: int, seed: int) -> None:
    """Generate the synthetic raw tables (unless present) and ingest them into data_dir/interim."""
    raw = data_dir / "raw"
    if not (raw / "application_train.csv").exists():
        print(generate_tables(clients, seed, raw, None).describe(), flush=True)
    print(ingest_tables(raw, data_dir / "interim").describe().splitlines()[0], flush=True)


def full_build(interim: Path, out_dir: Path, threads: int) -> tuple[str, float, int]:
    """The build's summary, the CPU seconds it used (all threads) and the features built."""
    cpu = time.process_time()
    summary = build_features(
        interim, out_dir / "features.parquet", out_dir / "feature_dictionary.json", threads=threads
    )
    return summary.describe(), time.process_time() - cpu, summary.features


def engine_subset(interim: Path, out: Path, threads: int) -> tuple[float, float]:
    """(wall, CPU) seconds to compute the bureau and installments features with the engine (DuckDB on
    Parquet); the result is then written to `out` (not timed) for the comparison with pandas."""
    started, cpu = time.perf_counter(), time.process_time()
    frames = []
    with connect(threads) as con:
        register_parquet(con, interim)
        for spec, outs in zip(TABLE_SPECS, table_outputs(), strict=True):
            if spec.prefix in (BUREAU.prefix, INSTALLMENTS_PAYMENTS.prefix):
                ctes = ",\n".join(table_ctes(spec, outs))
                frames.append(con.sql(f'WITH {ctes} SELECT * FROM "{spec.prefix}__features"').pl())
    seconds = time.perf_counter() - started, time.process_time() - cpu
    frames = [f.with_columns(pl.exclude("SK_ID_CURR").cast(pl.Float64)) for f in frames]
    _joined([f.to_pandas().set_index("SK_ID_CURR") for f in frames]).to_parquet(out)
    return seconds


def pandas_subset(interim: Path, out: Path) -> tuple[float, float]:
    """(wall, CPU) seconds to compute the same features with straightforward pandas (derived columns,
    filter, groupby-agg, merge); the result is then written to `out` (not timed)."""
    started, cpu = time.perf_counter(), time.process_time()
    result = _joined([_pandas_bureau(interim), _pandas_installments(interim)])
    seconds = time.perf_counter() - started, time.process_time() - cpu
    result.to_parquet(out)
    return seconds


# --- the pandas baseline -----------------------------------------------------------------------------


def _joined(frames: list[pd.DataFrame]) -> pd.DataFrame:
    return pd.concat(frames, axis=1).astype("float64")


def _feature(spec: TableSpec, subset: Subset, *parts: str) -> str:
    return "_".join(p for p in (spec.prefix, subset.name, *parts) if p)


def _aggregate(rows: pd.DataFrame, spec: TableSpec, masks: dict[str, pd.Series]) -> pd.DataFrame:
    """Per subset: filter the rows, add level indicators, one groupby with named aggregations."""
    parts = []
    for subset in spec.subsets:
        frame = rows if subset.name not in masks else rows[masks[subset.name]]
        named = {_feature(spec, subset, "COUNT"): (spec.key, "size")}
        for agg in subset.aggs:
            for func in agg.funcs:
                named[_feature(spec, subset, agg.column, func.upper())] = (agg.column, PANDAS_FUNCS[func])
        indicators = {}
        for column in subset.shares:
            for level in TABLES[spec.table].column(column).levels:
                name = _feature(spec, subset, column, level_token(level), "SHARE")
                indicators[name] = (frame[column] == level).astype("float64")
                named[name] = (name, "mean")
        frame = frame.assign(**indicators) if indicators else frame
        part = frame.groupby(spec.key).agg(**named)
        parts.append(part)
    result = pd.concat(parts, axis=1)
    counts = [c for c in result.columns if c.endswith("_COUNT") or c.endswith("_DISTINCT")]
    result[counts] = result[counts].fillna(0)
    return result


def _bureau_balance_rollup(interim: Path) -> pd.DataFrame:
    balance = pd.read_parquet(interim / "bureau_balance.parquet")
    status = balance["STATUS"]
    late = status.isin(LATE)
    for level in BUREAU_BALANCE.column("STATUS").levels:
        balance[f"BB_STATUS_{level}_MONTHS"] = (status == level).astype("int64")
    balance["BB_LATE_MONTHS"] = late.astype("int64")
    balance["BB_LATE_MONTHS_12M"] = (late & (balance["MONTHS_BALANCE"] >= -12)).astype("int64")
    balance["BB_LATE_SHARE"] = late.astype("float64")
    balance["BB_WORST_STATUS"] = pd.to_numeric(status.where(status.isin(["0", *LATE])), errors="coerce")
    named = {
        "BB_MONTHS": ("MONTHS_BALANCE", "size"),
        **{c: (c, "sum") for c in balance.columns if c.startswith("BB_STATUS_")},
        "BB_LATE_MONTHS": ("BB_LATE_MONTHS", "sum"),
        "BB_LATE_MONTHS_12M": ("BB_LATE_MONTHS_12M", "sum"),
        "BB_LATE_SHARE": ("BB_LATE_SHARE", "mean"),
        "BB_WORST_STATUS": ("BB_WORST_STATUS", "max"),
        "BB_FIRST_MONTH": ("MONTHS_BALANCE", "min"),
    }
    return balance.groupby("SK_ID_BUREAU").agg(**named).reset_index()


def _ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    return numerator / denominator.replace(0, np.nan)


def _flag(condition: pd.Series, known: pd.Series) -> pd.Series:
    return condition.astype("float64").where(known)


def _pandas_bureau(interim: Path) -> pd.DataFrame:
    rows = pd.read_parquet(interim / "bureau.parquet").merge(
        _bureau_balance_rollup(interim), on="SK_ID_BUREAU", how="left"
    )
    rows["DEBT_CREDIT_RATIO"] = _ratio(rows["AMT_CREDIT_SUM_DEBT"], rows["AMT_CREDIT_SUM"])
    rows["OVERDUE_DEBT_RATIO"] = _ratio(rows["AMT_CREDIT_SUM_OVERDUE"], rows["AMT_CREDIT_SUM_DEBT"])
    rows["CREDIT_DURATION"] = rows["DAYS_CREDIT_ENDDATE"] - rows["DAYS_CREDIT"]
    rows["ENDDATE_GAP"] = rows["DAYS_ENDDATE_FACT"] - rows["DAYS_CREDIT_ENDDATE"]
    rows["IS_OVERDUE"] = _flag(rows["CREDIT_DAY_OVERDUE"] > 0, rows["CREDIT_DAY_OVERDUE"].notna())
    masks = {"ACTIVE": rows["CREDIT_ACTIVE"] == "Active", "CLOSED": rows["CREDIT_ACTIVE"] == "Closed"}
    out = _aggregate(rows, BUREAU, masks)
    out["BUREAU_DEBT_CREDIT_RATIO"] = _ratio(
        out["BUREAU_AMT_CREDIT_SUM_DEBT_SUM"], out["BUREAU_AMT_CREDIT_SUM_SUM"]
    )
    out["BUREAU_ACTIVE_DEBT_CREDIT_RATIO"] = _ratio(
        out["BUREAU_ACTIVE_AMT_CREDIT_SUM_DEBT_SUM"], out["BUREAU_ACTIVE_AMT_CREDIT_SUM_SUM"]
    )
    out["BUREAU_OVERDUE_DEBT_RATIO"] = _ratio(
        out["BUREAU_AMT_CREDIT_SUM_OVERDUE_SUM"], out["BUREAU_AMT_CREDIT_SUM_DEBT_SUM"]
    )
    out["BUREAU_ACTIVE_SHARE"] = _ratio(out["BUREAU_ACTIVE_COUNT"], out["BUREAU_COUNT"])
    return out


def _pandas_installments(interim: Path) -> pd.DataFrame:
    rows = pd.read_parquet(interim / "installments_payments.parquet")
    delay = rows["DAYS_ENTRY_PAYMENT"] - rows["DAYS_INSTALMENT"]
    rows["DPD"] = delay.clip(lower=0)
    rows["DBD"] = (-delay).clip(lower=0)
    rows["PAYMENT_RATIO"] = _ratio(rows["AMT_PAYMENT"], rows["AMT_INSTALMENT"])
    rows["PAYMENT_DIFF"] = rows["AMT_INSTALMENT"] - rows["AMT_PAYMENT"]
    rows["LATE"] = _flag(delay > 0, delay.notna())
    rows["LATE_30"] = _flag(delay > 30, delay.notna())
    short_known = rows["AMT_PAYMENT"].notna() & rows["AMT_INSTALMENT"].notna()
    rows["SHORT"] = _flag(rows["AMT_PAYMENT"] < rows["AMT_INSTALMENT"], short_known)
    masks = {"LAST12M": rows["DAYS_INSTALMENT"] >= -365}
    return _aggregate(rows, INSTALLMENTS_PAYMENTS, masks)


SUM_BASED = {post.name for post in BUREAU.post if "_SUM}" in post.sql}


def compare(engine: pd.DataFrame, pandas: pd.DataFrame) -> tuple[int, int, list[str]]:
    """(features compared, clients, features that differ); a pandas sum of only-missing values is 0."""
    pandas = pandas.reindex(index=engine.index, columns=engine.columns)
    differing = []
    for name in engine.columns:
        a, b = engine[name].to_numpy(), pandas[name].to_numpy()
        same = np.isclose(a, b, rtol=1e-6, atol=1e-6, equal_nan=True)
        if name.endswith("_SUM") or name in SUM_BASED:
            same |= np.isnan(a) & (b == 0)
        if not same.all():
            differing.append(name)
    return len(engine.columns), len(engine.index), differing


# --- serving latency ---------------------------------------------------------------------------------


def serving_latency(interim: Path, n: int = 2_000) -> tuple[float, float]:
    """(mean, p99) microseconds of one application's feature vector on the no-history fast path."""
    rows = pl.read_parquet(interim / "application_test.parquet").head(n).to_dicts()
    fast = vectorizer()
    fast.vector(rows[0])
    timings = []
    for row in rows:
        started = time.perf_counter()
        fast.vector(row)
        timings.append((time.perf_counter() - started) * 1e6)
    return statistics.fmean(timings), float(np.percentile(timings, 99))


# --- main --------------------------------------------------------------------------------------------


def _data_dir(args: argparse.Namespace) -> Path:
    base = args.dir or BenchSettings().bench_dir
    return base / f"features-{args.clients}-{args.seed}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=KAGGLE_CLIENTS)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--dir", type=Path, default=None)
    args, _ = parser.parse_known_args()
    data_dir = _data_dir(args)
    interim = data_dir / "interim"
    if not (interim / "manifest.json").exists():
        measure(prepare, data_dir, args.clients, args.seed)
    rows = {p.stem: pl.scan_parquet(p).select(pl.len()).collect().item() for p in interim.glob("*.parquet")}
    secondary = sum(n for name, n in rows.items() if not name.startswith(("application", "ground")))
    print(
        f"data: {data_dir} ({rows.get('application_train', 0):,} + {rows.get('application_test', 0):,} "
        f"clients, {secondary / 1e6:.1f} M secondary rows); {args.threads} cores"
    )

    load = os.getloadavg()[0]
    build = measure(full_build, interim, data_dir / "processed", args.threads, cores=args.threads)
    describe, cpu, built = build.result
    print(describe)
    print(
        f"full feature build: {build.seconds:.1f} s wall, {cpu:.1f} s CPU, peak RSS {build.peak_gb:.2f} GB "
        f"(targets <= {TIME_TARGET_S:.0f} s, <= {MEMORY_TARGET_GB:.0f} GB; machine load {load:.1f} "
        f"before the run)"
    )

    engine_out, pandas_out = data_dir / "engine_subset.parquet", data_dir / "pandas_subset.parquet"
    engine = measure(engine_subset, interim, engine_out, args.threads, cores=args.threads)
    pandas = measure(pandas_subset, interim, pandas_out, cores=args.threads)
    features, clients, differing = compare(pd.read_parquet(engine_out), pd.read_parquet(pandas_out))
    (engine_s, engine_cpu), (pandas_s, pandas_cpu) = engine.result, pandas.result
    print(
        f"bureau + installments features: engine {engine_s:.1f} s ({engine_cpu:.1f} s CPU) / "
        f"{engine.peak_gb:.2f} GB, pandas {pandas_s:.1f} s ({pandas_cpu:.1f} s CPU) / "
        f"{pandas.peak_gb:.2f} GB -> {pandas_s / engine_s:.1f}x faster, "
        f"{pandas_cpu / engine_cpu:.1f}x less CPU (target >= {RATIO_TARGET:.0f}x)"
    )
    agreement = "all equal" if not differing else f"DIFFER on {len(differing)}: {differing[:8]}"
    print(f"  same {features} features x {clients:,} clients in both: {agreement}")

    mean_us, p99_us = serving_latency(interim)
    print(
        f"serving fast path (one application, no history): mean {mean_us:.0f} us, p99 {p99_us:.0f} us "
        f"per application (target <= 2000 us)"
    )
    scale = (
        f"{rows.get('application_train', 0):,} + {rows.get('application_test', 0):,} clients, "
        f"{secondary / 1e6:.1f} M secondary rows"
    )
    figures = [
        Figure(
            "features.full",
            f"features, full build ({scale}; {built} features)",
            f"{build.seconds:.1f} s wall ({cpu:.1f} s CPU), {build.peak_gb:.2f} GB peak",
            f"≤ {TIME_TARGET_S:.0f} s, ≤ {MEMORY_TARGET_GB:.0f} GB",
        ),
        Figure(
            "features.pandas",
            f"features vs pandas (bureau + installments aggregates, same {features} values: {agreement})",
            f"engine {engine_s:.1f} s / {engine.peak_gb:.2f} GB, pandas {pandas_s:.1f} s / "
            f"{pandas.peak_gb:.2f} GB: {pandas_s / engine_s:.1f}× faster",
            f"≥ {RATIO_TARGET:.0f}×",
        ),
        Figure(
            "features.one",
            "features, one application without history",
            f"mean {mean_us:.0f} µs, p99 {p99_us:.0f} µs",
            "≤ 2 ms",
        ),
    ]
    record("bench_features", figures)


if __name__ == "__main__":
    main()
