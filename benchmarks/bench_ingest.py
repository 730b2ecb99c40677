"""Time `ingest_tables` on raw tables of full Kaggle size, tiled from the real sample rows.

Usage: python -m benchmarks.bench_ingest [--work DIR] [--scale 1.0]
The tiled CSVs (about 2.5 GB at scale 1) are built once, in a child process, in DIR/raw-SCALE and reused.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import time
from pathlib import Path

import polars as pl

from benchmarks.figures import Figure, record
from benchmarks.settings import BenchSettings
from scoring.data.ingest import ingest_tables
from scoring.data.schema import KEY, TABLES

KAGGLE_ROWS = {
    "application_train": 307_511,
    "application_test": 48_744,
    "bureau": 1_716_428,
    "bureau_balance": 27_299_925,
    "previous_application": 1_670_214,
    "POS_CASH_balance": 10_001_358,
    "installments_payments": 13_605_401,
    "credit_card_balance": 3_840_312,
}
KEY_STRIDE = 10_000_000


def tile(sample: pl.DataFrame, name: str, rows: int) -> pl.DataFrame:
    """`rows` rows made of copies of `sample`, each copy's keys shifted so that keys stay unique."""
    keys = [c.name for c in TABLES[name].columns if c.kind == KEY]
    copies = -(-rows // sample.height)
    frame = pl.concat([sample] * copies).head(rows)
    shift = (pl.int_range(pl.len(), dtype=pl.Int64) // sample.height) * KEY_STRIDE
    return frame.with_columns(pl.col(k).cast(pl.Int64) + shift for k in keys)


def build(raw: Path, scale: float) -> None:
    raw.mkdir(parents=True, exist_ok=True)
    for name, rows in KAGGLE_ROWS.items():
        path = raw / f"{name}.csv"
        if not path.exists():
            sample_dir = BenchSettings().homecredit_sample
            sample = pl.read_csv(sample_dir / f"{name}.csv", infer_schema=False)
            tile(sample, name, int(rows * scale)).write_csv(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--work", type=Path, default=Path("/tmp/ingest-full-scale"))
    parser.add_argument("--scale", type=float, default=1.0)
    args, _ = parser.parse_known_args()
    raw = args.work / f"raw-{args.scale:g}"
    started = time.perf_counter()
    builder = multiprocessing.get_context("spawn").Process(target=build, args=(raw, args.scale))
    builder.start()
    builder.join()
    size = sum(p.stat().st_size for p in raw.glob("*.csv")) / 1e9
    print(f"raw CSVs: {size:.2f} GB in {raw} (built or reused in {time.perf_counter() - started:.1f} s)")
    started = time.perf_counter()
    report = ingest_tables(raw, args.work / "interim")
    elapsed = time.perf_counter() - started
    print(report.describe())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    print(f"ingest: {elapsed:.1f} s, peak RSS {peak:.2f} GB")
    step = f"ingest, {args.scale:g} × full scale ({size:.1f} GB of CSV tiled from the real rows)"
    key = "ingest.full" if args.scale == 1 else f"ingest.scale-{args.scale:g}"
    record("bench_ingest", [Figure(key, step, f"{elapsed:.1f} s, {peak:.2f} GB peak", "—")])


if __name__ == "__main__":
    main()
