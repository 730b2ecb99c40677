"""`scoring train` speed and decision quality: demo data, the real sample rows, full Kaggle scale, 2 cores.

Usage: python -m benchmarks.bench_train [--clients 30000] [--full-clients 307511] [--skip-full] [--cores 2]
[--seed 42] [--real-seeds 42,7] [--real-only] [--protected-age] [--dir DIR] [--no-mlflow] [--no-quality].
Synthetic data are generated, ingested and turned into features once per size into DIR (default
$SCORING_BENCH_DIR, else /tmp/scoring-bench, then train-<clients>-<seed>/, laid out as a SCORING_HOME) and
reused. Each training runs in a fresh child process pinned to `--cores` CPUs with the default settings (no
tuning) and MLflow tracking, as `scoring train` does. Printed for each data set: wall time, CPU time (all
threads; on busy cores the wall time grows, not the CPU time), the load average and peak memory against the
targets (demo <= 2 min, full scale <= 30 min); the feature selection (full vs selected out-of-fold AUC); the
candidates table (mean ± std over the repeats); the champion's out-of-fold AUC (and its ratio to the oracle on
synthetic data, target >= 0.97), cost against "accept everyone", Brier, log-loss, ECE and mean probability
against the observed rate (targets ECE <= 0.02, within 10 %); the challenger scorecard. Then, on the trained
home (unless --no-quality): violations of monotonicity along each lever of the policy for 500 stored clients
(champion and challenger), the share of capped counter-offers among accepted clients, and the out-of-fold AUC
cost of the monotone constraints. The real sample rows of ../shared/data/homecredit-sample/ are trained once
per seed of --real-seeds (targets: out-of-fold AUC >= 0.755, cost <= 0.63 x accept-all), each with the
approval ratios by age band, then their mean over the seeds. --real-only trains the real sample rows only;
--protected-age trains with the protected-attributes policy plus age (DAYS_BIRTH), so that every age-derived
feature is kept away from the models as the sex-derived ones are.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from benchmarks.figures import Figure, record
from benchmarks.measure import measure
from benchmarks.settings import BenchSettings
from benchmarks.train_figures import (
    REAL_AUC_TARGET,
    REAL_COST_TARGET,
    Run,
    age_ratios,
    quality,
    real_rows,
    training,
)
from benchmarks.train_quality import capped_share, constraint_cost, lever_checks
from scoring.data.ingest import ingest_tables
from scoring.data.synth import generate_tables
from scoring.features.build import build_features
from scoring.features.protected import POLICY_FILE as PROTECTED_FILE
from scoring.home import DEMO_CLIENTS, Paths
from scoring.modeling.train import TrainConfig, TrainInputs, train_model

KAGGLE_CLIENTS = 307_511
DEMO_TARGET_S, FULL_TARGET_S = 120.0, 1800.0
AGE_ENTRY = {
    "column": "DAYS_BIRTH",
    "attribute": "age",
    "source": "the lender's own policy (AU-005 allows age; bench_train --protected-age)",
}


def bench_dir(root: Path | None, clients: int, seed: int) -> Path:
    base = root or BenchSettings().bench_dir
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


def protected_file(directory: Path, age: bool) -> Path:
    """The packaged protected-attributes policy, or (``age``) a copy in ``directory`` that also lists age."""
    if not age:
        return PROTECTED_FILE
    data = json.loads(PROTECTED_FILE.read_text())
    data["protected"] = [e for e in data["protected"] if e["column"] != AGE_ENTRY["column"]] + [AGE_ENTRY]
    path = directory / "protected-age.json"
    path.write_text(json.dumps(data, indent=2))
    return path


def train_home(home: str, track: bool, seed: int, protected: str) -> tuple[str, dict, dict, float]:
    """Train with the default settings on the features under ``home`` and the protected-attributes policy
    ``protected``: summary, champion and challenger metadata, CPU seconds."""
    inputs = replace(TrainInputs.from_paths(Paths(Path(home))), protected=Path(protected))
    started = time.process_time()
    result = train_model(inputs, replace(TrainConfig(), track=track, progress=False, seed=seed))
    return result.describe(), result.metadata, result.challenger, time.process_time() - started


def _report(
    label: str,
    home: Path,
    cores: int,
    target_s: float | None,
    track: bool,
    seed: int,
    protected: Path = PROTECTED_FILE,
) -> Run:
    load = os.getloadavg()[0]
    run = measure(train_home, str(home), track, seed, str(protected), cores=cores)
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
        f"{label}: protected features kept away from the models: "
        f"{', '.join(meta['protected']['features']) or 'none'}",
        f"{label}: challenger {challenger['candidate']} ({len(challenger['features'])} features): AUC "
        f"{challenger['cv_metrics']['auc']:.4f}, cost {challenger['cv_metrics']['cost_vs_accept_all']:.3f} x "
        f"accept-all, ECE {challenger['cv_metrics']['ece']:.4f}",
        sep="\n",
        flush=True,
    )
    return Run(run.seconds, cpu, run.peak_gb, load, meta, challenger)


def _quality(key: str, label: str, home: Path, meta: dict, repeats: int) -> list[Figure]:
    paths = Paths(home)
    checks = []
    for role, version in (("champion", meta["version"]), ("challenger", meta["challenger"]["version"])):
        for check in lever_checks(paths, version):
            print(f"{label}: monotonicity ({role}) {check.describe()}", flush=True)
            checks.append(check)
    capped, checked = capped_share(paths)
    print(
        f"{label}: counter-offers capped (only the product's maximum stops them) for {capped} of {checked} "
        f"accepted clients ({capped / max(checked, 1):.1%})",
        flush=True,
    )
    costs = constraint_cost(paths, repeats)
    for cost in costs:
        print(f"{label}: {cost.describe()}", flush=True)
    return quality(key, label, checks, costs)


def _real_sample() -> Path | None:
    path = BenchSettings().homecredit_sample
    return path if (path / "application_train.csv").exists() else None


def _real(args: argparse.Namespace, track: bool) -> list[Figure]:
    sample = _real_sample()
    if sample is None:
        print("real sample rows not found: set HOMECREDIT_SAMPLE to measure the real-data figures")
        return []
    seeds = [int(s) for s in args.real_seeds.split(",")]
    runs, figures = [], []
    for seed in seeds:
        with tempfile.TemporaryDirectory(prefix="bench-train-real-") as tmp:
            real = prepare(Path(tmp), None, seed, raw=sample)
            label = f"real sample rows (seed {seed})"
            protected = protected_file(Path(tmp), args.protected_age)
            run = _report(label, real.home, args.cores, None, track, seed, protected)
            runs.append(run)
            meta = run.meta
            ratios = ", ".join(f"{band} {ratio:.3f}" for band, ratio in age_ratios(meta).items())
            print(f"{label}: approval ratio by age band: {ratios}", flush=True)
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
            if not args.no_quality and seed == seeds[0]:
                figures += _quality("train.real", label, real.home, meta, repeats=3)
    summary = real_rows(seeds, runs, args.protected_age)
    for figure in summary:
        print(f"{figure.step}: {figure.measured}", flush=True)
    return summary + figures


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
    parser.add_argument("--real-only", action="store_true", help="train the real sample rows only")
    parser.add_argument(
        "--protected-age", action="store_true", help="keep age (DAYS_BIRTH) away from the models too"
    )
    args, _ = parser.parse_known_args()
    track = not args.no_mlflow
    figures = []
    if not args.real_only:
        with tempfile.TemporaryDirectory(prefix="bench-train-policy-") as tmp:
            demo = prepare(bench_dir(args.dir, args.clients, args.seed), args.clients, args.seed)
            label = f"demo ({args.clients:,} clients)"
            protected = protected_file(Path(tmp), args.protected_age)
            run = _report(label, demo.home, args.cores, DEMO_TARGET_S, track, args.seed, protected)
        figures += training("train.demo", label, run, DEMO_TARGET_S)
        if not args.no_quality:
            figures += _quality("train.demo", label, demo.home, run.meta, repeats=1)

    figures += _real(args, track)

    if not args.skip_full and not args.real_only:
        full = prepare(bench_dir(args.dir, args.full_clients, args.seed), args.full_clients, args.seed)
        label = f"full scale ({args.full_clients:,} clients)"
        run = _report(label, full.home, args.cores, FULL_TARGET_S, track, args.seed)
        figures += training("train.full", label, run, FULL_TARGET_S)
    record("bench_train", figures)


if __name__ == "__main__":
    main()
