"""`scoring train` speed and quality: demo data, the real sample rows, and full Kaggle scale, on 2 cores.

Usage: python -m benchmarks.bench_train [--clients 30000] [--full-clients 307511] [--skip-full] [--cores 2]
[--seed 42] [--dir DIR] [--no-mlflow]. Synthetic data are generated, ingested and turned into features once
per size into DIR (default $SCORING_BENCH_DIR, else /tmp/scoring-bench, then train-<clients>-<seed>/, laid
out as a SCORING_HOME) and reused. Each training runs in a fresh child process pinned to `--cores` CPUs with
the default settings (no tuning) and MLflow tracking, as `scoring train` does. Printed: wall time, CPU time
(all threads; on busy cores the wall time grows, not the CPU time), the load average, and peak memory against
the targets (demo <= 2 min, full scale <= 30 min), the candidates table, the LightGBM / oracle
AUC ratio (target >= 0.97), the cost of the chosen threshold against "accept everyone" and threshold 0.5,
and the out-of-fold AUC of a model trained only on the real rows of ../shared/data/homecredit-sample/.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from benchmarks.measure import measure
from scoring.config import DEMO_CLIENTS, PROJECT_ROOT, Paths
from scoring.data.ingest import ingest_tables
from scoring.data.synth import generate_tables
from scoring.features.build import build_features
from scoring.modeling.train import TrainConfig, TrainInputs, train_model

KAGGLE_CLIENTS = 307_511
DEMO_TARGET_S, FULL_TARGET_S = 120.0, 1800.0


def bench_dir(root: Path | None, clients: int, seed: int) -> Path:
    base = root or Path(os.environ.get("SCORING_BENCH_DIR", "/tmp/scoring-bench"))
    return base / f"train-{clients}-{seed}"


def prepare(home: Path, clients: int | None, seed: int, raw: Path | None = None) -> Paths:
    """Raw tables (generated unless ``raw`` is given), ingested tables and features under ``home``."""
    paths = Paths(home)
    if not paths.features.exists():
        source = raw or paths.synthetic
        if raw is None and not (source / "application_train.csv").exists():
            print(generate_tables(clients, seed, source, None).describe().splitlines()[-1], flush=True)
        ingest_tables(source, paths.interim)
        print(build_features(paths.interim, paths.features, paths.feature_dictionary).describe(), flush=True)
    return paths


def train_home(home: str, track: bool) -> tuple[str, dict, float]:
    """Train with the default settings on the features under ``home``: summary, CV metrics, CPU seconds."""
    inputs = TrainInputs.from_paths(Paths(Path(home)))
    started = time.process_time()
    result = train_model(inputs, replace(TrainConfig(), track=track, progress=False))
    return result.describe(), result.metadata["cv_metrics"], time.process_time() - started


def _report(label: str, home: Path, cores: int, target_s: float | None, track: bool) -> None:
    load = os.getloadavg()[0]
    run = measure(train_home, str(home), track, cores=cores)
    summary, metrics, cpu = run.result
    print(summary)
    target = f" (target <= {target_s / 60:.0f} min)" if target_s else ""
    print(
        f"{label}: trained in {run.seconds:.1f} s{target}, CPU {cpu:.1f} s, peak RSS {run.peak_gb:.2f} GB, "
        f"{cores} cores, load average {load:.1f} at start; out-of-fold AUC {metrics['auc']:.4f}",
        flush=True,
    )


def _real_sample() -> Path | None:
    path = Path(
        os.environ.get("HOMECREDIT_SAMPLE", PROJECT_ROOT.parent / "shared" / "data" / "homecredit-sample")
    )
    return path if (path / "application_train.csv").exists() else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=DEMO_CLIENTS)
    parser.add_argument("--full-clients", type=int, default=KAGGLE_CLIENTS)
    parser.add_argument("--skip-full", action="store_true")
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--no-mlflow", action="store_true")
    args, _ = parser.parse_known_args()
    track = not args.no_mlflow

    demo = prepare(bench_dir(args.dir, args.clients, args.seed), args.clients, args.seed)
    _report(f"demo ({args.clients:,} clients)", demo.home, args.cores, DEMO_TARGET_S, track)

    sample = _real_sample()
    if sample is None:
        print("real sample rows not found: set HOMECREDIT_SAMPLE to measure the real-data AUC")
    else:
        with tempfile.TemporaryDirectory(prefix="bench-train-real-") as tmp:
            real = prepare(Path(tmp), None, args.seed, raw=sample)
            _report("real sample rows", real.home, args.cores, None, track)

    if not args.skip_full:
        full = prepare(bench_dir(args.dir, args.full_clients, args.seed), args.full_clients, args.seed)
        _report(f"full scale ({args.full_clients:,} clients)", full.home, args.cores, FULL_TARGET_S, track)


if __name__ == "__main__":
    main()
