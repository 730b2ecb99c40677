"""`scoring train`: compare candidates, tune, cross-validate, pick the cost-minimising threshold, explain,
write and promote the bundle, draw the model card and track everything in MLflow.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import lightgbm as lgb
import numpy as np
import polars as pl

from scoring.config import Paths, get_paths
from scoring.modeling import lgbm
from scoring.modeling.bundle import PROBABILITY, BundleContent, make_version, promote, write_bundle
from scoring.modeling.candidates import Comparison, compare_candidates, stratified_sample
from scoring.modeling.card import CardInputs, write_card
from scoring.modeling.cost import CostSpec
from scoring.modeling.cv import OofResult, oof_lightgbm
from scoring.modeling.dataset import (
    AMOUNT,
    ID,
    TARGET,
    TrainingData,
    file_fingerprint,
    load_training_data,
    read_oracle,
)
from scoring.modeling.explanations import explain
from scoring.modeling.fairness import BIRTH_FEATURE, GENDER_FEATURE, fairness_table
from scoring.modeling.metrics import decision_metrics, safe_auc
from scoring.modeling.reference import reference_stats
from scoring.modeling.report import TrainResult
from scoring.modeling.threshold import CostCurve, curve_for
from scoring.modeling.tracking import CHALLENGER_ALIAS, CHAMPION_ALIAS
from scoring.modeling.tuning import METRICS as TUNING_METRICS
from scoring.modeling.tuning import TuningResult, tune


class ConfigError(ValueError):
    """Invalid training settings."""


@dataclass(frozen=True)
class TrainConfig:
    """Settings of a training run (defaults fit the demo data in about two minutes on 2 cores)."""

    cost: CostSpec = field(default_factory=CostSpec)
    folds: int = 5
    compare_folds: int = 3
    compare_rows: int = 20_000
    tune_trials: int = 0
    tune_minutes: float = 0.0
    tune_metric: str = "cost"
    seed: int = 42
    threads: int = 2
    shap_rows: int = 2_000
    track: bool = True
    progress: bool = True
    promote: bool = True  # False: a challenger (MLflow alias `challenger`), champion.json untouched

    def __post_init__(self) -> None:
        if self.tune_metric not in TUNING_METRICS:
            raise ConfigError(f"tuning metric {self.tune_metric!r} is not one of {', '.join(TUNING_METRICS)}")
        minimum = {"folds": 2, "compare_folds": 2, "compare_rows": 10, "threads": 1, "shap_rows": 1}
        bad = [
            f"{name} = {getattr(self, name)}" for name, low in minimum.items() if getattr(self, name) < low
        ]
        if self.tune_trials < 0 or self.tune_minutes < 0:
            bad.append("a negative tuning budget")
        if bad:
            raise ConfigError(f"invalid training settings: {', '.join(bad)}")

    def settings(self) -> dict:
        """The settings worth recording with a run (besides what the bundle metadata holds)."""
        keys = ("compare_rows", "tune_trials", "tune_minutes", "tune_metric", "seed", "threads")
        return {k: getattr(self, k) for k in keys}

    @property
    def tuning(self) -> bool:
        return self.tune_trials > 0 or self.tune_minutes > 0


@dataclass(frozen=True)
class TrainInputs:
    """Where training reads and writes."""

    features: Path
    dictionary: Path
    ground_truth: Path
    models: Path
    reports: Path
    home: Path

    @classmethod
    def from_paths(cls, paths: Paths | None = None) -> TrainInputs:
        p = paths or get_paths()
        return cls(p.features, p.feature_dictionary, p.ground_truth, p.models, p.reports, p.home)


class _Clock:
    """Wall time of each stage, announced on stderr when progress is on."""

    def __init__(self, progress: bool) -> None:
        self.progress = progress
        self.timings: dict[str, float] = {}
        self.start = time.perf_counter()

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        if self.progress:
            print(f"[train] {name}...", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        yield
        self.timings[name] = time.perf_counter() - t0


@dataclass(frozen=True)
class FittedModel:
    """The selected LightGBM: comparison, tuning, out-of-fold results and the final booster."""

    comparison: Comparison
    tuning: TuningResult | None
    params: dict  # as the final fit used them (defaults, tuned values, seed, threads, class weight)
    oof: OofResult
    curve: CostCurve
    metrics: dict
    fairness: list[dict]
    booster: lgb.Booster
    rounds: int

    @property
    def strategy(self) -> str:
        return self.comparison.strategy

    @property
    def threshold(self) -> float:
        return self.curve.best_threshold


def _tune(data: TrainingData, strategy: str, config: TrainConfig) -> TuningResult | None:
    if not config.tuning:
        return None
    return tune(
        data,
        strategy,
        config.cost,
        config.tune_metric,
        config.tune_trials,
        config.tune_minutes,
        config.compare_folds,
        config.seed,
        config.threads,
        config.progress,
    )


def _cv_metrics(
    data: TrainingData, prob: np.ndarray, threshold: float, cost: CostSpec, oracle: np.ndarray | None
) -> dict:
    metrics = decision_metrics(data.y, prob, threshold, cost, data.amount)
    metrics["cost_per_1000_at_0_5"] = decision_metrics(data.y, prob, 0.5, cost, data.amount)["cost_per_1000"]
    metrics["oracle_auc"] = safe_auc(data.y, oracle) if oracle is not None else None
    return metrics


def _fairness(data: TrainingData, refused: np.ndarray) -> list[dict]:
    def column(name: str) -> np.ndarray | None:
        return data.column(name) if name in data.names else None

    gender = next((f for f in data.features if f.name == GENDER_FEATURE), None)
    levels = gender.levels if gender else ()
    return fairness_table(data.y, refused, column(GENDER_FEATURE), levels, column(BIRTH_FEATURE))


def final_fit(
    data: TrainingData, base: lgb.Dataset, strategy: str, params: dict, rounds: int, config: TrainConfig
) -> lgbm.Booster:
    """The model on all labelled rows, with the strategy and the rounds found by cross-validation."""
    train_set, y_fit = lgbm.training_set(
        base, data.X, data.y, np.arange(data.n), strategy, data.categorical_indices, config.seed
    )
    return lgbm.fit(train_set, y_fit, params, strategy, config.seed, config.threads, rounds=rounds)


def fit_model(
    data: TrainingData, config: TrainConfig, clock: _Clock, oracle: np.ndarray | None
) -> FittedModel:
    """Compare candidates, tune, cross-validate the selected one, choose the threshold and fit on all rows."""
    with clock.stage("compare candidates"):
        sample = stratified_sample(data, config.compare_rows, config.seed)
        comparison = compare_candidates(
            sample,
            config.cost,
            lgbm.COMPARE_PARAMS,
            config.compare_folds,
            config.seed,
            config.threads,
            config.progress,
        )
    with clock.stage("tune"):
        tuning = _tune(sample, comparison.strategy, config)
    params = tuning.params if tuning else {}
    with clock.stage("cross-validate"):
        base = lgbm.base_dataset(data.X, data.y, data.names, data.categorical_indices)
        oof = oof_lightgbm(
            data,
            comparison.strategy,
            params,
            config.folds,
            config.seed,
            config.threads,
            config.progress,
            base=base,
        )
        curve = curve_for(data.y, oof.prob, config.cost, data.amount)
        metrics = _cv_metrics(data, oof.prob, curve.best_threshold, config.cost, oracle)
    with clock.stage("final fit"):
        final = final_fit(data, base, comparison.strategy, params, oof.mean_rounds, config)
    fairness = _fairness(data, oof.prob >= curve.best_threshold)
    return FittedModel(
        comparison, tuning, final.params, oof, curve, metrics, fairness, final.model, final.rounds
    )


def build_metadata(
    data: TrainingData,
    config: TrainConfig,
    fingerprint: str,
    model: FittedModel,
    base_value: float,
    run_id: str | None,
) -> dict:
    """The bundle's metadata.json (see scoring.modeling.bundle for the contract)."""
    return {
        "version": make_version(fingerprint),
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "features": [f.to_dict() for f in data.features],
        "threshold": model.threshold,
        "cost": config.cost.to_dict(),
        "cv_metrics": model.metrics,
        "candidates": model.comparison.rows,
        "strategy": model.strategy,
        "params": model.params,
        "rounds": model.rounds,
        "folds": config.folds,
        "compare_folds": config.compare_folds,
        "n_train": data.n,
        "default_rate": float(data.y.mean()),
        "data_fingerprint": fingerprint,
        "reference_stats": reference_stats(data.X, data.names),
        "base_value": base_value,
        "fairness": model.fairness,
        "tuning": None if model.tuning is None else asdict(model.tuning),
        "mlflow_run_id": run_id,
    }


