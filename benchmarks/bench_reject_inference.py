"""Reject inference measured on the synthetic twin, where every applicant's true probability is known.

Usage: python -m benchmarks.bench_reject_inference [--seeds 1,2,3] [--n 15000] [--rate 0.1] [--threads 2]
       [--fuzzy-factor F] [--parcelling-factor F]   (factors default to scoring/reject_inference/policy.json)
Per seed: one generation of --n applicants (plus the generator's test share) with the product's features,
split at random into an earlier population (the champion's training, every outcome known), the lender's
through-the-door history (the champion accepts below its cost threshold; only the accepted get their TARGET)
and future applicants. A model per method (none = accepted only, fuzzy, parcelling; and the ceiling trained
on every history applicant's outcome) is measured against the oracle's outcomes on all future applicants
(through the door) and on those the champion accepts. Printed: mean ± standard deviation over the seeds,
then each method's seed-by-seed change against accepted-only (the default decision rests on it).
"""

from __future__ import annotations

import argparse
import re
import time
from dataclasses import replace

import numpy as np

from benchmarks.figures import Figure, record
from scoring.reject_inference.augment import NONE, policy
from scoring.reject_inference.experiment import ACCEPTED, THROUGH_THE_DOOR, run_seed
from scoring.reject_inference.weighted_fit import FitSettings

SUBSETS = {THROUGH_THE_DOOR: "", ACCEPTED: " the champion accepts"}
FIGURES = ("auc", "ece", "mean_pd", "true_mean_pd", "cost_per_1000", "approval_rate")


def summarise(rows: list[dict]) -> list[dict]:
    """Mean and standard deviation of each figure per method and population."""
    keys = dict.fromkeys((r["method"], r["population"]) for r in rows)
    table = []
    for method, population in keys:
        group = [r for r in rows if r["method"] == method and r["population"] == population]
        entry = {"method": method, "population": population, "seeds": len(group)}
        for figure in FIGURES:
            values = np.array([r[figure] for r in group], dtype=np.float64)
            entry[figure] = float(values.mean())
            entry[f"{figure}_std"] = float(values.std(ddof=1)) if len(values) > 1 else 0.0
        table.append(entry)
    return table


def paired(rows: list[dict]) -> list[str]:
    """Per method and population, the seed-by-seed change against accepted-only (none): mean ± std of the
    AUC, ECE and cost differences, and in how many seeds the cost went down."""
    base = {(r["seed"], r["population"]): r for r in rows if r["method"] == NONE}
    lines = ["\nagainst accepted-only, seed by seed (method - none):"]
    for population in (THROUGH_THE_DOOR, ACCEPTED):
        for method in dict.fromkeys(r["method"] for r in rows if r["method"] != NONE):
            group = [r for r in rows if r["method"] == method and r["population"] == population]
            deltas = {
                k: np.array([r[k] - base[(r["seed"], population)][k] for r in group])
                for k in ("auc", "ece", "cost_per_1000")
            }
            spread = {k: v.std(ddof=1) if len(v) > 1 else 0.0 for k, v in deltas.items()}
            lines.append(
                f"  {population:<17}{method:<22}AUC {deltas['auc'].mean():+.4f} ±{spread['auc']:.4f}  "
                f"ECE {deltas['ece'].mean():+.4f} ±{spread['ece']:.4f}  cost/1000 "
                f"{deltas['cost_per_1000'].mean():+7.1f} ±{spread['cost_per_1000']:5.1f}  "
                f"cost lower in {(deltas['cost_per_1000'] < 0).sum()}/{len(group)} seeds"
            )
    return lines


def render(table: list[dict]) -> str:
    header = (
        f"{'method':<22}{'AUC':>16}{'ECE':>16}{'mean PD':>16}{'true PD':>9}{'cost/1000':>18}{'approved':>10}"
    )
    lines = []
    for population in (THROUGH_THE_DOOR, ACCEPTED):
        lines += [
            f"\n{population}: future applicants{SUBSETS[population]}",
            header,
        ]
        for e in (t for t in table if t["population"] == population):
            lines.append(
                f"{e['method']:<22}{e['auc']:>9.4f} ±{e['auc_std']:.4f}{e['ece']:>9.4f} ±{e['ece_std']:.4f}"
                f"{e['mean_pd']:>9.4f} ±{e['mean_pd_std']:.4f}{e['true_mean_pd']:>9.4f}"
                f"{e['cost_per_1000']:>10.1f} ±{e['cost_per_1000_std']:>5.1f}{e['approval_rate']:>10.3f}"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="1,2,3", help="comma-separated seeds")
    parser.add_argument("--n", type=int, default=15_000, help="applicants generated per seed")
    parser.add_argument("--rate", type=float, default=0.1, help="LightGBM learning rate")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--fuzzy-factor", type=float, help="default: policy.json's")
    parser.add_argument("--parcelling-factor", type=float, help="default: policy.json's")
    args = parser.parse_args(argv)
    p = policy()
    p = replace(
        p,
        fuzzy_factor=args.fuzzy_factor or p.fuzzy_factor,
        parcelling_factor=args.parcelling_factor or p.parcelling_factor,
    )
    seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    settings = FitSettings(threads=args.threads, params={"learning_rate": args.rate})
    rows, started = [], time.perf_counter()
    for seed in seeds:
        seed_rows, facts = run_seed(seed, args.n, p.methods, settings, p)
        rows += seed_rows
        print(
            f"seed {seed}: applicants {facts['applicants']}, champion threshold "
            f"{facts['champion_threshold']:.3f}, acceptance {facts['acceptance_rate']:.1%} "
            f"({time.perf_counter() - started:.0f} s)",
            flush=True,
        )
    print(
        f"\nfuzzy factor {p.fuzzy_factor:g}; parcelling factor {p.parcelling_factor:g} over "
        f"{p.parcelling_bands} bands; {len(seeds)} seeds, mean ± std"
    )
    table = summarise(rows)
    print(render(table))
    print("\n".join(paired(rows)))
    setup = (
        f"{len(seeds)} seeds ({args.seeds}), {args.n:,} applicants each; fuzzy ×{p.fuzzy_factor:g}, "
        f"parcelling ×{p.parcelling_factor:g}"
    )
    record("bench_reject_inference", [figure(e, setup) for e in table])


def figure(entry: dict, setup: str) -> Figure:
    """One method on one population: AUC, ECE, mean PD against the truth, cost, approval (mean ± std)."""
    e = entry
    return Figure(
        re.sub(r"\W+", "_", f"reject_inference.{e['population']}.{e['method']}").strip("_"),
        f"reject inference on the synthetic twin, {e['population']}{SUBSETS[e['population']]}: "
        f"{e['method']} ({setup})",
        f"AUC {e['auc']:.4f} ± {e['auc_std']:.4f}, ECE {e['ece']:.4f}, mean PD {e['mean_pd']:.4f} (true "
        f"{e['true_mean_pd']:.4f}), cost / 1,000 {e['cost_per_1000']:.1f} ± {e['cost_per_1000_std']:.1f}, "
        f"approved {e['approval_rate']:.1%}",
    )


if __name__ == "__main__":
    main()
