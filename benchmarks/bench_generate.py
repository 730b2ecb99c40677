"""Synthetic generator speed: full Kaggle scale and the demo size, wall time and peak memory on 2 cores.

Usage: python -m benchmarks.bench_generate [--clients 307511] [--demo-clients 30000] [--cores 2]
[--skip-full]. Each run writes into a temporary directory, removed afterwards, from a fresh process
pinned to `--cores` CPUs. Targets: full scale <= 3 min and <= 8 GB; demo <= 20 s.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from benchmarks.figures import Figure, record
from benchmarks.measure import measure
from scoring.data.synth import generate_tables
from scoring.home import DEMO_CLIENTS

KAGGLE_CLIENTS = 307_511
FULL_TARGET_S, FULL_TARGET_GB, DEMO_TARGET_S = 180.0, 8.0, 20.0


def generate(clients: int, seed: int) -> str:
    """Generate into a temporary directory; return the summary text."""
    with tempfile.TemporaryDirectory(prefix="bench-generate-") as out:
        return generate_tables(clients, seed, Path(out), None).describe()


def _report(
    key: str, label: str, clients: int, cores: int, target_s: float, target_gb: float | None
) -> Figure:
    run = measure(generate, clients, 42, cores=cores)
    print(run.result)
    memory = f" (target <= {target_gb:.0f} GB)" if target_gb else ""
    print(
        f"{label}: {clients:,} clients in {run.seconds:.1f} s (target <= {target_s:.0f} s), "
        f"peak RSS {run.peak_gb:.2f} GB{memory}, {cores} cores",
        flush=True,
    )
    target = f"≤ {target_s:.0f} s" + (f", ≤ {target_gb:.0f} GB" if target_gb else "")
    step = f"{label} ({clients:,} clients, {cores} cores)"
    return Figure(key, step, f"{run.seconds:.1f} s, {run.peak_gb:.2f} GB peak", target)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=KAGGLE_CLIENTS)
    parser.add_argument("--demo-clients", type=int, default=DEMO_CLIENTS)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--skip-full", action="store_true")
    args, _ = parser.parse_known_args()
    figures = [_report("generate.demo", "generate, demo", args.demo_clients, args.cores, DEMO_TARGET_S, None)]
    if not args.skip_full:
        figures.append(
            _report(
                "generate.full",
                "generate, full scale",
                args.clients,
                args.cores,
                FULL_TARGET_S,
                FULL_TARGET_GB,
            )
        )
    record("bench_generate", figures)


if __name__ == "__main__":
    main()
