"""`scoring drift` at Kaggle scale on 2 cores: 307,511 training clients (sampled to the documented 50,000,
stratified on TARGET) x the 50 most important features against 48,744 current clients (target <= 2 min).

Usage: python -m benchmarks.bench_drift [--home DIR] [--cores 2] [--features 50] [--seed 42].
The home (a SCORING_HOME with features.parquet and a promoted bundle) is --home, else the full-scale home of
bench_train ($SCORING_BENCH_DIR or /tmp/scoring-bench, train-307511-42/) when it holds a model, else
$SCORING_HOME / the project (after `make run`). When it has fewer clients than Kaggle, its training and
application_test clients are drawn with replacement up to 307,511 and 48,744 (new ids) so that the check runs
at full scale on realistic values. The check runs in a fresh child process pinned to --cores CPUs; printed:
the time of each stage (Evidently import, reference sampling, scoring the current clients, the Evidently
report, the summary, writing HTML + JSON), the total against the target, peak memory and the verdict.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl

from benchmarks.figures import Figure, record
from benchmarks.measure import measure
from benchmarks.settings import BenchSettings
from scoring.drift.defaults import REFERENCE_ROWS, SEED, TOP_FEATURES
from scoring.home import Paths
from scoring.settings import get_paths

KAGGLE_TRAIN, KAGGLE_TEST = 307_511, 48_744
TARGET_S = 120.0
ID = "SK_ID_CURR"


def _has_model(home: Path) -> bool:
    paths = Paths(home)
    return (paths.models / "champion.json").is_file() and paths.features.is_file()


def pick_home(given: Path | None) -> Path | None:
    """--home, else bench_train's full-scale home with a model, else the project's; None when none has one."""
    bench = BenchSettings().bench_dir / f"train-{KAGGLE_TRAIN}-42"
    for home in (given,) if given else (bench, get_paths().home):
        if home is not None and _has_model(home):
            return home
    return None


def _resize(frame: pl.DataFrame, rows: int, seed: int) -> pl.DataFrame:
    """`frame` as is when it has at least `rows` rows, else drawn with replacement to `rows`, new ids."""
    if frame.height >= rows:
        return frame
    picked = np.random.default_rng(seed).integers(0, frame.height, rows)
    return frame[picked].with_columns(pl.Series(ID, np.arange(1, rows + 1), dtype=pl.Int64))


def drift_at_scale(home: str, out: str, top: int, seed: int) -> dict:
    """The timed drift check (runs in the child): stage times, row counts and the verdict."""
    times = {}
    started = time.perf_counter()
    from scoring.drift.current import score_sample
    from scoring.drift.index import report_directory, save_report
    from scoring.drift.reference import read_split, reference_sample
    from scoring.drift.report import build_report
    from scoring.drift.settings import DriftSettings
    from scoring.drift.summary import summarise
    from scoring.drift.watched_features import top_features
    from scoring.modeling.bundle import load_bundle

    times["import Evidently"] = time.perf_counter() - started
    paths = Paths(Path(home))
    bundle = load_bundle(paths.models)
    settings = DriftSettings(top_features=top, seed=seed)
    features = top_features(bundle, top)
    train = read_split(paths.features, "train", [f.name for f in features])
    joined = _resize(train.join(bundle.oof().select(ID, "probability"), on=ID), KAGGLE_TRAIN, seed)
    test = _resize(read_split(paths.features, "test"), KAGGLE_TEST, seed + 1)
    clock = time.perf_counter()
    reference = reference_sample(joined.drop("probability"), joined, bundle, features, REFERENCE_ROWS, seed)
    times["reference sample"] = time.perf_counter() - clock
    clock = time.perf_counter()
    current = score_sample(test, bundle, features, "test", f"application_test clients ({test.height:,})")
    times["score current"] = time.perf_counter() - clock
    clock = time.perf_counter()
    run = build_report(reference, current, features, settings, bundle.threshold)
    times["Evidently report"] = time.perf_counter() - clock
    clock = time.perf_counter()
    created = datetime.now(UTC).replace(microsecond=0)
    model = {"version": bundle.version, "threshold": bundle.threshold}
    summary = summarise(run, reference, current, settings, model, "bench", created)
    times["summary"] = time.perf_counter() - clock
    clock = time.perf_counter()
    directory = save_report(run.snapshot, summary, report_directory(Path(out), created, "bench"))
    times["write HTML + JSON"] = time.perf_counter() - clock
    return {
        "times": times,
        "train_rows": joined.height,
        "source_train_rows": train.height,
        "reference_rows": reference.rows,
        "current_rows": current.rows,
        "features": len(features),
        "html_mb": (directory / "report.html").stat().st_size / 1e6,
        "share_drifted": summary["share_drifted"],
        "drift_detected": summary["drift_detected"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--home", type=Path, default=None)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--features", type=int, default=TOP_FEATURES)
    parser.add_argument("--seed", type=int, default=SEED)
    args, _ = parser.parse_known_args()
    home = pick_home(args.home)
    if home is None:
        print("bench_drift skipped: no home with features.parquet and a promoted model (run `make run`)")
        return
    with tempfile.TemporaryDirectory(prefix="bench-drift-") as out:
        run = measure(drift_at_scale, str(home), out, args.features, args.seed, cores=args.cores)
    r = run.result
    drawn = " (drawn with replacement)" if r["source_train_rows"] < r["train_rows"] else ""
    print(
        f"home {home}: {r['source_train_rows']:,} training clients -> {r['train_rows']:,}{drawn}; "
        f"reference {r['reference_rows']:,} (stratified on TARGET) x {r['features']} features "
        f"vs {r['current_rows']:,} current clients, {args.cores} cores"
    )
    for stage, seconds in r["times"].items():
        print(f"  {stage:<20}{seconds:8.1f} s")
    total = sum(r["times"].values())
    verdict = "OK" if total <= TARGET_S else "OVER TARGET"
    print(f"  {'total':<20}{total:8.1f} s (target <= {TARGET_S:.0f} s): {verdict}")
    print(
        f"child wall time {run.seconds:.1f} s (with loading the data), peak RSS {run.peak_gb:.2f} GB; "
        f"HTML {r['html_mb']:.1f} MB; share drifted {r['share_drifted']:.2f}, "
        f"drift detected: {r['drift_detected']}"
    )
    step = (
        f"drift, {r['train_rows']:,} training clients (reference {r['reference_rows']:,} sampled) × "
        f"{r['features']} features vs {r['current_rows']:,}"
    )
    figure = Figure("drift.full", step, f"{total:.1f} s, {run.peak_gb:.2f} GB", f"≤ {TARGET_S / 60:.0f} min")
    record("bench_drift", [figure])


if __name__ == "__main__":
    main()
