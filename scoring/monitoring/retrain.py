"""`scoring retrain`: a challenger trained on the newest labelled data, judged against the champion on the
same recent out-of-time window, registered in MLflow as `challenger`, and promoted (alias `champion`,
models/champion.json) only when it beats the champion by the set margins and is not worse on fairness.

Training goes through `scoring.modeling.train.train_model` (the same code as `scoring train`, with the
champion's cost weights, promotion off); the data are described in `scoring.monitoring.labelled` and the
rule in `scoring.monitoring.challenger`. Every decision, promoted, kept or skipped, is appended with its
figures to models/history.json.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from scoring.home import Paths
from scoring.io import write_parquet_atomic
from scoring.modeling.bundle import Bundle, BundleError, load_bundle, promote
from scoring.modeling.cost import CostSpec
from scoring.modeling.tracking import CHAMPION_ALIAS, set_alias
from scoring.modeling.train import TrainConfig, TrainInputs, train_model
from scoring.monitoring.challenger import PromotionRule, compare, evaluate
from scoring.monitoring.history import KEPT, PROMOTED, SKIPPED, append_decision
from scoring.monitoring.labelled import RetrainData, RetrainError, retrain_data
from scoring.reject_inference.augment import NONE, check_method, policy
from scoring.reject_inference.retrain_rows import with_inferred_rejects

TRAINING_FILE = "training.parquet"


@dataclass(frozen=True)
class RetrainRequest:
    """Where to read and write, the window and the promotion rule, and how to train."""

    paths: Paths
    engine: Engine
    salt: bytes
    window_days: int = 90
    min_window: int = 500
    min_defaults: int = 20
    rule: PromotionRule = PromotionRule()
    config: TrainConfig = TrainConfig(progress=False)
    reject_inference: str = field(default_factory=lambda: policy().default)  # see scoring.reject_inference


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _skip(
    request: RetrainRequest, champion: str | None, reason: str, data: RetrainData | None = None
) -> dict:
    decision = {
        "decided_at": _now(),
        "outcome": SKIPPED,
        "champion": champion,
        "challenger": None,
        "reasons": [reason],
        "window": data.describe_window() if data else None,
        "training": data.describe_training() if data else None,
        "rule": request.rule.to_dict(),
    }
    append_decision(request.paths.model_history, decision)
    return decision


def _train(
    request: RetrainRequest, data: RetrainData, champion: Bundle, stamp: str
) -> tuple[Bundle, dict, dict]:
    """The challenger, trained on the combined rows and the rows the reject-inference method adds for the
    applicants the champion refuses (a temporary file: the bundle keeps its fingerprint); its model card
    goes to reports/retrain/<stamp>/. Also returns the reject-inference summary."""
    paths = request.paths
    cost = CostSpec.from_dict(champion.metadata.get("cost") or {})
    method = request.reject_inference
    rows, rejects = with_inferred_rejects(
        paths.features, data.training, data.window, champion, method, request.config.seed
    )
    paths.data.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".retrain-", dir=paths.data) as work:
        training = write_parquet_atomic(Path(work) / TRAINING_FILE, rows)
        inputs = TrainInputs(
            training,
            paths.feature_dictionary,
            paths.ground_truth,
            paths.models,
            paths.retrain_reports / stamp,
            paths.home,
        )
        config = replace(request.config, cost=cost, promote=False, reject_inference=method)
        result = train_model(inputs, config)
    challenger = load_bundle(paths.models, result.metadata["version"])
    registry = {
        "challenger": result.registry_version,
        "model_card": str(result.card_path.relative_to(paths.home)),
    }
    return challenger, registry, rejects


@dataclass(frozen=True)
class Prepared:
    """The champion and the labelled data of a retrain or a recalibration, or why it is skipped."""

    champion: Bundle
    data: RetrainData | None
    skip: str | None


def prepare(request: RetrainRequest, purpose: str) -> Prepared:
    """The champion (a RetrainError without one, naming the `purpose`) and the labelled data; a reason to skip
    when there are none or the out-of-time window is below the request's minimums."""
    try:
        champion = load_bundle(request.paths.models)
    except BundleError as exc:
        raise RetrainError(f"no champion to {purpose}: {exc}") from None
    try:
        data = retrain_data(request.paths.features, request.engine, request.salt, request.window_days)
    except RetrainError as exc:
        return Prepared(champion, None, str(exc))
    window = data.describe_window()
    if window["clients"] < request.min_window or window["defaults"] < request.min_defaults:
        reason = (
            f"out-of-time window too small: {window['clients']:,} labelled clients with "
            f"{window['defaults']:,} defaults (needs {request.min_window:,} and {request.min_defaults:,})"
        )
        return Prepared(champion, data, reason)
    return Prepared(champion, data, None)


def retrain(request: RetrainRequest) -> dict:
    """Train, compare, maybe promote; returns the decision (also appended to the history)."""
    paths = request.paths
    check_method(request.reject_inference)
    prepared = prepare(request, "compare with")
    champion, data = prepared.champion, prepared.data
    if prepared.skip is not None:
        return _skip(request, champion.version, prepared.skip, data)
    window = data.describe_window()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    challenger, registry, rejects = _train(request, data, champion, stamp)
    cost = CostSpec.from_dict(champion.metadata.get("cost") or {})
    figures = {
        "champion": evaluate(champion, data.window, cost),
        "challenger": evaluate(challenger, data.window, cost),
    }
    checks = compare(figures["champion"], figures["challenger"], request.rule)
    promoted = all(c["passed"] for c in checks)
    if promoted:
        promote(paths.models, challenger.version)
        if registry["challenger"] is not None:
            set_alias(registry["challenger"], CHAMPION_ALIAS, paths.home)
            registry["alias"] = CHAMPION_ALIAS
    failed = [f"{c['check']}: {c['rule']}" for c in checks if not c["passed"]]
    decision = {
        "decided_at": _now(),
        "outcome": PROMOTED if promoted else KEPT,
        "champion": champion.version,
        "challenger": challenger.version,
        "reasons": ["every check passed"] if promoted else [f"failed {f}" for f in failed],
        "window": window,
        "training": {**data.describe_training(), "reject_inference": rejects},
        "metrics": figures,
        "checks": checks,
        "rule": request.rule.to_dict(),
        "registry": registry,
    }
    append_decision(paths.model_history, decision)
    return decision


def describe(decision: dict) -> str:
    """The decision in a few lines for the command line."""
    lines = [
        f"retrain {decision['outcome']}: champion {decision['champion']}, challenger {decision['challenger']}"
    ]
    if decision.get("window"):
        w = decision["window"]
        lines.append(
            f"out-of-time window {w['start'][:10]} .. {w['end'][:10]}: {w['clients']:,} labelled clients, "
            f"{w['defaults']:,} defaults"
        )
    rejects = (decision.get("training") or {}).get("reject_inference") or {}
    if rejects.get("method", NONE) != NONE:
        lines.append(
            f"reject inference {rejects['method']}: {rejects['rows_added']:,} rows inferred for "
            f"{rejects['refused']:,} applicants the champion refuses"
        )
    for check in decision.get("checks") or []:
        mark = "ok " if check["passed"] else "NO "
        lines.append(
            f"  {mark}{check['check']}: champion {check['champion']}, challenger {check['challenger']}"
        )
    lines += [f"  {r}" for r in decision["reasons"]]
    return "\n".join(lines)
