"""Back-test of the label-free performance estimate (CBPE) on the synthetic twin (target: the estimated AUC
within 0.02 of the realised one for >= 80 % of windows of >= 2,000 clients).

Usage: python -m benchmarks.bench_cbpe [--clients 30000] [--seed 42] [--per-size 6].
The model is the demo one: `scoring train` with its default settings on a synthetic home of --clients
clients (built once into $SCORING_BENCH_DIR/cbpe-<clients>-<seed>/, default /tmp/scoring-bench). Windows of
2,000, 5,000 and 10,000 new clients are generated with and without drift (`scoring generate --drift ...`),
scored by the bundle and estimated without their labels; printed: each window's estimated, realised and
true-probability expected AUC, the default rates, and the share of windows within 0.02 per size and overall.
"""

from __future__ import annotations

import argparse
import time

from benchmarks.figures import Figure, record
from benchmarks.settings import BenchSettings
from scoring.data.ingest import ingest_tables
from scoring.data.synth import generate_tables
from scoring.drift.backtest import MIN_WINDOW, REQUIRED_SHARE, TOLERANCE, WindowSpec, run_backtest, verdict
from scoring.features.build import build_features
from scoring.home import Paths
from scoring.modeling.bundle import load_bundle
from scoring.modeling.train import TrainConfig, TrainInputs, train_model

SIZES = (2_000, 5_000, 10_000)
DRIFTS = (
    {},
    {},
    {"ext_source": -0.1},
    {"income": -0.3, "age": 5.0},
    {"unemployed": 0.3},
    {"late_payments": 2.0},
    {"credit": 0.3, "contract_type": 0.3},
    {"ext_source": -0.2, "late_payments": 3.0},
)


def bench_home(clients: int, seed: int) -> Paths:
    """The demo-size home with a bundle trained by `scoring train`'s defaults (built once)."""
    root = BenchSettings().bench_dir
    paths = Paths(root / f"cbpe-{clients}-{seed}")
    if not paths.champion.exists():
        started = time.perf_counter()
        generate_tables(clients, seed, paths.synthetic, None)
        ingest_tables(paths.synthetic, paths.interim)
        build_features(paths.interim, paths.features, paths.feature_dictionary)
        train_model(TrainInputs.from_paths(paths), TrainConfig(seed=seed, track=False, progress=False))
        print(f"demo home built in {time.perf_counter() - started:.0f} s: {paths.home}")
    return paths


def windows(per_size: int, seed: int) -> list[WindowSpec]:
    specs = []
    for size in SIZES:
        for i in range(per_size):
            drift = DRIFTS[i % len(DRIFTS)]
            name = f"{size}-{i}-" + ("-".join(f"{k}{v:+g}" for k, v in drift.items()) or "none")
            specs.append(WindowSpec(name, size, seed + 1000 + size + i, dict(drift)))
    return specs


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=30_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--per-size", type=int, default=len(DRIFTS))
    args = parser.parse_args(argv)
    paths = bench_home(args.clients, args.seed)
    bundle = load_bundle(paths.models)
    started = time.perf_counter()
    rows = run_backtest(bundle, windows(args.per_size, args.seed), work_dir=paths.home)
    print(
        f"model {bundle.version} ({bundle.metadata['strategy']}, out-of-fold AUC "
        f"{bundle.metadata['cv_metrics']['auc']:.4f}); PDs: {rows[0]['calibration']}"
    )
    print(
        f"{'window':<44} {'est AUC':>8} {'real AUC':>8} {'true exp':>8} {'error':>7} "
        f"{'est DR':>7} {'real DR':>7}"
    )
    for r in rows:
        print(
            f"{r['window']:<44} {r['estimated_auc']:8.4f} {r['realised_auc']:8.4f} "
            f"{r['true_expected_auc']:8.4f} {r['auc_error']:+7.4f} {r['estimated_default_rate']:7.4f} "
            f"{r['realised_default_rate']:7.4f}"
        )
    by_size = []
    for size in SIZES:
        v = verdict([r for r in rows if r["clients"] >= size and r["clients"] < size * 2], TOLERANCE, size)
        print(
            f"windows of {size:,}: {v['within']}/{v['windows']} within {TOLERANCE} "
            f"({v['share_within']:.0%}), mean |error| {v['mean_abs_error']:.4f}"
        )
        by_size.append(f"{v['within']}/{v['windows']} of {size:,} (mean |error| {v['mean_abs_error']:.4f})")
    overall = verdict(rows, TOLERANCE, MIN_WINDOW)
    print(
        f"estimated AUC within {TOLERANCE} of the realised for {overall['within']}/{overall['windows']} "
        f"windows of >= {MIN_WINDOW:,} clients ({overall['share_within']:.0%}; target >= "
        f"{REQUIRED_SHARE:.0%}): {'OK' if overall['passes'] else 'BELOW TARGET'}"
    )
    print(f"back-test time {time.perf_counter() - started:.0f} s")
    step = (
        f"label-free AUC estimate (CBPE) vs realised, demo model, {len(rows)} generated windows with and "
        "without drift"
    )
    measured = (
        f"within {TOLERANCE} for {overall['within']}/{overall['windows']} windows "
        f"({overall['share_within']:.0%}): " + "; ".join(by_size)
    )
    target = f"≥ {REQUIRED_SHARE:.0%} of windows of ≥ {MIN_WINDOW:,}"
    record("bench_cbpe", [Figure("cbpe.windows", step, measured, target)])


if __name__ == "__main__":
    main()
