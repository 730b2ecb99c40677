"""`scoring retrain --recalibrate`: the champion with a prior-shift adjustment of its calibrator, as a
challenger judged by the promotion rule on the same out-of-time window as a retrain; never the champion
changed in place.

The shift is the log-odds constant after which the champion's mean PD on the window's labelled applicants
equals their realised default rate (`scoring.monitoring.binomial.prior_shift`): the correction when the base
rate of the population moved but the ranking did not (`scoring.monitoring.calibration_watch` suggests it).
The challenger bundle is the champion's model with the shifted calibrator (Platt: its intercept; knots: each
knot's probability shifted), its own version, role `challenger` and a `recalibration` entry; its samples'
probabilities are recomputed so the bundle passes the writer's checks.

A shift keeps the ranking, so the AUC cannot rise: the AUC check asks for a margin of 0 (not lower) on this
path; cost, ECE and fairness keep their margins. Each decision is appended to models/history.json.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import numpy as np
import polars as pl
from scipy.special import expit, logit

from scoring.modeling.bundle import (
    PROBABILITY,
    Bundle,
    BundleContent,
    load_bundle,
    make_version,
    promote,
    write_bundle,
)
from scoring.modeling.calibration import FLOOR, PLATT, Calibrator
from scoring.modeling.cost import CostSpec
from scoring.modeling.integrity import CHECKSUMS
from scoring.modeling.signing import SIGNATURE
from scoring.monitoring.binomial import prior_shift, shift_probabilities
from scoring.monitoring.challenger import compare, evaluate
from scoring.monitoring.history import KEPT, PROMOTED, SKIPPED, append_decision
from scoring.monitoring.retrain import RetrainRequest, prepare

SUFFIX = "recalibrated"


def shifted_calibrator(calibrator: Calibrator, delta: float) -> Calibrator:
    """The calibrator with `delta` added to the log-odds of its output (Platt exactly; knots at each knot)."""
    if calibrator.method == PLATT:
        return replace(calibrator, b=calibrator.b + delta)
    y = np.clip(np.asarray(calibrator.y, dtype=np.float64), FLOOR, 1 - FLOOR)
    return replace(calibrator, y=tuple(float(v) for v in expit(logit(y) + delta)))


def _content(champion: Bundle, calibrator: Calibrator, delta: float, window: dict) -> BundleContent:
    metadata = {k: v for k, v in champion.metadata.items() if k not in (CHECKSUMS, SIGNATURE)}
    version = f"{make_version(metadata.get('data_fingerprint') or '0' * 8)}-{SUFFIX}"
    metadata.update(
        version=version,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        role="challenger",
        mlflow_run_id=None,
        recalibration={"from": champion.version, "logit_shift": delta, "window": window},
    )
    sample = champion.shap_sample()
    raw = champion.raw_score(sample.select(champion.feature_names).cast(pl.Float32).to_numpy())
    sample = sample.with_columns(pl.Series(PROBABILITY, calibrator(raw)))
    oof = champion.oof()  # out-of-fold probabilities, shifted as the calibrator is
    shifted = shift_probabilities(oof[PROBABILITY].to_numpy(), delta)
    oof = oof.with_columns(pl.Series(PROBABILITY, shifted))
    return BundleContent(champion.model, calibrator, metadata, champion.importance(), sample, oof)


def _decision(
    request: RetrainRequest, champion: str, outcome: str, reasons: list[str], **extra: object
) -> dict:
    decision = {
        "decided_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "outcome": outcome,
        "champion": champion,
        "challenger": None,
        "reasons": reasons,
        "rule": {**request.rule.to_dict(), "auc_margin": 0.0},
        **extra,
    }
    append_decision(request.paths.model_history, decision)
    return decision


def recalibrate(request: RetrainRequest) -> dict:
    """Shift, write the challenger, compare, maybe promote; returns the decision (also in the history)."""
    paths = request.paths
    prepared = prepare(request, "recalibrate")
    champion, data = prepared.champion, prepared.data
    if prepared.skip is not None:
        window = data.describe_window() if data else None
        return _decision(request, champion.version, SKIPPED, [prepared.skip], window=window)
    window = data.describe_window()
    before = champion.predict_proba(champion.matrix(data.window))
    delta = prior_shift(before, window["default_rate"])
    calibrator = shifted_calibrator(champion.calibrator, delta)
    written = write_bundle(paths.models, _content(champion, calibrator, delta, window))
    challenger = load_bundle(paths.models, written.name)
    cost = CostSpec.from_dict(champion.metadata.get("cost") or {})
    figures = {
        "champion": evaluate(champion, data.window, cost),
        "challenger": evaluate(challenger, data.window, cost),
    }
    checks = compare(figures["champion"], figures["challenger"], replace(request.rule, auc_margin=0.0))
    promoted = all(c["passed"] for c in checks)
    if promoted:
        promote(paths.models, challenger.version)
    failed = [f"failed {c['check']}: {c['rule']}" for c in checks if not c["passed"]]
    after = challenger.predict_proba(challenger.matrix(data.window))
    shift = {
        "logit_shift": delta,
        "mean_probability_before": float(before.mean()),
        "mean_probability_after": float(after.mean()),
        "realised_rate": window["default_rate"],
    }
    return _decision(
        request,
        champion.version,
        PROMOTED if promoted else KEPT,
        ["every check passed"] if promoted else failed,
        challenger=challenger.version,
        window=window,
        metrics=figures,
        checks=checks,
        recalibration=shift,
    )
