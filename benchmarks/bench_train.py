"""`scoring train` speed and decision quality: demo data, the real sample rows, full Kaggle scale, 2 cores.

Usage: python -m benchmarks.bench_train [--clients 30000] [--full-clients 307511] [--skip-full] [--cores 2]
[--seed 42] [--real-seeds 42,7] [--dir DIR] [--no-mlflow] [--no-quality]. Synthetic data are generated,
ingested and turned into features once per size into DIR (default $SCORING_BENCH_DIR, else
/tmp/scoring-bench, then train-<clients>-<seed>/, laid out as a SCORING_HOME) and reused. Each training runs
in a fresh child process pinned to `--cores` CPUs with the default settings (no tuning) and MLflow tracking,
as `scoring train` does. Printed for each data set: wall time, CPU time (all threads; on busy cores the wall
time grows, not the CPU time), the load average and peak memory against the targets (demo <= 2 min, full
scale <= 30 min); the feature selection (full vs selected out-of-fold AUC); the candidates table (mean ± std
over the repeats); the champion's out-of-fold AUC (and its ratio to the oracle on synthetic data, target
>= 0.97), cost against "accept everyone", Brier, log-loss, ECE and mean probability against the observed
rate (targets ECE <= 0.02, within 10 %); the challenger scorecard. Then, on the trained home (unless
--no-quality): violations of monotonicity along each lever of the policy for 500 stored clients (champion
and challenger), the share of capped counter-offers among accepted clients, and the out-of-fold AUC cost of
the monotone constraints. The real sample rows of ../shared/data/homecredit-sample/ are trained once per
seed of --real-seeds (targets: out-of-fold AUC >= 0.755, cost <= 0.63 x accept-all).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from benchmarks.measure import measure
from benchmarks.train_quality import capped_share, constraint_cost, lever_checks
from scoring.config import DEMO_CLIENTS, PROJECT_ROOT, Paths
from scoring.data.ingest import ingest_tables
from scoring.data.synth import generate_tables
from scoring.features.build import build_features
from scoring.modeling.train import TrainConfig, TrainInputs, train_model

KAGGLE_CLIENTS = 307_511
DEMO_TARGET_S, FULL_TARGET_S = 120.0, 1800.0
REAL_AUC_TARGET, REAL_COST_TARGET = 0.755, 0.63


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


def train_home(home: str, track: bool, seed: int) -> tuple[str, dict, dict, float]:
    """Train with the default settings on the features under ``home``: summary, champion and challenger
    metadata, CPU seconds."""
    inputs = TrainInputs.from_paths(Paths(Path(home)))
    started = time.process_time()
    result = train_model(inputs, replace(TrainConfig(), track=track, progress=False, seed=seed))
    return result.describe(), result.metadata, result.challenger, time.process_time() - started


def _report(label: str, home: Path, cores: int, target_s: float | None, track: bool, seed: int) -> dict:
    load = os.getloadavg()[0]
    run = measure(train_home, str(home), track, seed, cores=cores)
    summary, meta, challenger, cpu = run.result
    print(summary)
    m = meta["cv_metrics"]
    target = f" (target <= {target_s / 60:.0f} min)" if target_s else ""
    oracle = (
        f" = {m['auc'] / m['oracle_auc']:.3f} x oracle {m['oracle_auc']:.4f}" if m.get("oracle_auc") else ""
    )
    print(
        f"{label}: trained in {run.seconds:.1f} s{target}, CPU {cpu:.1f} s, peak RSS {run.peak_gb:.2f} GB, "
        f"{cores} cores, load average {load:.1f} at start",
        f"{label}: champion {meta['candidate']} ({len(meta['features'])} features): out-of-fold AUC "
        f"{m['auc']:.4f} ± {m['auc_std']:.4f}{oracle}; cost {m['cost_vs_accept_all']:.3f} x accept-all at "
        f"threshold {meta['threshold']:.4f}; Brier {m['brier']:.4f}, log-loss {m['log_loss']:.4f}, ECE "
        f"{m['ece']:.4f}, mean probability {m['mean_pd']:.4f} vs observed {m['observed_rate']:.4f} "
        f"({m['mean_pd'] / m['observed_rate'] - 1:+.1%})",
        f"{label}: challenger {challenger['candidate']} ({len(challenger['features'])} features): AUC "
        f"{challenger['cv_metrics']['auc']:.4f}, cost {challenger['cv_metrics']['cost_vs_accept_all']:.3f} x "
        f"accept-all, ECE {challenger['cv_metrics']['ece']:.4f}",
        sep="\n",
        flush=True,
    )
    return meta


def _quality(label: str, home: Path, meta: dict, repeats: int) -> None:
    paths = Paths(home)
    for role, version in (("champion", meta["version"]), ("challenger", meta["challenger"]["version"])):
        for check in lever_checks(paths, version):
            print(f"{label}: monotonicity ({role}) {check.describe()}", flush=True)
    capped, checked = capped_share(paths)
    print(
        f"{label}: counter-offers capped (accepted at every amount tried) for {capped} of {checked} accepted "
        f"clients ({capped / max(checked, 1):.1%})",
        flush=True,
    )
    for cost in constraint_cost(paths, repeats):
        print(f"{label}: {cost.describe()}", flush=True)


def _real_sample() -> Path | None:
    path = Path(
        os.environ.get("HOMECREDIT_SAMPLE", PROJECT_ROOT.parent / "shared" / "data" / "homecredit-sample")
    )
    return path if (path / "application_train.csv").exists() else None


def _real(args: argparse.Namespace, track: bool) -> None:
    sample = _real_sample()
    if sample is None:
        print("real sample rows not found: set HOMECREDIT_SAMPLE to measure the real-data figures")
        return
    for seed in (int(s) for s in args.real_seeds.split(",")):
        with tempfile.TemporaryDirectory(prefix="bench-train-real-") as tmp:
            real = prepare(Path(tmp), None, seed, raw=sample)
            label = f"real sample rows (seed {seed})"
            meta = _report(label, real.home, args.cores, None, track, seed)
            m = meta["cv_metrics"]
            verdict = (
                "OK"
                if m["auc"] >= REAL_AUC_TARGET and m["cost_vs_accept_all"] <= REAL_COST_TARGET
                else "BELOW TARGET"
            )
            print(
                f"{label}: targets AUC >= {REAL_AUC_TARGET} and cost <= {REAL_COST_TARGET} x accept-all: "
                f"{verdict}",
                flush=True,
            )
            if not args.no_quality and seed == int(args.real_seeds.split(",")[0]):
                _quality(label, real.home, meta, repeats=3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=DEMO_CLIENTS)
    parser.add_argument("--full-clients", type=int, default=KAGGLE_CLIENTS)
    parser.add_argument("--skip-full", action="store_true")
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--real-seeds", default="42,7")
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--no-mlflow", action="store_true")
    parser.add_argument("--no-quality", action="store_true")
    args, _ = parser.parse_known_args()
    track = not args.no_mlflow

    demo = prepare(bench_dir(args.dir, args.clients, args.seed), args.clients, args.seed)
    label = f"demo ({args.clients:,} clients)"
    meta = _report(label, demo.home, args.cores, DEMO_TARGET_S, track, args.seed)
    if not args.no_quality:
        _quality(label, demo.home, meta, repeats=1)

    _real(args, track)

    if not args.skip_full:
        full = prepare(bench_dir(args.dir, args.full_clients, args.seed), args.full_clients, args.seed)
        label = f"full scale ({args.full_clients:,} clients)"
        _report(label, full.home, args.cores, FULL_TARGET_S, track, args.seed)


if __name__ == "__main__":
    main()
