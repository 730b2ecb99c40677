"""The rows `bench_train` records for the benchmark page: one training's figures, the real rows' over seeds,
and the quality checks of a trained home."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from benchmarks.figures import Figure
from benchmarks.train_quality import ConstraintCost
from scoring.explain.monotonicity import LeverCheck
from scoring.modeling.fairness import AGE_BANDS

REAL_AUC_TARGET, REAL_COST_TARGET = 0.755, 0.63
CALIBRATION_TARGET = "ECE ≤ 0.02, mean within 10 %"


@dataclass(frozen=True)
class Run:
    """One training: wall and CPU seconds, peak memory, the load average at start, the champion's and the
    challenger's metadata."""

    seconds: float
    cpu: float
    peak_gb: float
    load: float
    meta: dict
    challenger: dict


def training(key: str, label: str, run: Run, target_s: float | None) -> list[Figure]:
    """Time, accuracy, calibration, cost, selection and challenger of one training on synthetic data."""
    meta, m = run.meta, run.meta["cv_metrics"]
    selection = meta["feature_selection"]
    challenger = run.challenger
    other = challenger["cv_metrics"]
    oracle = (
        f" = {m['auc'] / m['oracle_auc']:.3f} × oracle {m['oracle_auc']:.4f}" if m.get("oracle_auc") else ""
    )
    target = f"≤ {target_s / 60:.0f} min" if target_s else "printed"
    return [
        Figure(
            key,
            f"train, {label}: selection, candidates, champion + challenger",
            f"{run.seconds:.1f} s wall (load average {run.load:.1f} at start), {run.cpu:.1f} s CPU, "
            f"{run.peak_gb:.2f} GB peak",
            target,
        ),
        Figure(
            f"{key}_auc",
            f"synthetic AUC, {label} (champion: {meta['candidate']}, {len(meta['features'])} features)",
            f"out-of-fold {m['auc']:.4f} ± {m['auc_std']:.4f}{oracle}",
            "≥ 0.97 × oracle",
        ),
        Figure(
            f"{key}_calibration",
            f"calibration, {label} (out of fold)",
            f"Brier {m['brier']:.4f}, log-loss {m['log_loss']:.4f}, ECE {m['ece']:.4f}, mean probability "
            f"{m['mean_pd']:.4f} vs observed {m['observed_rate']:.4f}",
            CALIBRATION_TARGET,
        ),
        Figure(
            f"{key}_cost",
            f"threshold cost, {label} (per 1,000 applicants, threshold {meta['threshold']:.3f})",
            f"{m['cost_per_1000']:.1f} vs {m['accept_all_cost_per_1000']:.1f} accept-all "
            f"({m['cost_vs_accept_all']:.3f}), {m['cost_per_1000_at_0_5']:.1f} at 0.5",
            "beats both",
        ),
        Figure(
            f"{key}_selection",
            f"feature selection inside the CV, {label}",
            f"{selection['n_selected']} of {selection['n_input']} features; out-of-fold AUC "
            f"{selection['selected_auc']:.4f} selected vs {selection['full_auc']:.4f} full",
            f"≤ {selection['max_features']}, ≥ full − 0.002",
        ),
        Figure(
            f"{key}_challenger",
            f"challenger, {label} ({challenger['candidate']}, {len(challenger['features'])} features)",
            f"AUC {other['auc']:.4f}, cost {other['cost_vs_accept_all']:.3f} × accept-all, "
            f"ECE {other['ece']:.4f}",
        ),
    ]


