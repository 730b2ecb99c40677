"""What a training run produced and its printed summary, with the quality checks."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scoring.modeling.candidates import Comparison
from scoring.modeling.selection import Selection

ORACLE_RATIO_TARGET = 0.97
ECE_TARGET = 0.02
MEAN_PD_TOLERANCE = 0.10  # relative to the observed default rate


@dataclass
class TrainResult:
    """What a training run produced, with a printable summary."""

    metadata: dict
    challenger: dict
    comparison: Comparison
    selection: Selection
    bundle_path: Path
    challenger_path: Path
    card_path: Path
    timings: dict[str, float]
    registry_version: str | None = None
    promoted: bool = True
    cpu: dict[str, float] | None = None

    def quality_lines(self) -> list[str]:
        """The quality checks: AUC vs the oracle, cost vs the naive policies, calibration targets."""
        m = self.metadata["cv_metrics"]
        lines = []
        if m.get("oracle_auc"):
            ratio = m["auc"] / m["oracle_auc"]
            verdict = "OK" if ratio >= ORACLE_RATIO_TARGET else "BELOW TARGET"
            lines.append(
                f"AUC / oracle AUC = {m['auc']:.4f} / {m['oracle_auc']:.4f} = {ratio:.3f} "
                f"(target >= {ORACLE_RATIO_TARGET}): {verdict}"
            )
        for label, other in (
            ("accept everyone", "accept_all_cost_per_1000"),
            ("threshold 0.5", "cost_per_1000_at_0_5"),
        ):
            verdict = "OK" if m["cost_per_1000"] < m[other] else "NOT BETTER"
            lines.append(
                f"cost at the chosen threshold {m['cost_per_1000']:,.1f} < {label} {m[other]:,.1f}: {verdict}"
            )
        verdict = "OK" if m["ece"] <= ECE_TARGET else "ABOVE TARGET"
        lines.append(f"out-of-fold ECE {m['ece']:.4f} (target <= {ECE_TARGET}): {verdict}")
        gap = abs(m["mean_pd"] / m["observed_rate"] - 1)
        verdict = "OK" if gap <= MEAN_PD_TOLERANCE else "OUTSIDE TARGET"
        lines.append(
            f"mean probability {m['mean_pd']:.4f} vs observed default rate {m['observed_rate']:.4f} "
            f"({gap:.1%} apart, target <= {MEAN_PD_TOLERANCE:.0%}): {verdict}"
        )
        return lines

    def describe(self) -> str:
        meta, m = self.metadata, self.metadata["cv_metrics"]
        unit = meta["cost"]["unit"]
        first = self.comparison.rows[0]
        other = self.challenger
        o = other["cv_metrics"]
        protected = meta.get("protected") or {"attributes": [], "features": {}}
        lines = [
            "Protected attributes (no model input; fairness monitoring only): "
            + (
                ", ".join(
                    f"{a['column']} ({a['attribute']}: "
                    f"{', '.join(f for f, cols in protected['features'].items() if a['column'] in cols)})"
                    for a in protected["attributes"]
                )
                or "none"
            ),
            self.selection.describe(),
            f"Candidates ({meta['folds']}-fold CV x {meta['repeats']} repeat(s) on {first['rows']:,} "
            f"clients, mean ± std over repeats; * = selected by the {meta['selection_rule']}):",
            self.comparison.describe(),
            f"Champion: {meta['candidate']} ({meta['kind']}), {len(meta['features'])} features, "
            f"out-of-fold on {meta['n_train']:,} clients"
            + (f", {meta['rounds']} trees x {meta['bags']} seed(s)" if meta.get("bags") else ""),
            f"Threshold {meta['threshold']:.4f} (calibrated probability): AUC {m['auc']:.4f} ± "
            f"{m['auc_std']:.4f}, recall {m['recall']:.3f}, precision {m['precision']:.3f}, approval rate "
            f"{m['approval_rate']:.1%}",
            f"Cost per 1,000 applicants: {m['cost_per_1000']:,.1f} {unit} (accept everyone "
            f"{m['accept_all_cost_per_1000']:,.1f}, ratio {m['cost_vs_accept_all']:.3f}; threshold 0.5 "
            f"{m['cost_per_1000_at_0_5']:,.1f})",
            f"Calibration {meta['calibration']['method']}: Brier {m['brier']:.4f}, log-loss "
            f"{m['log_loss']:.4f}, ECE {m['ece']:.4f}, mean probability {m['mean_pd']:.4f} (observed "
            f"{m['observed_rate']:.4f})",
            f"Challenger: {other['candidate']} ({other['kind']}), {len(other['features'])} features, AUC "
            f"{o['auc']:.4f} ± {o['auc_std']:.4f}, cost ratio {o['cost_vs_accept_all']:.3f}, ECE "
            f"{o['ece']:.4f}",
            *("Quality: " + line for line in self.quality_lines()),
            f"Bundle {self.bundle_path} "
            + ("promoted to champion" if self.promoted else "written as a challenger (not promoted)")
            + f"; challenger bundle {self.challenger_path}",
            f"Model card {self.card_path}",
        ]
        if self.registry_version:
            lines.append(
                f"MLflow run {meta['mlflow_run_id']}, registered model version {self.registry_version} "
                "(alias champion; the challenger has alias challenger)"
            )
        cpu = self.cpu or {}
        lines.append(
            "Time (wall, CPU of all threads): "
            + ", ".join(f"{k} {v:.1f} s ({cpu.get(k, float('nan')):.1f})" for k, v in self.timings.items())
        )
        return "\n".join(lines)
