"""`scoring train`: select features inside the CV, compare candidates by repeated K-fold, calibrate, choose
the cost-minimising threshold, fit the champion and the scorecard challenger, explain, write and promote the
bundles, draw the model card and track everything in MLflow.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from pydantic import Field, InstanceOf, field_validator, model_validator
from pydantic.dataclasses import dataclass as validated_dataclass

from scoring.errors import ScoringError
from scoring.features.monotone import MonotonePolicy, monotone_policy
from scoring.features.protected import POLICY_FILE as PROTECTED_FILE
from scoring.features.protected import read_protected
from scoring.home import Paths
from scoring.modeling import lgbm
from scoring.modeling.bundle import make_version, promote, write_bundle
from scoring.modeling.candidates import (
    BLEND,
    LIGHTGBM,
    PRIOR,
    RULE,
    SCORECARD,
    Comparison,
    Evaluated,
    candidate_list,
    compare_candidates,
    evaluate,
)
from scoring.modeling.card import CardInputs, write_card
from scoring.modeling.cost import CostSpec
from scoring.modeling.cv import repeated_folds
from scoring.modeling.dataset import (
    TrainingData,
    file_fingerprint,
    load_training_data,
    read_oracle,
    stratified_sample,
)
from scoring.modeling.fitted import FittedModel, RunFacts, build_metadata, bundle_content, finish
from scoring.modeling.learners import (
    LINEAR_FEATURES,
    SCORECARD_FEATURES,
    Setup,
    top_columns,
)
from scoring.modeling.selection import Selection, default_max_features, select_features
from scoring.modeling.train_report import TrainResult
from scoring.modeling.tuning import METRICS as TUNING_METRICS
from scoring.modeling.tuning import TuningResult, tune
from scoring.settings import get_paths, raising

AUTO = "auto"
DEFAULT_STRATEGIES = (lgbm.NONE, lgbm.UNDERSAMPLE)


class ConfigError(ScoringError, ValueError):
    """Invalid training settings."""


@raising(ConfigError)
@validated_dataclass(frozen=True)
class TrainConfig:
    """Settings of a training run (defaults: the demo data in under two minutes on 2 cores)."""

    cost: InstanceOf[CostSpec] = field(default_factory=CostSpec)
    folds: int = Field(default=5, ge=2)
    repeats: int = Field(default=3, ge=1)
    compare_rows: int = Field(default=30_000, ge=10)
    max_features: int = Field(default=0, ge=0)  # most features selected; 0 = by data size
    strategies: tuple[str, ...] = DEFAULT_STRATEGIES
    model: str = AUTO
    params: dict = field(default_factory=dict)  # LightGBM overrides (after the size defaults)
    bags: int = Field(default=0, ge=0)  # LightGBM seeds bagged; 0 = by data size
    tune_trials: int = Field(default=0, ge=0)
    tune_minutes: float = Field(default=0.0, ge=0)
    tune_metric: str = "cost"
    seed: int = 42
    threads: int = Field(default=2, ge=1)
    shap_rows: int = Field(default=2_000, ge=1)
    track: bool = True
    progress: bool = True
    promote: bool = True  # False: a challenger (MLflow alias `challenger`), champion.json untouched
    reject_inference: str = "none"  # recorded: how the refused applicants' rows were inferred (retrain)

    @field_validator("tune_metric")
    @classmethod
    def _known_metric(cls, metric: str) -> str:
        if metric not in TUNING_METRICS:
            raise ValueError(f"--tune-metric {metric!r} is not one of {', '.join(TUNING_METRICS)}")
        return metric

    @field_validator("strategies")
    @classmethod
    def _known_strategies(cls, strategies: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [s for s in strategies if s not in lgbm.STRATEGIES]
        if unknown:
            raise ValueError(
                f"--strategies {', '.join(unknown)}: each must be one of {', '.join(lgbm.STRATEGIES)}"
            )
        return strategies

    @model_validator(mode="after")
    def _known_model(self) -> TrainConfig:
        """The model named must be a candidate of these strategies (or the scorecard)."""
        choices = [AUTO, SCORECARD, *(c.name for c in candidate_list(self.strategies) if c.family != PRIOR)]
        if self.model not in choices:
            raise ValueError(f"--model {self.model!r} is not one of {', '.join(dict.fromkeys(choices))}")
        return self

    def settings(self) -> dict:
        """The settings worth recording with a run (besides what the bundle metadata holds)."""
        keys = ("compare_rows", "max_features", "model", "tune_trials", "tune_minutes", "tune_metric", "seed")
        return {
            **{k: getattr(self, k) for k in keys},
            "strategies": list(self.strategies),
            "threads": self.threads,
            "reject_inference": self.reject_inference,
        }

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
    protected: Path = PROTECTED_FILE  # the protected-attributes policy

    @classmethod
    def from_paths(cls, paths: Paths | None = None) -> TrainInputs:
        p = paths or get_paths()
        return cls(p.features, p.feature_dictionary, p.ground_truth, p.models, p.reports, p.home)


class _Clock:
    """Wall and CPU time of each stage (CPU: every thread of the process), announced on stderr when
    progress is on."""

    def __init__(self, progress: bool) -> None:
        self.progress = progress
        self.timings: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self.start = time.perf_counter()
        self.cpu_start = time.process_time()

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        if self.progress:
            print(f"[train] {name}...", file=sys.stderr, flush=True)
        t0, c0 = time.perf_counter(), time.process_time()
        yield
        self.timings[name] = time.perf_counter() - t0
        self.cpu[name] = time.process_time() - c0

    def close(self) -> None:
        self.timings["total"] = time.perf_counter() - self.start
        self.cpu["total"] = time.process_time() - self.cpu_start


@dataclass(frozen=True)
class FittedRun:
    selection: Selection
    comparison: Comparison
    tuning: TuningResult | None
    champion: FittedModel
    challenger: FittedModel


def _tune(sample: TrainingData, setup: Setup, config: TrainConfig) -> TuningResult | None:
    if not config.tuning:
        return None
    return tune(
        sample,
        lgbm.NONE,
        config.cost,
        config.tune_metric,
        config.tune_trials,
        config.tune_minutes,
        config.folds,
        config.seed,
        config.threads,
        config.progress,
        base_params=setup.params,
        monotone=setup.policy.directions(sample.names),
    )


def _final(
    role: str,
    evaluated: Evaluated,
    data: TrainingData,
    full: TrainingData,
    setup: Setup,
    config: TrainConfig,
    oracle: np.ndarray | None,
    sampled: bool,
) -> FittedModel:
    """The candidate fitted on every row (cross-validated on every row first when the comparison ran on a
    sample; the spread across repeats stays the comparison's)."""
    candidate = evaluated.candidate
    if sampled:
        oof = setup.cross_validate(candidate, data, config.folds, config.seed, config.progress)
        again = evaluate(candidate, oof, data, config.cost, config.seed, evaluated.row["seconds"])
        stds = {k: v for k, v in evaluated.row.items() if k.endswith("_std")}
        evaluated = replace(again, row={**again.row, **stds})
    model, params = setup.final_model(candidate, data, config.seed, evaluated.oof.mean_rounds)
    bags = setup.bags if candidate.family in (LIGHTGBM, BLEND) else 0
    return finish(role, evaluated, model, data.select(model.names), full, config.cost, oracle, params, bags)


def fit_run(
    data: TrainingData,
    config: TrainConfig,
    clock: _Clock,
    oracle: np.ndarray | None,
    policy: MonotonePolicy,
    monitored: TrainingData,
) -> FittedRun:
    """Selection, comparison, and the champion and challenger fitted on every row of ``data`` (the features
    a model may use); ``monitored`` (the same rows with every feature) gives the fairness attributes."""
    sample = stratified_sample(data, config.compare_rows, config.seed)
    params, bags = lgbm.size_defaults(data.n)
    params, bags = {**params, **config.params}, config.bags or bags
    with clock.stage("select features"):
        selection = select_features(
            sample,
            params,
            policy.directions(sample.names),
            config.folds,
            config.seed,
            config.threads,
            config.max_features or default_max_features(data.n),
            bags,
        )
    chosen = data.select(selection.names)
    sampled = sample is not data
    sample = sample.select(selection.names) if sampled else chosen
    share = selection.gain_share
    setup = Setup(
        params,
        bags,
        policy,
        top_columns(chosen.names, share, SCORECARD_FEATURES),
        top_columns(chosen.names, share, LINEAR_FEATURES),
        config.threads,
    )
    with clock.stage("tune"):
        tuning = _tune(sample, setup, config)
    if tuning:
        setup = replace(setup, params={**params, **tuning.params})
    with clock.stage("compare candidates"):
        candidates = candidate_list(config.strategies)
        learners = {c.name: setup.learner(c, sample) for c in candidates}
        splits = repeated_folds(sample.y, config.folds, config.repeats, config.seed)
        comparison = compare_candidates(
            sample, candidates, learners, splits, config.cost, config.seed, config.progress
        )
    best = comparison.evaluated[comparison.winner]
    scorecard = comparison.by_family(SCORECARD)
    if config.model == SCORECARD:
        champion, challenger = scorecard, best
    else:
        champion = best if config.model == AUTO else comparison.evaluated[config.model]
        challenger = scorecard
    with clock.stage("final fit"):
        fitted_champion, fitted_challenger = (
            _final(role, chosen_model, chosen, monitored, setup, config, oracle, sampled)
            for role, chosen_model in (("champion", champion), ("challenger", challenger))
        )
    return FittedRun(selection, comparison, tuning, fitted_champion, fitted_challenger)


def _tracker(home: Path, config: TrainConfig) -> AbstractContextManager:
    if not config.track:
        return nullcontext(None)
    from scoring.modeling.tracking import tracked_run

    return tracked_run(home, run_name=f"train-{datetime.now(UTC):%Y%m%dT%H%M%SZ}")


def _points(run: FittedRun) -> list[dict] | None:
    fitted = next((f for f in (run.champion, run.challenger) if f.kind == SCORECARD), None)
    if fitted is None:
        return None
    labels = {f.name: f.label for f in fitted.data.features}
    return fitted.model.scorecard.points_table(labels)


def train_model(inputs: TrainInputs, config: TrainConfig) -> TrainResult:
    """Run the whole training; the champion is promoted only after its bundle passes its checks."""
    clock = _Clock(config.progress)
    with clock.stage("load"):
        data = load_training_data(inputs.features, inputs.dictionary)
        fingerprint = file_fingerprint(inputs.features)
        oracle = read_oracle(inputs.ground_truth, data.ids)
    policy, protected = monotone_policy(), read_protected(inputs.protected)
    usable = data.select(protected.allowed(policy.allowed(data.names)))
    with _tracker(inputs.home, config) as run:
        fitted = fit_run(usable, config, clock, oracle, policy, data)
        version = make_version(fingerprint)
        versions = {"champion": version, "challenger": f"{version}-{fitted.challenger.kind}"}
        facts = RunFacts(
            version,
            fingerprint,
            {
                "cost": config.cost.to_dict(),
                "folds": config.folds,
                "repeats": config.repeats,
                "rule": RULE,
                "settings": config.settings(),
            },
            {**fitted.selection.summary(), "n_built": len(data.names)},  # built: before the policies
            fitted.comparison.rows,
            policy,
            protected,
            None if fitted.tuning is None else asdict(fitted.tuning),
            run and run.run_id,
        )
        points = _points(fitted)
        contents, paths = {}, {}
        with clock.stage("explain and write bundles"):
            pairs = ((fitted.champion, fitted.challenger), (fitted.challenger, fitted.champion))
            for model, other in pairs:
                meta = build_metadata(
                    model, facts, versions[model.role], other.summary(versions[other.role]), points
                )
                content = bundle_content(model, meta, config.shap_rows, config.seed, config.threads)
                contents[model.role] = content
                paths[model.role] = write_bundle(inputs.models, content)
        with clock.stage("model card"):
            card = write_card(
                inputs.reports, CardInputs(fitted, contents["champion"], contents["challenger"], oracle)
            )
        registry: dict[str, str] = {}
        if run:
            with clock.stage("track"):
                registry = run.log_training(config.settings(), contents, paths, card.parent)
        if config.promote:
            promote(inputs.models, version)
        if run:
            run.set_aliases(registry, config.promote)
    clock.close()
    return TrainResult(
        contents["champion"].metadata,
        contents["challenger"].metadata,
        fitted.comparison,
        fitted.selection,
        paths["champion"],
        paths["challenger"],
        card,
        clock.timings,
        registry.get("champion"),
        config.promote,
        clock.cpu,
    )
