"""Back-test of the label-free performance estimate (CBPE) on the synthetic twin, where labels are known.

Each window is a fresh population of the generator (`scoring generate --clients N --seed S --drift ...`):
its labelled clients are ingested, turned into features and scored by the bundle, then the estimate made
without their labels is compared with the AUC, default rate and cost realised with them. Because the
generator also knows each client's true default probability, the AUC expected under the *true*
probabilities is reported too: estimate minus that figure is the estimator's own error (calibration),
realised minus it is the luck of the label draw.

The PDs are calibrated as `scoring drift` does (see `scoring.drift.estimate.calibration_for`): the bundle's
own probabilities when it is calibrated, else an isotonic map fitted on its out-of-fold predictions; or, when
given, by an isotonic map fitted on a held-out labelled window scored by the bundle (`held_out_calibration`).
The estimate is only as good as the calibration: an isotonic map fitted on a few hundred defaults misjudges
the slope of the PD curve and with it the expected AUC by about 0.02, while one fitted on the ~2,400
out-of-fold defaults of the demo model (30,000 clients) is within 0.01 (see benchmarks/bench_cbpe.py).
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from scoring.data.ingest import ingest_tables
from scoring.data.synth import generate_tables
from scoring.drift import cbpe
from scoring.drift.estimate import bundle_calibrated, cost_spec
from scoring.drift.reference import read_split
from scoring.drift.sample import PROBABILITY, TARGET
from scoring.features.build import build_features
from scoring.modeling.bundle import Bundle

ID = "SK_ID_CURR"
TOLERANCE = 0.02
MIN_WINDOW = 2_000
REQUIRED_SHARE = 0.8


@dataclass(frozen=True)
class WindowSpec:
    """One generated window: its name, clients (labelled), seed and drift settings (key -> value)."""

    name: str
    clients: int
    seed: int
    drift: dict[str, float] = field(default_factory=dict)


def calibration_of(bundle: Bundle) -> cbpe.Calibration:
    """Identity for a calibrated bundle, else isotonic on its out-of-fold probabilities."""
    if bundle_calibrated(bundle.metadata):
        return cbpe.identity()
    oof = bundle.oof()
    return cbpe.fit_isotonic(oof[PROBABILITY].to_numpy(), oof[TARGET].to_numpy())


def held_out_calibration(bundle: Bundle, spec: WindowSpec, work: Path) -> cbpe.Calibration:
    """An isotonic map fitted on a generated labelled window scored by the bundle."""
    frame = window_frame(spec, work)
    score = bundle.predict_proba(bundle.matrix(frame))
    return cbpe.fit_isotonic(score, frame[TARGET].to_numpy())


def window_frame(spec: WindowSpec, work: Path) -> pl.DataFrame:
    """The labelled clients of a generated window with their features and true default probability."""
    raw, interim, features = work / "raw", work / "interim", work / "features.parquet"
    generate_tables(spec.clients, spec.seed, raw, spec.drift or None)
    ingest_tables(raw, interim)
    build_features(interim, features, work / "feature_dictionary.json")
    truth = pl.read_parquet(interim / "ground_truth.parquet").select(ID, "TRUE_PROBABILITY")
    return read_split(features, "train").join(truth, on=ID, how="left")


def evaluate_window(
    spec: WindowSpec, frame: pl.DataFrame, bundle: Bundle, calibration: cbpe.Calibration
) -> dict:
    """Estimated vs realised figures of one scored window."""
    score = bundle.predict_proba(bundle.matrix(frame))
    pd = calibration.apply(score)
    refused = bundle.refuse(score)
    y = frame[TARGET].to_numpy()
    spec_cost, _ = cost_spec(bundle.metadata)
    if spec_cost is not None and spec_cost.mode != "count":
        spec_cost = None  # the monetary cost needs amounts, not part of this check
    estimated = cbpe.estimate(score, pd, refused, spec_cost)
    realised = cbpe.realised(score, y, refused, spec_cost)
    truth = frame["TRUE_PROBABILITY"].cast(pl.Float64).to_numpy()
    return {
        "window": spec.name,
        "drift": spec.drift,
        "clients": frame.height,
        "seed": spec.seed,
        "estimated_auc": estimated["auc"],
        "realised_auc": realised["auc"],
        "true_expected_auc": cbpe.expected_auc(score, truth),
        "auc_error": estimated["auc"] - realised["auc"],
        "auc_interval": estimated["auc_interval"],
        "estimated_default_rate": estimated["default_rate"],
        "realised_default_rate": realised["default_rate"],
        "estimated_cost_per_1000": estimated["cost_per_1000"],
        "realised_cost_per_1000": realised["cost_per_1000"],
    }


def run_backtest(
    bundle: Bundle,
    windows: Sequence[WindowSpec],
    calibration_window: WindowSpec | None = None,
    work_dir: Path | None = None,
) -> list[dict]:
    """Generate, score and evaluate every window (in a temporary directory inside `work_dir` if given).

    The PDs are calibrated on `calibration_window` when given, else as `calibration_of(bundle)` says."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="cbpe-backtest-", dir=work_dir) as work:
        if calibration_window is None:
            calibration = calibration_of(bundle)
        else:
            calibration = held_out_calibration(bundle, calibration_window, Path(work) / "calibration")
            calibration = cbpe.Calibration(
                f"isotonic map fitted on {calibration_window.clients:,} held-out labelled clients",
                calibration.isotonic,
            )
        for spec in windows:
            frame = window_frame(spec, Path(work) / spec.name)
            rows.append(
                {**evaluate_window(spec, frame, bundle, calibration), "calibration": calibration.source}
            )
    return rows


def verdict(rows: Sequence[dict], tolerance: float = TOLERANCE, min_clients: int = MIN_WINDOW) -> dict:
    """Share of windows of `min_clients` or more whose estimated AUC is within `tolerance` of the realised."""
    eligible = [r for r in rows if r["clients"] >= min_clients]
    within = [r for r in eligible if abs(r["auc_error"]) <= tolerance]
    share = len(within) / len(eligible) if eligible else float("nan")
    errors = np.array([r["auc_error"] for r in eligible])
    return {
        "windows": len(eligible),
        "within": len(within),
        "share_within": share,
        "tolerance": tolerance,
        "mean_abs_error": float(np.abs(errors).mean()) if len(errors) else float("nan"),
        "passes": bool(eligible) and share >= REQUIRED_SHARE,
    }
