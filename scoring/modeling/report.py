"""What a training run produced and its printed summary, with the quality checks."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scoring.modeling.candidates import Comparison

ORACLE_RATIO_TARGET = 0.97


@dataclass
class TrainResult:
    """What a training run produced, with a printable summary."""

    metadata: dict
    comparison: Comparison
    bundle_path: Path
    card_path: Path
    timings: dict[str, float]
    registry_version: str | None = None
    promoted: bool = True

    def quality_lines(self) -> list[str]:
        """The quality checks: AUC vs the oracle (synthetic data) and cost vs the naive policies."""
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
        return lines

    def describe(self) -> str:
        meta, m = self.metadata, self.metadata["cv_metrics"]
        unit = meta["cost"]["unit"]
        first = self.comparison.rows[0]
        lines = [
            f"Candidates ({meta['compare_folds']}-fold CV on {first['rows']:,} clients; * = selected):",
            self.comparison.describe(),
            f"Selected: LightGBM {meta['strategy']}, {meta['folds']}-fold out-of-fold on {meta['n_train']:,} "
            f"clients, {meta['rounds']} trees",
            f"Threshold {meta['threshold']:.4f}: AUC {m['auc']:.4f}, recall {m['recall']:.3f}, precision "
            f"{m['precision']:.3f}, F-beta(beta={m['beta']:.2f}) {m['fbeta']:.3f}, "
            f"approval rate {m['approval_rate']:.1%}",
            f"Cost per 1,000 applicants: {m['cost_per_1000']:,.1f} {unit} (accept everyone "
            f"{m['accept_all_cost_per_1000']:,.1f}, ratio {m['cost_vs_accept_all']:.3f}; threshold 0.5 "
            f"{m['cost_per_1000_at_0_5']:,.1f})",
            *("Quality: " + line for line in self.quality_lines()),
            f"Bundle {self.bundle_path} "
            + ("promoted to champion" if self.promoted else "written as a challenger (not promoted)"),
            f"Model card {self.card_path}",
        ]
        if self.registry_version:
            lines.append(
                f"MLflow run {meta['mlflow_run_id']}, registered model version {self.registry_version}"
            )
        lines.append("Time: " + ", ".join(f"{k} {v:.1f} s" for k, v in self.timings.items()))
        return "\n".join(lines)