def quality(
    key: str, label: str, checks: Sequence[LeverCheck], costs: Sequence[ConstraintCost]
) -> list[Figure]:
    """Monotonicity along every lever (champion and challenger) and the AUC cost of the constraints."""
    violations = sum(c.violations for c in checks)
    steps = sum(c.steps for c in checks)
    levers = len({c.lever.name for c in checks})
    return [
        Figure(
            f"{key}_monotonicity",
            f"monotonicity, {label} ({levers} levers, champion and challenger)",
            f"{violations} violations in {steps:,} steps",
            "0",
        ),
        Figure(
            f"{key}_constraints",
            f"AUC cost of the monotone constraints, {label} (same folds)",
            "; ".join(
                f"{c.model} {c.free - c.constrained:+.4f} (policy {c.unrestricted - c.constrained:+.4f})"
                for c in costs
            ),
            "≤ 0.003",
        ),
    ]


def _per_seed(values: Sequence[float], digits: int) -> str:
    return f"{np.mean(values):.{digits}f} ({', '.join(f'{v:.{digits}f}' for v in values)})"


def age_ratios(meta: dict) -> dict[str, float]:
    """Approval ratio of each age band (the champion's fairness table)."""
    return {
        r["group"]: r["approval_ratio"]
        for r in meta["fairness"]
        if r["attribute"] == "age band" and r["group"] != "missing"
    }


def real_rows(seeds: Sequence[int], runs: Sequence[Run], age_excluded: bool) -> list[Figure]:
    """The real sample rows over the seeds: mean (and per seed) of the champion's figures and approval
    ratios by age band, of the challenger, and the training time."""
    key = "train.real_age_excluded" if age_excluded else "train.real"
    policy = "age excluded (--protected-age)" if age_excluded else "age allowed"
    over = f"seeds {' / '.join(map(str, seeds))}, {policy}"
    metrics = [r.meta["cv_metrics"] for r in runs]
    challengers = [r.challenger["cv_metrics"] for r in runs]
    ratios = [age_ratios(r.meta) for r in runs]
    bands = [label for _, _, label in AGE_BANDS if all(label in r for r in ratios)]
    gap = max(abs(m["mean_pd"] / m["observed_rate"] - 1) for m in metrics)
    return [
        Figure(
            f"{key}_time",
            f"train on the real sample rows ({runs[0].meta['n_train']:,} clients), {over}",
            " / ".join(f"{r.seconds:.1f} s ({r.cpu:.1f} s CPU)" for r in runs),
        ),
        Figure(
            f"{key}_auc",
            f"real rows: champion ({runs[0].meta['candidate']}), mean (per seed), {over}",
            f"out-of-fold AUC {_per_seed([m['auc'] for m in metrics], 4)}; cost × accept-all "
            f"{_per_seed([m['cost_vs_accept_all'] for m in metrics], 3)}",
            f"AUC ≥ {REAL_AUC_TARGET}; cost ≤ {REAL_COST_TARGET} × accept-all",
        ),
        Figure(
            f"{key}_calibration",
            f"real rows: calibration, {over}",
            f"ECE {_per_seed([m['ece'] for m in metrics], 4)}; mean probability within {gap:.1%} of the "
            "observed rate",
            CALIBRATION_TARGET,
        ),
        Figure(
            f"{key}_selection",
            f"real rows: selection, {over}",
            " / ".join(
                f"{r.meta['feature_selection']['n_selected']} of {r.meta['feature_selection']['n_input']}"
                for r in runs
            )
            + " features; AUC selected − full "
            + " / ".join(f"{r.meta['feature_selection']['auc_change']:+.4f}" for r in runs),
            "≤ 200, ≥ −0.002",
        ),
        Figure(
            f"{key}_challenger",
            f"real rows: challenger ({runs[0].challenger['candidate']}), {over}",
            f"AUC {_per_seed([c['auc'] for c in challengers], 4)}; cost × accept-all "
            f"{_per_seed([c['cost_vs_accept_all'] for c in challengers], 3)}",
        ),
        Figure(
            f"{key}_age_ratio",
            f"real rows: approval ratio by age band (to the highest band's), {over}",
            ", ".join(f"{band} {_per_seed([r[band] for r in ratios], 3)}" for band in bands),
            "printed (four-fifths line: 0.8)",
        ),
    ]