def _oof_frame(data: TrainingData, prob: np.ndarray) -> pl.DataFrame:
    amount = data.amount if data.amount is not None else np.full(data.n, np.nan)
    return pl.DataFrame(
        {
            ID: pl.Series(data.ids, dtype=pl.Int64),
            TARGET: pl.Series(data.y, dtype=pl.Int64),
            PROBABILITY: prob,
            AMOUNT: pl.Series(amount, dtype=pl.Float64, nan_to_null=True),
        }
    )


def _tracker(home: Path, config: TrainConfig) -> AbstractContextManager:
    if not config.track:
        return nullcontext(None)
    from scoring.modeling.tracking import tracked_run

    return tracked_run(home, run_name=f"train-{datetime.now(UTC):%Y%m%dT%H%M%SZ}")


def train_model(inputs: TrainInputs, config: TrainConfig) -> TrainResult:
    """Run the whole training; the bundle is promoted only after it passes its checks."""
    clock = _Clock(config.progress)
    with clock.stage("load"):
        data = load_training_data(inputs.features, inputs.dictionary)
        fingerprint = file_fingerprint(inputs.features)
        oracle = read_oracle(inputs.ground_truth, data.ids)
    with _tracker(inputs.home, config) as run:
        model = fit_model(data, config, clock, oracle)
        with clock.stage("explain"):
            explanations = explain(model.booster, data, config.shap_rows, config.seed, config.threads)
        with clock.stage("bundle"):
            metadata = build_metadata(
                data, config, fingerprint, model, explanations.base_value, run and run.run_id
            )
            oof = _oof_frame(data, model.oof.prob)
            content = BundleContent(
                model.booster, metadata, explanations.importance, explanations.sample, oof
            )
            bundle_path = write_bundle(inputs.models, content)
        with clock.stage("model card"):
            card_inputs = CardInputs(
                metadata, content.importance, data.y, model.oof.prob, model.curve, oracle
            )
            card = write_card(inputs.reports, card_inputs)
        registry_version = None
        if run:
            with clock.stage("track"):
                registry_version = run.log_training(config.settings(), content, bundle_path, card.parent)
        if config.promote:
            promote(inputs.models, metadata["version"])
        if run:
            run.set_alias(registry_version, CHAMPION_ALIAS if config.promote else CHALLENGER_ALIAS)
    clock.timings["total"] = time.perf_counter() - clock.start
    return TrainResult(
        metadata, model.comparison, bundle_path, card, clock.timings, registry_version, config.promote
    )
